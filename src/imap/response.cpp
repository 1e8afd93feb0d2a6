#include "mailtwin/imap/response.hpp"

#include <array>

#include "mailtwin/imap/parser.hpp"

#include "mailtwin/util/ascii.hpp"

namespace mailtwin::imap {
namespace {

using util::ascii_upper;
using util::iequals;
using util::istarts_with;

// number = 1*DIGIT (RFC 3501 §9), bounded by `max`.
std::optional<std::uint64_t> parse_number(std::string_view s, std::uint64_t max) noexcept {
    if (s.empty() || s.size() > 20) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        const auto d = static_cast<std::uint64_t>(c - '0');
        if (v > (UINT64_MAX - d) / 10) return std::nullopt;
        v = v * 10 + d;
    }
    if (v > max) return std::nullopt;
    return v;
}

// mod-sequence-value = 1*DIGIT ;; Positive unsigned 63-bit integer  (RFC 7162 §7)
constexpr std::uint64_t k_max_modseq = INT64_MAX;

std::optional<std::uint32_t> nz32(std::string_view s) noexcept {
    auto v = parse_number(s, UINT32_MAX);
    if (!v || *v == 0) return std::nullopt;
    return static_cast<std::uint32_t>(*v);
}

std::vector<std::string> split_words(std::string_view s) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < s.size()) {
        const std::size_t sp = s.find(' ', pos);
        const std::size_t end = sp == std::string_view::npos ? s.size() : sp;
        if (end > pos) out.emplace_back(s.substr(pos, end - pos));
        pos = end + 1;
    }
    return out;
}

// Atoms of a flag list: flag-list = "(" [flag *(SP flag)] ")"  (RFC 3501 §9)
std::optional<FlagList> flag_list(const Value& v) {
    if (!v.is_list()) return std::nullopt;
    FlagList fl;
    for (const auto& f : v.items) {
        if (f.kind != ValueKind::atom) return std::nullopt;
        fl.names.push_back(f.text);
        if (f.text == "\\*")
            fl.keywords_allowed = true;
        else
            fl.flags.add_imap(f.text);
    }
    return fl;
}

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

void dump_to(std::string& out, const Value& v) {
    switch (v.kind) {
        case ValueKind::atom:
            out += v.text;
            break;
        case ValueKind::nil:
            out += "NIL";
            break;
        case ValueKind::quoted:
            out += '"';
            for (char c : v.text) {
                if (c == '"' || c == '\\') out += '\\';
                out += c;
            }
            out += '"';
            break;
        case ValueKind::literal:
            out += v.binary ? "~{" : "{";
            out += std::to_string(v.size);
            out += '}';
            out += v.text;
            break;
        case ValueKind::streamed:
            out += "<streamed ";
            out += std::to_string(v.size);
            out += '>';
            break;
        case ValueKind::list:
            out += '(';
            for (std::size_t i = 0; i < v.items.size(); ++i) {
                if (i) out += ' ';
                dump_to(out, v.items[i]);
            }
            out += ')';
            break;
    }
}

constexpr std::array<std::string_view, 12> k_months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil), so that
// INTERNALDATE does not depend on the process time zone as mktime would.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

struct CodeName {
    std::string_view name;
    CodeKind kind;
};
constexpr CodeName k_codes[] = {
    {"ALERT", CodeKind::alert},
    {"APPENDUID", CodeKind::appenduid},
    {"BADCHARSET", CodeKind::badcharset},
    {"CAPABILITY", CodeKind::capability},
    {"CLOSED", CodeKind::closed},
    {"COPYUID", CodeKind::copyuid},
    {"HIGHESTMODSEQ", CodeKind::highestmodseq},
    {"MODIFIED", CodeKind::modified},
    {"NOMODSEQ", CodeKind::nomodseq},
    {"OVERQUOTA", CodeKind::overquota},
    {"PARSE", CodeKind::parse},
    {"PERMANENTFLAGS", CodeKind::permanentflags},
    {"READ-ONLY", CodeKind::read_only},
    {"READ-WRITE", CodeKind::read_write},
    {"TRYCREATE", CodeKind::trycreate},
    {"UIDNEXT", CodeKind::uidnext},
    {"UIDVALIDITY", CodeKind::uidvalidity},
    {"UNSEEN", CodeKind::unseen},
};

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Value

bool Value::is_atom(std::string_view word) const noexcept { return kind == ValueKind::atom && iequals(text, word); }

std::optional<std::uint64_t> Value::number(std::uint64_t max) const noexcept {
    if (kind != ValueKind::atom) return std::nullopt;
    return parse_number(text, max);
}

std::optional<std::uint32_t> Value::nz_number32() const noexcept {
    if (kind != ValueKind::atom) return std::nullopt;
    return nz32(text);
}

std::optional<std::string_view> Value::string() const noexcept {
    if (kind == ValueKind::quoted || kind == ValueKind::literal) return std::string_view(text);
    return std::nullopt;
}

std::optional<std::string_view> Value::astring() const noexcept {
    if (kind == ValueKind::atom || kind == ValueKind::quoted || kind == ValueKind::literal)
        return std::string_view(text);
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------------
// Response codes

CodeKind code_kind_from_name(std::string_view name) noexcept {
    for (const auto& c : k_codes)
        if (iequals(c.name, name)) return c.kind;
    return CodeKind::other;
}

std::optional<model::UidValidity> ResponseCode::uidvalidity() const {
    // "UIDVALIDITY" SP nz-number
    if (kind != CodeKind::uidvalidity) return std::nullopt;
    return nz32(args);
}

std::optional<model::Uid> ResponseCode::uidnext() const {
    // "UIDNEXT" SP nz-number
    if (kind != CodeKind::uidnext) return std::nullopt;
    return nz32(args);
}

std::optional<std::uint32_t> ResponseCode::unseen() const {
    // "UNSEEN" SP nz-number
    if (kind != CodeKind::unseen) return std::nullopt;
    return nz32(args);
}

std::optional<model::ModSeq> ResponseCode::highestmodseq() const {
    // "HIGHESTMODSEQ" SP mod-sequence-value    (RFC 7162 §7)
    if (kind != CodeKind::highestmodseq) return std::nullopt;
    auto v = parse_number(args, k_max_modseq);
    if (!v || *v == 0) return std::nullopt;
    return *v;
}

std::optional<FlagList> ResponseCode::permanent_flags() const {
    // "PERMANENTFLAGS" SP "(" [flag-perm *(SP flag-perm)] ")"; flag-perm = flag / "\*"
    if (kind != CodeKind::permanentflags) return std::nullopt;
    auto values = parse_value_list(args);
    if (!values || values->size() != 1) return std::nullopt;
    return flag_list(values->front());
}

std::optional<CopyUid> ResponseCode::copyuid() const {
    // resp-code-copy = "COPYUID" SP nz-number SP uid-set SP uid-set     (RFC 4315 §4)
    if (kind != CodeKind::copyuid) return std::nullopt;
    auto w = split_words(args);
    if (w.size() != 3) return std::nullopt;
    auto v = nz32(w[0]);
    auto src = UidSet::parse(w[1]);
    auto dst = UidSet::parse(w[2]);
    if (!v || !src || !dst || src->has_star() || dst->has_star()) return std::nullopt;
    return CopyUid{*v, std::move(*src), std::move(*dst)};
}

std::optional<AppendUid> ResponseCode::appenduid() const {
    // resp-code-apnd = "APPENDUID" SP nz-number SP append-uid; append-uid = uniqueid / uid-set
    if (kind != CodeKind::appenduid) return std::nullopt;
    auto w = split_words(args);
    if (w.size() != 2) return std::nullopt;
    auto v = nz32(w[0]);
    auto uids = UidSet::parse(w[1]);
    if (!v || !uids || uids->has_star()) return std::nullopt;
    return AppendUid{*v, std::move(*uids)};
}

std::optional<UidSet> ResponseCode::modified() const {
    // "MODIFIED" SP sequence-set    (RFC 7162 §7)
    if (kind != CodeKind::modified) return std::nullopt;
    return UidSet::parse(args);
}

std::optional<std::vector<std::string>> ResponseCode::capabilities() const {
    // capability-data = "CAPABILITY" *(SP capability) SP "IMAP4rev1" *(SP capability)
    if (kind != CodeKind::capability) return std::nullopt;
    auto w = split_words(args);
    if (w.empty()) return std::nullopt;
    return w;
}

std::optional<std::vector<std::string>> ResponseCode::badcharsets() const {
    // "BADCHARSET" [SP "(" charset *(SP charset) ")" ]
    if (kind != CodeKind::badcharset) return std::nullopt;
    std::vector<std::string> out;
    if (args.empty()) return out;
    auto values = parse_value_list(args);
    if (!values || values->size() != 1 || !values->front().is_list()) return std::nullopt;
    for (const auto& v : values->front().items) {
        auto s = v.astring();
        if (!s) return std::nullopt;
        out.emplace_back(*s);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------
// dump

std::string dump(const Value& v) {
    std::string out;
    dump_to(out, v);
    return out;
}

std::string dump(const Response& r) {
    std::string out;
    switch (r.kind) {
        case Response::Kind::continuation:
            out = "+ " + r.text;
            return out;
        case Response::Kind::tagged:
            out = r.tag;
            break;
        case Response::Kind::untagged:
        case Response::Kind::bye:
            out = "*";
            break;
    }
    if (r.number) out += " " + std::to_string(*r.number);
    out += " " + r.keyword;
    if (r.status) {
        if (r.code) {
            out += " [" + r.code->name;
            if (!r.code->args.empty()) out += " " + r.code->args;
            out += "]";
        }
        if (!r.text.empty()) out += " " + r.text;
        return out;
    }
    for (const auto& v : r.args) {
        out += ' ';
        dump_to(out, v);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------
// INTERNALDATE

std::optional<InternalDate> parse_internal_date(std::string_view s) {
    // date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE
    // date-day-fixed = (SP DIGIT) / 2DIGIT; time = 2DIGIT ":" 2DIGIT ":" 2DIGIT
    // zone = ("+" / "-") 4DIGIT                                                (RFC 3501 §9)
    // "17-Jul-1996 02:44:25 -0700" is 26 characters.
    if (s.size() != 26) return std::nullopt;
    int day = 0;
    if (s[0] == ' ') {
        if (!digits(s, 1, 1, day)) return std::nullopt;
    } else if (!digits(s, 0, 2, day)) {
        return std::nullopt;
    }
    if (s[2] != '-' || s[6] != '-' || s[11] != ' ' || s[14] != ':' || s[17] != ':' || s[20] != ' ') return std::nullopt;
    unsigned month = 0;
    for (unsigned m = 0; m < k_months.size(); ++m)
        if (iequals(s.substr(3, 3), k_months[m])) month = m + 1;
    int year = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    int zh = 0;
    int zm = 0;
    if (month == 0 || !digits(s, 7, 4, year) || !digits(s, 12, 2, hour) || !digits(s, 15, 2, minute) ||
        !digits(s, 18, 2, second) || (s[21] != '+' && s[21] != '-') || !digits(s, 22, 2, zh) || !digits(s, 24, 2, zm))
        return std::nullopt;
    static constexpr std::array<int, 12> k_days = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (day < 1 || day > k_days[month - 1] || hour > 23 || minute > 59 || second > 60 || zm > 59) return std::nullopt;
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month == 2 && day == 29 && !leap) return std::nullopt;
    const int offset = (zh * 60 + zm) * (s[21] == '-' ? -1 : 1);
    const std::int64_t local =
        days_from_civil(year, month, static_cast<unsigned>(day)) * 86400 + hour * 3600 + minute * 60 + second;
    return InternalDate{static_cast<std::time_t>(local - std::int64_t{offset} * 60), offset};
}

// ---------------------------------------------------------------------------------------------------
// Untagged data

const BodyItem* FetchData::find_body(std::string_view section) const noexcept {
    for (const auto& b : bodies)
        if (iequals(b.section, section)) return &b;
    return nullptr;
}

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
