// The untagged data decoders of response.hpp (CAPABILITY, FETCH, LIST, STATUS, ...): each takes a parsed
// Response and returns the typed data, or nullopt when the response is not that data or breaks its
// grammar (RFC 3501 §7, and the extensions' sections quoted at each).
#include "mailtwin/imap/response.hpp"
#include "mailtwin/util/ascii.hpp"
#include "response_values.hpp"

namespace mailtwin::imap {
namespace {

using detail::flag_list;
using detail::k_max_modseq;
using detail::parse_number;
using util::iequals;
using util::istarts_with;

// A mailbox delimiter: QUOTED-CHAR in a quoted string, or NIL.
bool delimiter(const Value& v, std::optional<char>& out) {
    if (v.is_nil()) {
        out.reset();
        return true;
    }
    auto s = v.string();
    if (!s || s->size() != 1) return false;
    out = (*s)[0];
    return true;
}

}  // namespace

std::optional<std::vector<std::string>> decode_capability(const Response& r) {
    // capability-data = "CAPABILITY" *(SP capability) SP "IMAP4rev1" *(SP capability)
    if (r.data != DataKind::capability || r.args.empty()) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& v : r.args) {
        if (v.kind != ValueKind::atom) return std::nullopt;
        out.push_back(v.text);
    }
    return out;
}

std::optional<std::vector<std::string>> decode_enabled(const Response& r) {
    // enable-data = "ENABLED" *(SP capability)     (RFC 5161)
    if (r.data != DataKind::enabled) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& v : r.args) {
        if (v.kind != ValueKind::atom) return std::nullopt;
        out.push_back(v.text);
    }
    return out;
}

namespace {
std::optional<std::uint32_t> numbered(const Response& r, DataKind k) {
    if (r.data != k || !r.number || !r.args.empty()) return std::nullopt;
    return r.number;
}
}  // namespace

std::optional<std::uint32_t> decode_exists(const Response& r) { return numbered(r, DataKind::exists); }
std::optional<std::uint32_t> decode_recent(const Response& r) { return numbered(r, DataKind::recent); }

std::optional<std::uint32_t> decode_expunge(const Response& r) {
    // message-data = nz-number SP "EXPUNGE"
    auto n = numbered(r, DataKind::expunge);
    if (!n || *n == 0) return std::nullopt;
    return n;
}

std::optional<FetchData> decode_fetch(const Response& r) {
    // "FETCH" SP msg-att; msg-att = "(" (msg-att-dynamic / msg-att-static) *(SP ...) ")"
    if (r.data != DataKind::fetch || !r.number || *r.number == 0 || r.args.size() != 1 || !r.args[0].is_list())
        return std::nullopt;
    const auto& items = r.args[0].items;
    if (items.size() % 2 != 0) return std::nullopt;
    FetchData f;
    f.seq = *r.number;
    for (std::size_t i = 0; i < items.size(); i += 2) {
        const Value& name = items[i];
        const Value& val = items[i + 1];
        if (name.kind != ValueKind::atom) return std::nullopt;
        const std::string_view n = name.text;
        if (iequals(n, "UID")) {
            // "UID" SP uniqueid
            f.uid = val.nz_number32();
            if (!f.uid) return std::nullopt;
        } else if (iequals(n, "FLAGS")) {
            auto fl = flag_list(val);
            if (!fl) return std::nullopt;
            f.flags = std::move(fl->flags);
        } else if (iequals(n, "MODSEQ")) {
            // fetch-mod-resp = "MODSEQ" SP "(" permsg-modsequence ")"    (RFC 7162 §7)
            if (!val.is_list() || val.items.size() != 1) return std::nullopt;
            auto m = val.items[0].number(k_max_modseq);
            if (!m) return std::nullopt;
            f.modseq = *m;
        } else if (iequals(n, "INTERNALDATE")) {
            if (val.kind != ValueKind::quoted) return std::nullopt;
            f.internal_date = parse_internal_date(val.text);
            if (!f.internal_date) return std::nullopt;
        } else if (iequals(n, "RFC822.SIZE")) {
            // "RFC822.SIZE" SP number (number64 in RFC 9051)
            auto s = val.number();
            if (!s) return std::nullopt;
            f.rfc822_size = *s;
        } else if (istarts_with(n, "BODY[") || istarts_with(n, "BINARY[") || iequals(n, "RFC822") ||
                   iequals(n, "RFC822.HEADER") || iequals(n, "RFC822.TEXT")) {
            // "BODY" section ["<" number ">"] SP nstring / "BINARY" section-binary SP (nstring / literal8)
            BodyItem b;
            b.name = name.text;
            b.binary = istarts_with(n, "BINARY[");
            if (const auto open = n.find('['); open != std::string_view::npos) {
                const auto close = n.find(']', open);
                if (close == std::string_view::npos) return std::nullopt;
                b.section.assign(n.substr(open + 1, close - open - 1));
                const auto rest = n.substr(close + 1);
                if (!rest.empty()) {
                    if (rest.size() < 3 || rest.front() != '<' || rest.back() != '>') return std::nullopt;
                    auto o = parse_number(rest.substr(1, rest.size() - 2), UINT32_MAX);
                    if (!o) return std::nullopt;
                    b.origin = static_cast<std::uint32_t>(*o);
                }
            }
            switch (val.kind) {
                case ValueKind::nil:
                    b.nil = true;
                    break;
                case ValueKind::streamed:
                    b.streamed = true;
                    b.size = val.size;
                    break;
                case ValueKind::quoted:
                case ValueKind::literal:
                    b.size = val.text.size();
                    b.data = val.text;
                    break;
                default:
                    return std::nullopt;
            }
            f.bodies.push_back(std::move(b));
        } else {
            f.other.emplace_back(name.text, val);
        }
    }
    return f;
}

std::optional<Vanished> decode_vanished(const Response& r) {
    // expunged-resp = "VANISHED" [SP "(EARLIER)"] SP known-uids       (RFC 7162 §7)
    if (r.data != DataKind::vanished || r.args.empty() || r.args.size() > 2) return std::nullopt;
    Vanished v;
    std::size_t i = 0;
    if (r.args.size() == 2) {
        const Value& tag = r.args[0];
        if (!tag.is_list() || tag.items.size() != 1 || !tag.items[0].is_atom("EARLIER")) return std::nullopt;
        v.earlier = true;
        i = 1;
    }
    if (r.args[i].kind != ValueKind::atom) return std::nullopt;
    auto set = UidSet::parse(r.args[i].text);
    if (!set || set->has_star()) return std::nullopt;
    v.uids = std::move(*set);
    return v;
}

std::optional<Esearch> decode_esearch(const Response& r) {
    // esearch-response = "ESEARCH" [search-correlator] [SP "UID"] *(SP search-return-data)
    // search-correlator = SP "(" "TAG" SP tag-string ")"                        (RFC 4731 §3.1)
    if (r.data != DataKind::esearch) return std::nullopt;
    Esearch e;
    std::size_t i = 0;
    const auto& a = r.args;
    if (i < a.size() && a[i].is_list()) {
        const auto& c = a[i].items;
        if (c.size() != 2 || !c[0].is_atom("TAG")) return std::nullopt;
        auto s = c[1].string();
        if (!s) return std::nullopt;
        e.tag = std::string(*s);
        ++i;
    }
    if (i < a.size() && a[i].is_atom("UID")) {
        e.uid = true;
        ++i;
    }
    for (; i < a.size(); i += 2) {
        if (i + 1 >= a.size() || a[i].kind != ValueKind::atom) return std::nullopt;
        const Value& v = a[i + 1];
        if (a[i].is_atom("MIN")) {
            if (!(e.min = v.nz_number32())) return std::nullopt;
        } else if (a[i].is_atom("MAX")) {
            if (!(e.max = v.nz_number32())) return std::nullopt;
        } else if (a[i].is_atom("COUNT")) {
            auto c = v.number(UINT32_MAX);
            if (!c) return std::nullopt;
            e.count = static_cast<std::uint32_t>(*c);
        } else if (a[i].is_atom("ALL")) {
            if (v.kind != ValueKind::atom) return std::nullopt;
            e.all = UidSet::parse(v.text);
            if (!e.all) return std::nullopt;
        } else if (a[i].is_atom("MODSEQ")) {
            auto m = v.number(k_max_modseq);
            if (!m) return std::nullopt;
            e.modseq = *m;
        }
        // Other search-return-data (PARTIAL, RELEVANCY, ...) is skipped: name SP value.
    }
    return e;
}

std::optional<SearchResult> decode_search(const Response& r) {
    // mailbox-data =/ "SEARCH" *(SP nz-number) [SP search-sort-mod-seq]
    // search-sort-mod-seq = "(" "MODSEQ" SP mod-sequence-value ")"              (RFC 7162 §7)
    if (r.data != DataKind::search) return std::nullopt;
    SearchResult s;
    s.ids.reserve(r.args.size());
    for (std::size_t i = 0; i < r.args.size(); ++i) {
        const Value& v = r.args[i];
        if (v.is_list() && i + 1 == r.args.size()) {
            if (v.items.size() != 2 || !v.items[0].is_atom("MODSEQ")) return std::nullopt;
            auto m = v.items[1].number(k_max_modseq);
            if (!m) return std::nullopt;
            s.modseq = *m;
            break;
        }
        auto n = v.nz_number32();
        if (!n) return std::nullopt;
        s.ids.push_back(*n);
    }
    return s;
}

std::optional<ListEntry> decode_list(const Response& r) {
    // mailbox-list = "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil) SP mailbox
    //                [SP mbox-list-extended]                                    (RFC 9051 §9)
    // mbox-list-extended = "(" [mbox-list-extended-item *(SP mbox-list-extended-item)] ")"
    // mbox-list-extended-item = mbox-list-extended-item-tag SP tagged-ext-val
    if (r.data != DataKind::list && r.data != DataKind::lsub) return std::nullopt;
    const auto& a = r.args;
    if (a.size() != 3 && a.size() != 4) return std::nullopt;
    if (!a[0].is_list()) return std::nullopt;
    ListEntry e;
    e.lsub = r.data == DataKind::lsub;
    static constexpr std::pair<std::string_view, MailboxAttr> k_attrs[] = {
        {"\\Noinferiors", MailboxAttr::noinferiors},
        {"\\Noselect", MailboxAttr::noselect},
        {"\\NonExistent", MailboxAttr::nonexistent},
        {"\\HasChildren", MailboxAttr::haschildren},
        {"\\HasNoChildren", MailboxAttr::hasnochildren},
        {"\\Marked", MailboxAttr::marked},
        {"\\Unmarked", MailboxAttr::unmarked},
        {"\\Subscribed", MailboxAttr::subscribed},
        {"\\Remote", MailboxAttr::remote},
        {"\\All", MailboxAttr::all},
        {"\\Archive", MailboxAttr::archive},
        {"\\Drafts", MailboxAttr::drafts},
        {"\\Flagged", MailboxAttr::flagged},
        {"\\Junk", MailboxAttr::junk},
        {"\\Sent", MailboxAttr::sent},
        {"\\Trash", MailboxAttr::trash},
        {"\\Important", MailboxAttr::important},
    };
    for (const auto& f : a[0].items) {
        if (f.kind != ValueKind::atom) return std::nullopt;
        e.attributes.push_back(f.text);
        for (const auto& [word, bit] : k_attrs)
            if (iequals(f.text, word)) e.attr_bits |= static_cast<std::uint32_t>(bit);
    }
    // RFC 3501: \Noinferiors implies no children; RFC 5258: \NonExistent implies \Noselect.
    if (e.has(MailboxAttr::nonexistent)) e.attr_bits |= static_cast<std::uint32_t>(MailboxAttr::noselect);
    if (!delimiter(a[1], e.delimiter)) return std::nullopt;
    auto name = a[2].astring();
    if (!name) return std::nullopt;
    e.mailbox = std::string(*name);
    if (a.size() == 4) {
        if (!a[3].is_list() || a[3].items.size() % 2 != 0) return std::nullopt;
        const auto& ext = a[3].items;
        for (std::size_t i = 0; i < ext.size(); i += 2) {
            auto tag = ext[i].astring();
            if (!tag) return std::nullopt;
            const Value& val = ext[i + 1];
            if (iequals(*tag, "CHILDINFO")) {
                // childinfo-extended-item = "CHILDINFO" SP "(" list-select-base-opt-quoted ... ")"
                if (!val.is_list()) return std::nullopt;
                for (const auto& c : val.items) {
                    auto s = c.astring();
                    if (!s) return std::nullopt;
                    e.childinfo.emplace_back(*s);
                }
            } else if (iequals(*tag, "OLDNAME")) {
                // oldname-extended-item = "OLDNAME" SP "(" mailbox ")"        (RFC 9051 §9)
                if (!val.is_list() || val.items.size() != 1) return std::nullopt;
                auto s = val.items[0].astring();
                if (!s) return std::nullopt;
                e.oldname = std::string(*s);
            }
        }
    }
    return e;
}

namespace {
// objectid = 1*255(ALPHA / DIGIT / "_" / "-")   (RFC 8474 §7): always an atom on the wire. An id spelt NIL
// is lexed as NIL with its case lost, so it is refused like any malformed one.
bool is_objectid(const Value& v) {
    if (v.kind != ValueKind::atom || v.text.empty() || v.text.size() > 255) return false;
    for (char c : v.text) {
        const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && c != '_' && c != '-') return false;
    }
    return true;
}
}  // namespace

std::optional<StatusData> decode_status(const Response& r) {
    // mailbox-data =/ "STATUS" SP mailbox SP "(" [status-att-list] ")"
    // status-att-list = status-att-val *(SP status-att-val)
    if (r.data != DataKind::status_data || r.args.size() != 2 || !r.args[1].is_list()) return std::nullopt;
    auto name = r.args[0].astring();
    if (!name) return std::nullopt;
    StatusData s;
    s.mailbox = std::string(*name);
    const auto& items = r.args[1].items;
    if (items.size() % 2 != 0) return std::nullopt;
    for (std::size_t i = 0; i < items.size(); i += 2) {
        const Value& k = items[i];
        const Value& v = items[i + 1];
        if (k.kind != ValueKind::atom) return std::nullopt;
        auto u32 = [&v](std::optional<std::uint32_t>& out, bool nonzero) {
            auto n = v.number(UINT32_MAX);
            if (!n || (nonzero && *n == 0)) return false;
            out = static_cast<std::uint32_t>(*n);
            return true;
        };
        bool ok = true;
        if (k.is_atom("MESSAGES"))
            ok = u32(s.messages, false);
        else if (k.is_atom("RECENT"))
            ok = u32(s.recent, false);
        else if (k.is_atom("UIDNEXT"))
            ok = u32(s.uidnext, true);
        else if (k.is_atom("UIDVALIDITY"))
            ok = u32(s.uidvalidity, true);
        else if (k.is_atom("UNSEEN"))
            ok = u32(s.unseen, false);
        else if (k.is_atom("HIGHESTMODSEQ")) {
            // HIGHESTMODSEQ 0 is allowed for mailboxes without persistent mod-sequences (RFC 7162 §3.1.2.1)
            auto m = v.number(k_max_modseq);
            ok = m.has_value();
            if (m) s.highestmodseq = *m;
        } else if (k.is_atom("MAILBOXID")) {
            // status-att-val =/ "MAILBOXID" SP "(" objectid ")"   (RFC 8474 §7)
            ok = v.is_list() && v.items.size() == 1 && is_objectid(v.items[0]);
            if (ok) s.mailbox_id = v.items[0].text;
        }
        if (!ok) return std::nullopt;
    }
    return s;
}

std::optional<FlagList> decode_flags(const Response& r) {
    // mailbox-data = "FLAGS" SP flag-list
    if (r.data != DataKind::flags || r.args.size() != 1) return std::nullopt;
    return flag_list(r.args[0]);
}

std::optional<Namespaces> decode_namespace(const Response& r) {
    // namespace-response = "NAMESPACE" SP namespace SP namespace SP namespace     (RFC 2342)
    // namespace = nil / "(" 1*namespace-descr ")"
    // namespace-descr = "(" string SP (DQUOTE QUOTED-CHAR DQUOTE / nil) [namespace-response-extensions] ")"
    if (r.data != DataKind::namespace_ || r.args.size() != 3) return std::nullopt;
    Namespaces ns;
    std::vector<Namespace>* out[] = {&ns.personal, &ns.other_users, &ns.shared};
    for (std::size_t k = 0; k < 3; ++k) {
        const Value& v = r.args[k];
        if (v.is_nil()) continue;
        if (!v.is_list() || v.items.empty()) return std::nullopt;
        for (const auto& d : v.items) {
            if (!d.is_list() || d.items.size() < 2) return std::nullopt;
            auto prefix = d.items[0].string();
            Namespace n;
            if (!prefix || !delimiter(d.items[1], n.delimiter)) return std::nullopt;
            n.prefix = std::string(*prefix);
            out[k]->push_back(std::move(n));
        }
    }
    return ns;
}

std::optional<IdFields> decode_id(const Response& r) {
    // id-response = "ID" SP id-params-list
    // id-params-list = "(" *(string SP nstring) ")" / nil                       (RFC 2971)
    if (r.data != DataKind::id || r.args.size() != 1) return std::nullopt;
    IdFields out;
    if (r.args[0].is_nil()) return out;
    if (!r.args[0].is_list() || r.args[0].items.size() % 2 != 0) return std::nullopt;
    const auto& items = r.args[0].items;
    for (std::size_t i = 0; i < items.size(); i += 2) {
        auto key = items[i].string();
        if (!key) return std::nullopt;
        std::optional<std::string> value;
        if (auto s = items[i + 1].string())
            value = std::string(*s);
        else if (!items[i + 1].is_nil())
            return std::nullopt;
        out.emplace_back(std::string(*key), std::move(value));
    }
    return out;
}

}  // namespace mailtwin::imap
