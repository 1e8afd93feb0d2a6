#include "mailtwin/imap/parser.hpp"

#include "mailtwin/util/ascii.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <utility>

namespace mailtwin::imap {
namespace {

using util::ascii_upper;
using util::iequals;
using util::istarts_with;

// Character classes, one table lookup per byte.
enum CharClass : std::uint8_t {
    k_atom = 1 << 0,     // may appear in an atom (lenient: see make_classes)
    k_tag = 1 << 1,      // tag = 1*<any ASTRING-CHAR except "+">
    k_digit = 1 << 2,    // DIGIT = %x30-39
    k_keyword = 1 << 3,  // response keywords and code names: atom chars without "[" and "]"
};

constexpr std::array<std::uint8_t, 256> make_classes() {
    std::array<std::uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c) {
        // ATOM-CHAR = <any CHAR except atom-specials>
        // atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials / resp-specials
        // CTL = %x00-1F / %x7F; list-wildcards = "%" / "*"; quoted-specials = DQUOTE / "\";
        // resp-specials = "]"                                                      (RFC 3501 §9)
        // Atoms here also admit "%", "*" (sequence sets "9:*"), "\" (flags "\Seen", "\*"), "]" (a
        // resp-special, which ASTRING-CHAR allows in mailbox names) and 8-bit bytes (UTF-8 mailbox
        // names from servers that do not quote them); "[" opens a section scanned up to its "]".
        const bool ctl = c < 0x20 || c == 0x7F;
        const bool special = c == '(' || c == ')' || c == '{' || c == ' ' || c == '"';
        const bool atom = !ctl && !special;
        std::uint8_t v = 0;
        if (atom) v |= k_atom;
        // ASTRING-CHAR = ATOM-CHAR / resp-specials; tag excludes "+" (RFC 3501 §9).
        if (atom && c != '%' && c != '*' && c != '\\' && c != '+' && c < 0x80) v |= k_tag;
        if (c >= '0' && c <= '9') v |= k_digit;
        if (atom && c != '[' && c != ']') v |= k_keyword;
        t[static_cast<std::size_t>(c)] = v;
    }
    return t;
}
constexpr auto k_classes = make_classes();

inline bool is(char c, CharClass cls) noexcept { return (k_classes[static_cast<unsigned char>(c)] & cls) != 0; }

std::optional<Status> status_from_word(std::string_view w) noexcept {
    if (w == "OK") return Status::ok;
    if (w == "NO") return Status::no;
    if (w == "BAD") return Status::bad;
    if (w == "PREAUTH") return Status::preauth;
    if (w == "BYE") return Status::bye;
    return std::nullopt;
}

struct KeywordKind {
    std::string_view word;
    DataKind kind;
    bool numbered;  // "* n WORD"
};
constexpr KeywordKind k_keywords[] = {
    {"CAPABILITY", DataKind::capability, false},
    {"ENABLED", DataKind::enabled, false},
    {"EXISTS", DataKind::exists, true},
    {"EXPUNGE", DataKind::expunge, true},
    {"RECENT", DataKind::recent, true},
    {"FETCH", DataKind::fetch, true},
    {"VANISHED", DataKind::vanished, false},
    {"ESEARCH", DataKind::esearch, false},
    {"SEARCH", DataKind::search, false},
    {"LIST", DataKind::list, false},
    {"LSUB", DataKind::lsub, false},
    {"STATUS", DataKind::status_data, false},
    {"FLAGS", DataKind::flags, false},
    {"NAMESPACE", DataKind::namespace_, false},
    {"ID", DataKind::id, false},
};

DataKind data_kind(std::string_view keyword, bool numbered) noexcept {
    for (const auto& k : k_keywords)
        if (k.word == keyword && k.numbered == numbered) return k.kind;
    return DataKind::other;
}

// FETCH items whose literal value is message content, offered to the sink.
bool is_body_item(std::string_view name) noexcept {
    return istarts_with(name, "BODY[") || istarts_with(name, "BINARY[") || iequals(name, "RFC822") ||
           iequals(name, "RFC822.HEADER") || iequals(name, "RFC822.TEXT");
}

std::string describe_offset(std::uint64_t at) { return " at offset " + std::to_string(at); }

}  // namespace

Parser::Parser(ParserLimits limits) : m_limits(limits) { reset_response(); }

bool Parser::idle() const noexcept { return m_state == State::line && m_line.empty() && m_first_line; }

void Parser::reset_response() {
    m_response = Response{};
    m_stack.clear();
    m_stack.emplace_back();
    m_first_line = true;
    m_after_literal = false;
    m_complete = false;
    m_response_bytes = 0;
    m_response_wire_bytes = 0;
}

void Parser::set_error(Errc code, std::string what, std::uint64_t at) {
    m_state = State::failed;
    m_error = util::Error{make_error_code(code), "IMAP response: " + what + describe_offset(at)};
    // Drop what a hostile stream made us hold.
    m_line = std::string{};
    m_literal = std::string{};
    m_stack.clear();
}

Parser::Result Parser::fail(std::size_t consumed, Errc code, std::string what, std::uint64_t at) {
    set_error(code, std::move(what), at);
    return {consumed, FeedStatus::error};
}

bool Parser::charge(std::size_t bytes, std::uint64_t at) {
    if (bytes > m_limits.max_response_bytes - std::min(m_response_bytes, m_limits.max_response_bytes)) {
        set_error(
            Errc::response_too_large,
            "response exceeds ParserLimits::max_response_bytes (" + std::to_string(m_limits.max_response_bytes) + ")",
            at);
        return false;
    }
    m_response_bytes += bytes;
    return true;
}

Response Parser::take() {
    m_last_response_bytes = m_response_wire_bytes;
    Response r = std::move(m_response);
    reset_response();
    return r;
}

Parser::Result Parser::feed(std::string_view bytes) {
    if (m_state == State::failed) return {0, FeedStatus::error};
    if (m_complete) reset_response();  // the previous response was not taken: it is dropped

    const std::uint64_t base = m_offset;
    std::size_t pos = 0;
    for (;;) {
        switch (m_state) {
            case State::line: {
                const char* start = bytes.data() + pos;
                const std::size_t rest = bytes.size() - pos;
                const auto* nl = rest ? static_cast<const char*>(std::memchr(start, '\n', rest)) : nullptr;
                const std::uint64_t line_start = base + pos - m_line.size();
                const std::size_t len = nl ? static_cast<std::size_t>(nl - start) : rest;
                // The line with its LF must fit; without an LF yet, its bytes so far must leave room.
                if (m_line.size() + len + (nl ? 1 : 0) > m_limits.max_line_bytes) {
                    m_offset = base + bytes.size();
                    return fail(
                        bytes.size(), Errc::line_too_long,
                        "line exceeds ParserLimits::max_line_bytes (" + std::to_string(m_limits.max_line_bytes) + ")",
                        line_start + m_limits.max_line_bytes);
                }
                if (!nl) {
                    m_line.append(start, len);
                    m_offset = base + bytes.size();
                    return {bytes.size(), FeedStatus::need_more};
                }
                std::string_view line;
                if (m_line.empty()) {
                    line = std::string_view(start, len);
                } else {
                    m_line.append(start, len);
                    line = m_line;
                }
                pos += len + 1;
                if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
                const bool done = on_line(line, line_start);
                if (m_line.capacity() > 64 * 1024)
                    m_line = std::string{};  // after a huge line
                else
                    m_line.clear();
                m_offset = base + pos;
                if (m_state == State::failed) return {pos, FeedStatus::error};
                if (done) {
                    m_complete = true;
                    return {pos, FeedStatus::response};
                }
                break;
            }
            case State::literal:
            case State::streamed: {
                const std::size_t n =
                    static_cast<std::size_t>(std::min<std::uint64_t>(m_literal_left, bytes.size() - pos));
                if (n > 0) {
                    if (m_state == State::literal)
                        m_literal.append(bytes.data() + pos, n);
                    else
                        m_active_sink->data(bytes.substr(pos, n));
                    pos += n;
                    m_literal_left -= n;
                }
                if (m_literal_left > 0) {
                    m_offset = base + pos;
                    return {pos, FeedStatus::need_more};
                }
                finish_literal();
                break;
            }
            case State::failed:
                return {pos, FeedStatus::error};
        }
    }
}

void Parser::finish_literal() {
    if (m_state == State::streamed) {
        m_active_sink->end();
        m_active_sink = nullptr;
    } else {
        m_stack.back().back().text = std::move(m_literal);
        m_literal = std::string{};
    }
    m_state = State::line;
    m_after_literal = true;
}

bool Parser::on_line(std::string_view line, std::uint64_t line_offset) {
    // Outside literals, CHAR8 = %x01-ff excludes NUL and TEXT-CHAR excludes CR (RFC 3501 §9).
    if (const void* p = std::memchr(line.data(), '\0', line.size())) {
        set_error(Errc::bad_char, "NUL outside a literal",
                  line_offset + static_cast<std::uint64_t>(static_cast<const char*>(p) - line.data()));
        return false;
    }
    if (const void* p = std::memchr(line.data(), '\r', line.size())) {
        set_error(Errc::bad_char, "CR not followed by LF",
                  line_offset + static_cast<std::uint64_t>(static_cast<const char*>(p) - line.data()));
        return false;
    }
    if (!charge(line.size(), line_offset)) return false;
    m_response_wire_bytes += line.size();
    std::size_t pos = 0;
    if (m_first_line) {
        m_first_line = false;
        if (!parse_header(line, pos, line_offset)) return false;
        if (m_complete) return true;  // status response or continuation: one line, no values
    }
    return parse_values(line, pos, line_offset);
}

bool Parser::parse_header(std::string_view line, std::size_t& pos, std::uint64_t off) {
    auto syntax = [&](std::string what, std::size_t at) {
        set_error(Errc::syntax, std::move(what), off + at);
        return false;
    };
    if (line.empty()) return syntax("empty line", 0);

    // resp-text = ["[" resp-text-code "]" SP] text          (RFC 3501 §9; the SP and text tolerated
    // missing, as servers send "a1 OK" and "* OK [READ-WRITE]")
    auto resp_text = [&](std::size_t p) {
        if (p == line.size()) {
            m_complete = true;
            return true;
        }
        if (line[p] != ' ') return syntax("expected SP before response text", p);
        ++p;
        if (p < line.size() && line[p] == '[') {
            std::size_t q = p + 1;
            while (q < line.size() && is(line[q], k_keyword)) ++q;
            if (q == p + 1) return syntax("empty response code", q);
            ResponseCode code;
            code.name.assign(line.substr(p + 1, q - p - 1));
            code.kind = code_kind_from_name(code.name);
            if (q < line.size() && line[q] == ' ') {
                // atom [SP 1*<any TEXT-CHAR except "]">]
                const std::size_t close = line.find(']', q + 1);
                if (close == std::string_view::npos) return syntax("response code without \"]\"", q);
                code.args.assign(line.substr(q + 1, close - q - 1));
                q = close;
            }
            if (q >= line.size() || line[q] != ']') return syntax("response code without \"]\"", q);
            p = q + 1;
            if (p < line.size() && line[p] == ' ') ++p;
            m_response.code = std::move(code);
        }
        m_response.text.assign(line.substr(p));
        m_complete = true;
        return true;
    };

    if (line[0] == '+') {
        // continue-req = "+" SP (resp-text / base64) CRLF; "+" alone tolerated (RFC 3501 §9)
        m_response.kind = Response::Kind::continuation;
        std::size_t p = 1;
        if (p < line.size() && line[p] == ' ') ++p;
        m_response.text.assign(line.substr(p));
        m_complete = true;
        return true;
    }

    if (line[0] == '*') {
        // response-data = "*" SP (resp-cond-state / resp-cond-bye / mailbox-data / message-data /
        //                  capability-data / enable-data) CRLF
        m_response.kind = Response::Kind::untagged;
        if (line.size() < 2 || line[1] != ' ') return syntax("expected SP after \"*\"", 1);
        std::size_t p = 2;
        if (p < line.size() && is(line[p], k_digit)) {
            // message-data = nz-number SP ("EXPUNGE" / ("FETCH" SP msg-att)); number SP "EXISTS"
            std::uint64_t n = 0;
            const std::size_t start = p;
            while (p < line.size() && is(line[p], k_digit)) {
                n = n * 10 + static_cast<std::uint64_t>(line[p] - '0');
                if (n > UINT32_MAX) {
                    set_error(Errc::bad_number, "message number exceeds 4294967295", off + start);
                    return false;
                }
                ++p;
            }
            if (p >= line.size() || line[p] != ' ') return syntax("expected SP after number", p);
            ++p;
            m_response.number = static_cast<std::uint32_t>(n);
        }
        const std::size_t kw = p;
        while (p < line.size() && is(line[p], k_keyword)) ++p;
        if (p == kw) return syntax("expected response keyword", p);
        m_response.keyword.reserve(p - kw);
        for (std::size_t i = kw; i < p; ++i) m_response.keyword.push_back(ascii_upper(line[i]));
        if (!m_response.number) {
            if (auto st = status_from_word(m_response.keyword)) {
                // resp-cond-state / resp-cond-auth / resp-cond-bye
                m_response.status = st;
                m_response.data = DataKind::status;
                if (*st == Status::bye) m_response.kind = Response::Kind::bye;
                return resp_text(p);
            }
        }
        m_response.data = data_kind(m_response.keyword, m_response.number.has_value());
        if (p < line.size()) {
            if (line[p] != ' ') return syntax("expected SP after response keyword", p);
            ++p;
        }
        pos = p;
        return true;
    }

    // response-tagged = tag SP resp-cond-state CRLF; resp-cond-state = ("OK" / "NO" / "BAD") SP resp-text
    m_response.kind = Response::Kind::tagged;
    std::size_t p = 0;
    while (p < line.size() && is(line[p], k_tag)) ++p;
    if (p == 0) return syntax("expected \"*\", \"+\" or a tag", 0);
    m_response.tag.assign(line.substr(0, p));
    if (p >= line.size() || line[p] != ' ') return syntax("expected SP after tag", p);
    ++p;
    const std::size_t word = p;
    while (p < line.size() && is(line[p], k_keyword)) ++p;
    std::string upper;
    for (std::size_t i = word; i < p; ++i) upper.push_back(ascii_upper(line[i]));
    auto st = status_from_word(upper);
    if (!st || *st == Status::preauth || *st == Status::bye)
        return syntax("tagged response status must be OK, NO or BAD", word);
    m_response.status = st;
    m_response.keyword = std::move(upper);
    m_response.data = DataKind::status;
    return resp_text(p);
}

bool Parser::parse_values(std::string_view line, std::size_t pos, std::uint64_t off) {
    auto syntax = [&](Errc code, std::string what, std::size_t at) {
        set_error(code, std::move(what), off + at);
        return false;
    };
    // A value just ended (at the end of the previous segment if that was a literal): the grammar
    // allows only SP or ")" next.
    bool need_sep = m_after_literal;
    bool after_sep = false;
    m_after_literal = false;
    std::size_t i = pos;
    const std::size_t n = line.size();
    while (i < n) {
        const char c = line[i];
        if (need_sep) {
            if (c == ' ') {
                need_sep = false;
                after_sep = true;
                ++i;
                continue;
            }
            // Lists may follow a list without SP: body-type-mpart = 1*body SP media-subtype
            // (RFC 3501 §9) and namespace = nil / "(" 1*( "(" string SP ... ")" ) ")" (RFC 2342).
            const bool list_after_list = c == '(' && i > 0 && line[i - 1] == ')';
            if (c != ')' && !list_after_list) return syntax(Errc::syntax, "expected SP or \")\" after a value", i);
        }
        switch (c) {
            case '(': {
                if (m_stack.size() > m_limits.max_depth)
                    return syntax(
                        Errc::nesting_too_deep,
                        "list nesting exceeds ParserLimits::max_depth (" + std::to_string(m_limits.max_depth) + ")", i);
                if (!charge(k_value_cost, off + i)) return false;
                m_stack.emplace_back();
                ++i;
                need_sep = false;
                after_sep = false;
                continue;
            }
            case ')': {
                if (after_sep) return syntax(Errc::syntax, "SP before \")\"", i);
                if (m_stack.size() == 1) return syntax(Errc::unbalanced_parens, "\")\" without \"(\"", i);
                Value v;
                v.kind = ValueKind::list;
                v.items = std::move(m_stack.back());
                m_stack.pop_back();
                m_stack.back().push_back(std::move(v));
                ++i;
                need_sep = true;
                continue;
            }
            case '"': {
                // quoted = DQUOTE *QUOTED-CHAR DQUOTE
                // QUOTED-CHAR = <any TEXT-CHAR except quoted-specials> / "\" quoted-specials (RFC 3501 §9)
                std::string text;
                std::size_t j = i + 1;
                for (;;) {
                    std::size_t k = j;
                    while (k < n && line[k] != '"' && line[k] != '\\') ++k;
                    text.append(line.data() + j, k - j);
                    if (k >= n) return syntax(Errc::bad_quoted, "quoted string not closed on its line", i);
                    if (line[k] == '"') {
                        j = k + 1;
                        break;
                    }
                    if (k + 1 >= n || (line[k + 1] != '"' && line[k + 1] != '\\'))
                        return syntax(Errc::bad_quoted, "backslash in quoted string not before \" or \\", k);
                    text.push_back(line[k + 1]);
                    j = k + 2;
                }
                if (!charge(k_value_cost + text.size(), off + i)) return false;
                Value v;
                v.kind = ValueKind::quoted;
                v.text = std::move(text);
                m_stack.back().push_back(std::move(v));
                i = j;
                need_sep = true;
                after_sep = false;
                continue;
            }
            default:
                break;
        }
        if (c == '{' || (c == '~' && i + 1 < n && line[i + 1] == '{')) {
            // literal = "{" number ["+"] "}" CRLF *CHAR8;  literal8 = "~{" number "}" CRLF *OCTET
            // (RFC 3501 §9, RFC 3516 §4.2; "+" is the client-side LITERAL+ form, tolerated)
            const bool binary = c == '~';
            std::size_t j = i + (binary ? 2 : 1);
            const std::size_t digits = j;
            std::uint64_t size = 0;
            while (j < n && is(line[j], k_digit)) {
                if (j - digits >= 19)  // 10^19 > UINT64_MAX / 10: stop before overflowing
                    return syntax(Errc::bad_literal, "literal size overflows", i);
                size = size * 10 + static_cast<std::uint64_t>(line[j] - '0');
                ++j;
            }
            if (j == digits) return syntax(Errc::bad_literal, "literal without a size", i);
            if (j < n && line[j] == '+') ++j;
            if (j >= n || line[j] != '}') return syntax(Errc::bad_literal, "literal size not closed by \"}\"", i);
            if (j + 1 != n) return syntax(Errc::bad_literal, "literal announcement not at the end of the line", i);
            return start_literal(size, binary, off + i);
        }
        if (!is(c, k_atom)) return syntax(Errc::syntax, "unexpected character", i);
        // atom; "[" opens a section (BODY[HEADER.FIELDS (MESSAGE-ID)]) scanned to its "]"
        std::size_t j = i;
        while (j < n) {
            if (line[j] == '[') {
                const std::size_t close = line.find(']', j + 1);
                if (close == std::string_view::npos) return syntax(Errc::syntax, "\"[\" without \"]\"", j);
                j = close + 1;
                continue;
            }
            if (!is(line[j], k_atom)) break;
            ++j;
        }
        if (!charge(k_value_cost + (j - i), off + i)) return false;
        Value v;
        const std::string_view word = line.substr(i, j - i);
        if (iequals(word, "NIL")) {
            v.kind = ValueKind::nil;
        } else {
            v.kind = ValueKind::atom;
            v.text.assign(word);
        }
        m_stack.back().push_back(std::move(v));
        i = j;
        need_sep = true;
        after_sep = false;
    }
    // End of line without a literal: the response is complete unless a list is still open. A
    // trailing SP at top level is tolerated ("* SEARCH " from some servers).
    if (m_stack.size() > 1) return syntax(Errc::unbalanced_parens, "line ended inside a list", n);
    m_response.args = std::move(m_stack.front());
    m_stack.front().clear();
    m_complete = true;
    return true;
}

bool Parser::start_literal(std::uint64_t size, bool binary, std::uint64_t at) {
    // A FETCH body item: "* seq FETCH (... NAME {n}" with NAME the last, unpaired item of the list.
    if (m_sink && m_response.data == DataKind::fetch && m_stack.size() == 2 && m_stack[0].empty() &&
        m_stack[1].size() % 2 == 1 && m_stack[1].back().kind == ValueKind::atom &&
        is_body_item(m_stack[1].back().text)) {
        if (size > m_limits.max_streamed_literal_bytes) {
            set_error(Errc::streamed_literal_too_large,
                      "literal of " + std::to_string(size) +
                          " bytes exceeds ParserLimits::max_streamed_literal_bytes (" +
                          std::to_string(m_limits.max_streamed_literal_bytes) + ")",
                      at);
            return false;
        }
        const auto& list = m_stack[1];
        FetchContext ctx;
        ctx.seq = m_response.number.value_or(0);
        for (std::size_t k = 0; k + 1 < list.size(); k += 2)
            if (list[k].is_atom("UID")) ctx.uid = list[k + 1].nz_number32();
        ctx.item = list.back().text;
        if (const auto open = ctx.item.find('['); open != std::string_view::npos) {
            const auto close = ctx.item.find(']', open);
            ctx.section = ctx.item.substr(open + 1, close - open - 1);
        }
        ctx.binary = binary || istarts_with(ctx.item, "BINARY[");
        if (m_sink->begin(ctx, size)) {
            m_active_sink = m_sink;
            if (!charge(k_value_cost, at)) {
                m_active_sink->end();
                m_active_sink = nullptr;
                return false;
            }
            Value v;
            v.kind = ValueKind::streamed;
            v.binary = binary;
            v.size = size;
            m_stack.back().push_back(std::move(v));
            m_state = State::streamed;
            m_literal_left = size;
            if (size == 0) finish_literal();
            return false;
        }
    }
    if (size > m_limits.max_literal_bytes) {
        set_error(Errc::literal_too_large,
                  "literal of " + std::to_string(size) + " bytes exceeds ParserLimits::max_literal_bytes (" +
                      std::to_string(m_limits.max_literal_bytes) + ")",
                  at);
        return false;
    }
    if (!charge(k_value_cost + static_cast<std::size_t>(size), at)) return false;
    m_response_wire_bytes += static_cast<std::size_t>(size);
    Value v;
    v.kind = ValueKind::literal;
    v.binary = binary;
    v.size = size;
    m_stack.back().push_back(std::move(v));
    m_literal.clear();
    m_literal.reserve(static_cast<std::size_t>(size));
    m_state = State::literal;
    m_literal_left = size;
    if (size == 0) finish_literal();
    return false;
}

std::optional<std::vector<Value>> parse_value_list(std::string_view text) {
    if (text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) return std::nullopt;
    std::string line = "* X ";
    line.append(text);
    line.push_back('\n');
    Parser parser;
    auto r = parser.feed(line);
    if (r.status != FeedStatus::response || r.consumed != line.size()) return std::nullopt;
    return parser.take().args;
}

}  // namespace mailtwin::imap
