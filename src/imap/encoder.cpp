#include "mailtwin/imap/encoder.hpp"

#include "mailtwin/util/ascii.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "mailtwin/imap/encode_error.hpp"
#include "mailtwin/imap/utf7.hpp"
#include "mailtwin/util/base64.hpp"
#include "mailtwin/util/inbox.hpp"

namespace mailtwin::imap {
namespace {

using util::iequals;

// RFC 3501 §9: atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials /
// resp-specials; ATOM-CHAR = <any CHAR except atom-specials>.
constexpr bool is_atom_char(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
    return std::strchr("(){%*\"\\]", c) == nullptr;
}
// ASTRING-CHAR = ATOM-CHAR / resp-specials
constexpr bool is_astring_char(char c) noexcept { return is_atom_char(c) || c == ']'; }

bool is_atom(std::string_view s) noexcept { return !s.empty() && std::all_of(s.begin(), s.end(), is_atom_char); }

// QUOTED-CHAR is any TEXT-CHAR (RFC 3501) or UTF-8 once UTF8=ACCEPT is on (RFC 6855 §3). Control
// characters other than CR/LF are legal in quoted strings, but servers differ in accepting them, so
// they go as literals, which every server takes.
bool can_quote(std::string_view s, bool utf8_accept) noexcept {
    if (s.size() > k_max_quoted) return false;
    bool eight_bit = false;
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) return false;
        if (u >= 0x80) eight_bit = true;
    }
    return !eight_bit || (utf8_accept && is_valid_utf8(s));
}

bool has_forbidden_text(std::string_view s) noexcept {
    return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

std::string decimal(std::uint64_t n) { return std::to_string(n); }

util::Unexpected encode_failure(EncodeError e, std::string message) {
    return util::unexpected(make_error_code(e), std::move(message));
}

}  // namespace

// ---- payloads and commands ----

util::Expected<std::size_t> StringPayload::read(std::uint64_t offset, std::span<char> out) const {
    if (offset >= m_bytes.size()) return std::size_t{0};
    const std::size_t n = std::min<std::size_t>(out.size(), m_bytes.size() - static_cast<std::size_t>(offset));
    std::memcpy(out.data(), m_bytes.data() + offset, n);
    return n;
}

PayloadPtr make_payload(std::string bytes) { return std::make_shared<StringPayload>(std::move(bytes)); }

std::uint64_t Segment::size() const noexcept {
    std::uint64_t n = 0;
    for (const Piece& p : pieces) {
        if (const auto* text = std::get_if<std::string>(&p))
            n += text->size();
        else if (const auto& body = std::get<PayloadPtr>(p))
            n += body->size();
    }
    return n;
}

std::uint64_t Command::wire_size() const noexcept {
    std::uint64_t n = 0;
    for (const Segment& s : segments) n += s.size();
    return n;
}

util::Expected<std::string> Command::wire() const {
    std::string out;
    for (const Segment& s : segments) {
        for (const Piece& p : s.pieces) {
            if (const auto* text = std::get_if<std::string>(&p)) {
                out += *text;
                continue;
            }
            const PayloadPtr& body = std::get<PayloadPtr>(p);
            if (auto view = body->contiguous()) {
                out += *view;
                continue;
            }
            std::array<char, 65536> buffer{};
            std::uint64_t offset = 0;
            while (offset < body->size()) {
                auto n = body->read(offset, buffer);
                if (!n) return util::unexpected(std::move(n).error());
                if (*n == 0) return encode_failure(EncodeError::invalid_argument, "literal payload ended early");
                out.append(buffer.data(), *n);
                offset += *n;
            }
        }
    }
    return out;
}

// ---- CommandBuilder ----

CommandBuilder::CommandBuilder(const EncoderOptions& options, std::string tag, std::string_view name)
    : m_options(options) {
    m_command.tag = std::move(tag);
    m_command.name = std::string(name);
    m_command.segments.emplace_back();
    const std::string head = m_command.tag + " " + std::string(name);
    text(head, head);
}

void CommandBuilder::fail(std::error_code code, std::string message) {
    if (!m_error) m_error = util::Error{code, std::move(message)};
}

void CommandBuilder::text(std::string_view bytes, std::string_view redacted) {
    auto& pieces = m_command.segments.back().pieces;
    if (pieces.empty() || !std::holds_alternative<std::string>(pieces.back())) pieces.emplace_back(std::string());
    std::get<std::string>(pieces.back()) += bytes;
    m_command.redacted += redacted;
}

void CommandBuilder::separator() {
    if (m_need_space) text(" ", " ");
    m_need_space = true;
}

void CommandBuilder::literal_header(std::uint64_t size, bool binary) {
    const bool non_sync = m_options.literals == LiteralMode::plus ||
                          (m_options.literals == LiteralMode::minus && size <= k_literal_minus_max);
    const std::string header = (binary ? "~{" : "{") + decimal(size) + (non_sync ? "+}\r\n" : "}\r\n");
    text(header, "");
    // A synchronizing literal: the body may only follow the server's "+" continuation.
    if (!non_sync) m_command.segments.emplace_back();
}

void CommandBuilder::inline_literal(std::string_view bytes, Secret secret) {
    literal_header(bytes.size(), false);
    text(bytes, secret == Secret::yes ? std::string("***") : "{" + decimal(bytes.size()) + " bytes}");
}

CommandBuilder& CommandBuilder::raw(std::string_view t) {
    if (m_error) return *this;
    if (t.empty() || has_forbidden_text(t)) {
        fail(make_error_code(EncodeError::invalid_argument), "protocol text must be one non-empty line");
        return *this;
    }
    separator();
    text(t, t);
    return *this;
}

CommandBuilder& CommandBuilder::secret(std::string_view t) {
    if (m_error) return *this;
    if (t.empty() || has_forbidden_text(t)) {
        fail(make_error_code(EncodeError::invalid_argument), "secret protocol text must be one non-empty line");
        return *this;
    }
    separator();
    text(t, "***");
    return *this;
}

CommandBuilder& CommandBuilder::atom(std::string_view t) {
    if (m_error) return *this;
    if (!is_atom(t)) {
        fail(make_error_code(EncodeError::invalid_argument), "\"" + std::string(t) + "\" is not an IMAP atom");
        return *this;
    }
    return raw(t);
}

CommandBuilder& CommandBuilder::number(std::uint64_t n) { return raw(decimal(n)); }

CommandBuilder& CommandBuilder::astring(std::string_view t, Secret secret_flag) {
    if (m_error) return *this;
    const bool atom_ok = !t.empty() && std::all_of(t.begin(), t.end(), is_astring_char) && !iequals(t, "NIL");
    if (atom_ok && secret_flag == Secret::no) return raw(t);
    return string(t, secret_flag);
}

CommandBuilder& CommandBuilder::string(std::string_view t, Secret secret_flag) {
    if (m_error) return *this;
    if (t.find('\0') != std::string_view::npos) {
        fail(make_error_code(EncodeError::nul_in_string), "an IMAP string cannot contain a NUL byte");
        return *this;
    }
    separator();
    if (!can_quote(t, m_options.utf8_accept)) {
        inline_literal(t, secret_flag);
        return *this;
    }
    std::string quoted;
    quoted.reserve(t.size() + 2);
    quoted += '"';
    for (const char c : t) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
    }
    quoted += '"';
    text(quoted, secret_flag == Secret::yes ? std::string_view("***") : std::string_view(quoted));
    return *this;
}

CommandBuilder& CommandBuilder::mailbox(std::string_view utf8) {
    if (m_error) return *this;
    // RFC 3501 §5.1: INBOX is case-insensitive; send the canonical spelling.
    if (util::is_inbox(utf8)) return raw(util::k_inbox);
    auto wire = mailbox_to_wire(utf8, m_options.utf8_accept);
    if (!wire) {
        fail(wire.error().code, wire.error().message);
        return *this;
    }
    return astring(*wire);
}

CommandBuilder& CommandBuilder::pattern(std::string_view utf8) {
    if (m_error) return *this;
    auto wire = mailbox_to_wire(utf8, m_options.utf8_accept);
    if (!wire) {
        fail(wire.error().code, wire.error().message);
        return *this;
    }
    return string(*wire);
}

CommandBuilder& CommandBuilder::literal(PayloadPtr body, bool binary) {
    if (m_error) return *this;
    if (!body) {
        fail(make_error_code(EncodeError::invalid_argument), "literal without a body");
        return *this;
    }
    if (binary && !m_options.binary) {
        fail(make_error_code(EncodeError::invalid_argument),
             "a message with NUL bytes needs the server's BINARY capability");
        return *this;
    }
    separator();
    const std::uint64_t size = body->size();
    literal_header(size, binary);
    m_command.segments.back().pieces.emplace_back(std::move(body));
    m_command.redacted += "{" + decimal(size) + " bytes}";
    return *this;
}

CommandBuilder& CommandBuilder::flags(const model::FlagSet& flag_set) {
    if (m_error) return *this;
    open();
    for (const auto& fl : model::k_flag_letters)
        if (flag_set.has(fl.flag)) raw(fl.imap_name);
    for (const std::string& keyword : flag_set.keywords) {
        // flag = "\Answered" / ... / flag-keyword / flag-extension; flag-keyword = atom,
        // flag-extension = "\" atom.
        const std::string_view body =
            !keyword.empty() && keyword.front() == '\\' ? std::string_view(keyword).substr(1) : keyword;
        if (!is_atom(body)) {
            fail(make_error_code(EncodeError::invalid_flag),
                 "keyword \"" + keyword + "\" cannot be sent to the server: it is not an IMAP atom");
            return *this;
        }
        raw(keyword);
    }
    return close();
}

CommandBuilder& CommandBuilder::set(const SeqSet& uids) {
    if (m_error) return *this;
    if (uids.empty()) {
        fail(make_error_code(EncodeError::empty_set), m_command.name + " needs at least one UID");
        return *this;
    }
    return raw(uids.to_string());
}

CommandBuilder& CommandBuilder::wait_continuation() {
    if (m_error) return *this;
    text("\r\n", " ");
    m_command.segments.emplace_back();
    m_need_space = false;
    return *this;
}

CommandBuilder& CommandBuilder::open() {
    if (m_error) return *this;
    separator();
    text("(", "(");
    m_need_space = false;
    return *this;
}

CommandBuilder& CommandBuilder::close() {
    if (m_error) return *this;
    text(")", ")");
    m_need_space = true;
    return *this;
}

util::Expected<Command> CommandBuilder::finish() {
    if (m_error) return util::unexpected(std::move(*m_error));
    text("\r\n", "");
    return std::move(m_command);
}

// ---- date-time ----

util::Expected<std::string> format_date_time(const AppendDate& date) {
    using namespace std::chrono;
    static constexpr std::array<std::string_view, 12> k_months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::int32_t offset = date.utc_offset_minutes;
    if (offset <= -100 * 60 || offset >= 100 * 60)
        return encode_failure(EncodeError::invalid_argument, "time zone offset out of range");
    const std::int64_t local = date.unix_time + std::int64_t{offset} * 60;
    const sys_days day = floor<days>(sys_seconds{seconds{local}});
    const year_month_day ymd{day};
    const int y = static_cast<int>(ymd.year());
    if (y < 0 || y > 9999) return encode_failure(EncodeError::invalid_argument, "date outside years 0000-9999");
    const auto second_of_day = local - duration_cast<seconds>(day.time_since_epoch()).count();
    const auto abs_offset = offset < 0 ? -offset : offset;

    char buf[40];
    const int n =
        std::snprintf(buf, sizeof buf, "\"%02u-%s-%04d %02d:%02d:%02d %c%02d%02d\"", static_cast<unsigned>(ymd.day()),
                      k_months[static_cast<unsigned>(ymd.month()) - 1].data(), y,
                      static_cast<int>(second_of_day / 3600), static_cast<int>(second_of_day / 60 % 60),
                      static_cast<int>(second_of_day % 60), offset < 0 ? '-' : '+', abs_offset / 60, abs_offset % 60);
    return std::string(buf, static_cast<std::size_t>(n));
}

// ---- Encoder ----

std::string Encoder::next_tag() { return m_options.tag_prefix + decimal(m_next_tag++); }

CommandBuilder Encoder::begin(std::string_view name) { return CommandBuilder(m_options, next_tag(), name); }

Command Encoder::simple(std::string_view name) { return begin(name).finish().value(); }

Command Encoder::capability() { return simple("CAPABILITY"); }
Command Encoder::noop() { return simple("NOOP"); }
Command Encoder::unselect() { return simple("UNSELECT"); }
Command Encoder::close_mailbox() { return simple("CLOSE"); }
Command Encoder::logout() { return simple("LOGOUT"); }
Command Encoder::starttls() { return simple("STARTTLS"); }
Command Encoder::namespace_() { return simple("NAMESPACE"); }
Command Encoder::compress_deflate() { return simple("COMPRESS DEFLATE"); }
Command Encoder::idle() { return simple("IDLE"); }
Command Encoder::notify_none() { return simple("NOTIFY NONE"); }

Command Encoder::done() const {
    Command c;
    c.name = "DONE";
    c.segments.push_back(Segment{{std::string("DONE\r\n")}});
    c.redacted = "DONE";
    return c;
}

Command Encoder::continuation_line(std::string_view line, bool secret_line) const {
    Command c;
    c.name = "continuation";
    c.segments.push_back(Segment{{std::string(line) + "\r\n"}});
    c.redacted = secret_line ? "***" : std::string(line);
    return c;
}

util::Expected<Command> Encoder::login(std::string_view user, std::string_view password) {
    return begin("LOGIN").string(user).string(password, CommandBuilder::Secret::yes).finish();
}

util::Expected<Command> Encoder::authenticate_plain(std::string_view user, std::string_view password,
                                                    std::string_view authzid) {
    const auto has_nul = [](std::string_view s) { return s.find('\0') != std::string_view::npos; };
    if (has_nul(user) || has_nul(password) || has_nul(authzid))
        return encode_failure(EncodeError::nul_in_string, "SASL PLAIN user names and passwords cannot contain NUL");
    std::string message;
    message.reserve(authzid.size() + user.size() + password.size() + 2);
    message.append(authzid).append(1, '\0').append(user).append(1, '\0').append(password);
    CommandBuilder b = begin("AUTHENTICATE");
    b.raw("PLAIN");
    if (!m_options.sasl_ir) b.wait_continuation();
    return b.secret(util::base64_encode(message)).finish();
}

util::Expected<Command> Encoder::authenticate_xoauth2(std::string_view user, std::string_view access_token) {
    const auto bad = [](std::string_view s) { return s.find_first_of(std::string_view("\x01\r\n\0", 4)) != s.npos; };
    if (bad(user) || bad(access_token))
        return encode_failure(EncodeError::invalid_argument, "XOAUTH2 user or token contains a control character");
    std::string message = "user=";
    message.append(user)
        .append(
            "\x01"
            "auth=Bearer ")
        .append(access_token)
        .append("\x01\x01");
    CommandBuilder b = begin("AUTHENTICATE");
    b.raw("XOAUTH2");
    if (!m_options.sasl_ir) b.wait_continuation();
    return b.secret(util::base64_encode(message)).finish();
}

util::Expected<Command> Encoder::id(std::span<const std::pair<std::string, std::string>> fields) {
    CommandBuilder b = begin("ID");
    if (fields.empty()) return b.raw("NIL").finish();
    b.open();
    for (const auto& [key, value] : fields) b.string(key).string(value);
    return b.close().finish();
}

util::Expected<Command> Encoder::enable(std::span<const std::string_view> extensions) {
    if (extensions.empty()) return encode_failure(EncodeError::invalid_argument, "ENABLE needs an extension");
    CommandBuilder b = begin("ENABLE");
    for (const std::string_view e : extensions) b.atom(e);
    return b.finish();
}

util::Expected<Command> Encoder::select_like(std::string_view name, std::string_view mailbox,
                                             const SelectOptions& options) {
    CommandBuilder b = begin(name);
    b.mailbox(mailbox);
    if (options.qresync) {
        const QresyncParams& q = *options.qresync;
        if (q.uidvalidity == 0)
            return encode_failure(EncodeError::invalid_argument, "QRESYNC needs a known UIDVALIDITY");
        b.open().raw("QRESYNC").open().number(q.uidvalidity).number(q.modseq);
        if (!q.known_uids.empty()) b.set(q.known_uids);
        b.close().close();
    } else if (options.condstore) {
        b.open().raw("CONDSTORE").close();
    }
    return b.finish();
}

util::Expected<Command> Encoder::select(std::string_view mailbox, const SelectOptions& options) {
    return select_like("SELECT", mailbox, options);
}

util::Expected<Command> Encoder::examine(std::string_view mailbox, const SelectOptions& options) {
    return select_like("EXAMINE", mailbox, options);
}

util::Expected<Command> Encoder::create(std::string_view mailbox) { return begin("CREATE").mailbox(mailbox).finish(); }

util::Expected<Command> Encoder::delete_(std::string_view mailbox) { return begin("DELETE").mailbox(mailbox).finish(); }

util::Expected<Command> Encoder::rename(std::string_view from, std::string_view to) {
    return begin("RENAME").mailbox(from).mailbox(to).finish();
}

util::Expected<Command> Encoder::list(std::string_view reference, std::string_view pattern, const ListReturn& ret) {
    CommandBuilder b = begin("LIST");
    b.pattern(reference).pattern(pattern);
    if (ret.special_use || !ret.status_items.empty()) {
        b.raw("RETURN").open();
        if (ret.special_use) b.raw("SPECIAL-USE");
        if (!ret.status_items.empty()) {
            b.raw("STATUS").open();
            for (const std::string& item : ret.status_items) b.atom(item);
            b.close();
        }
        b.close();
    }
    return b.finish();
}

Command Encoder::list_all(bool highestmodseq) {
    ListReturn ret;
    ret.status_items = {"MESSAGES", "UIDNEXT", "UIDVALIDITY"};
    if (highestmodseq) ret.status_items.emplace_back("HIGHESTMODSEQ");
    return list("", "*", ret).value();
}

util::Expected<Command> Encoder::status(std::string_view mailbox, std::span<const std::string_view> items) {
    if (items.empty()) return encode_failure(EncodeError::invalid_argument, "STATUS needs at least one item");
    CommandBuilder b = begin("STATUS");
    b.mailbox(mailbox).open();
    for (const std::string_view item : items) b.atom(item);
    return b.close().finish();
}

util::Expected<Command> Encoder::uid_fetch(const SeqSet& uids, std::span<const std::string_view> items,
                                           const FetchModifiers& modifiers) {
    if (items.empty()) return encode_failure(EncodeError::invalid_argument, "UID FETCH needs at least one item");
    if (modifiers.vanished && !modifiers.changed_since)
        return encode_failure(EncodeError::invalid_argument, "VANISHED needs CHANGEDSINCE (RFC 7162 §3.2.6)");
    CommandBuilder b = begin("UID FETCH");
    b.set(uids).open();
    for (const std::string_view item : items) b.raw(item);
    b.close();
    if (modifiers.changed_since) {
        b.open().raw("CHANGEDSINCE").number(*modifiers.changed_since);
        if (modifiers.vanished) b.raw("VANISHED");
        b.close();
    }
    return b.finish();
}

util::Expected<Command> Encoder::uid_store(const SeqSet& uids, StoreMode mode, const model::FlagSet& flag_set,
                                           std::optional<model::ModSeq> unchanged_since, bool silent) {
    CommandBuilder b = begin("UID STORE");
    b.set(uids);
    if (unchanged_since) b.open().raw("UNCHANGEDSINCE").number(*unchanged_since).close();
    std::string item = mode == StoreMode::add ? "+FLAGS" : mode == StoreMode::remove ? "-FLAGS" : "FLAGS";
    if (silent) item += ".SILENT";
    return b.raw(item).flags(flag_set).finish();
}

util::Expected<Command> Encoder::uid_search(std::span<const SearchTerm> criteria, bool esearch) {
    if (criteria.empty()) return encode_failure(EncodeError::invalid_argument, "UID SEARCH needs a criterion");
    CommandBuilder b = begin("UID SEARCH");
    if (esearch) b.raw("RETURN").open().raw("ALL").close();
    // Without UTF8=ACCEPT, a non-ASCII string is only meaningful with an explicit charset.
    const bool needs_charset =
        !m_options.utf8_accept && std::any_of(criteria.begin(), criteria.end(), [](const SearchTerm& t) {
            return t.kind == SearchTerm::Kind::string && std::any_of(t.text.begin(), t.text.end(), [](char c) {
                       return static_cast<unsigned char>(c) >= 0x80;
                   });
        });
    if (needs_charset) b.raw("CHARSET").raw("UTF-8");
    for (const SearchTerm& t : criteria) {
        if (t.kind == SearchTerm::Kind::string)
            b.string(t.text);
        else
            b.raw(t.text);
    }
    return b.finish();
}

util::Expected<Command> Encoder::uid_copy_like(std::string_view name, const SeqSet& uids, std::string_view mailbox) {
    return begin(name).set(uids).mailbox(mailbox).finish();
}

util::Expected<Command> Encoder::uid_copy(const SeqSet& uids, std::string_view mailbox) {
    return uid_copy_like("UID COPY", uids, mailbox);
}

util::Expected<Command> Encoder::uid_move(const SeqSet& uids, std::string_view mailbox) {
    return uid_copy_like("UID MOVE", uids, mailbox);
}

util::Expected<Command> Encoder::uid_expunge(const SeqSet& uids) { return begin("UID EXPUNGE").set(uids).finish(); }

util::Expected<Command> Encoder::append(std::string_view mailbox, std::span<const AppendMessage> messages) {
    if (messages.empty()) return encode_failure(EncodeError::invalid_argument, "APPEND needs a message");
    CommandBuilder b = begin("APPEND");
    b.mailbox(mailbox);
    for (const AppendMessage& m : messages) {
        if (m.flags.bits() != 0 || !m.flags.keywords.empty()) b.flags(m.flags);
        if (m.internal_date) {
            auto date = format_date_time(*m.internal_date);
            if (!date) return util::unexpected(std::move(date).error());
            b.raw(*date);
        }
        b.literal(m.body, m.binary);
    }
    return b.finish();
}

util::Expected<Command> Encoder::notify_set(std::string_view spec) {
    return begin("NOTIFY").raw("SET").raw(spec).finish();
}

}  // namespace mailtwin::imap
