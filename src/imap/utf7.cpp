#include "mailtwin/imap/utf7.hpp"

#include <array>
#include <cstdint>
#include <optional>

#include "mailtwin/imap/encode_error.hpp"

namespace mailtwin::imap {
namespace {

constexpr std::string_view k_b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
constexpr char32_t k_replacement = 0xFFFD;

constexpr std::array<std::int8_t, 256> make_b64_table() {
    std::array<std::int8_t, 256> table{};
    for (auto& v : table) v = -1;
    for (std::size_t i = 0; i < k_b64.size(); ++i)
        table[static_cast<unsigned char>(k_b64[i])] = static_cast<std::int8_t>(i);
    return table;
}
constexpr auto k_b64_value = make_b64_table();

// RFC 3501 §5.1.3: printable US-ASCII other than '&' represents itself.
constexpr bool is_direct(char32_t c) noexcept { return c >= 0x20 && c <= 0x7e && c != '&'; }

// Decodes one UTF-8 sequence at `pos`; returns the code point or nullopt (and advances past the
// longest ill-formed prefix, one byte at least, as Unicode §3.9 "maximal subpart" suggests).
std::optional<char32_t> next_code_point(std::string_view s, std::size_t& pos) noexcept {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char b0 = byte(pos);
    if (b0 < 0x80) {
        ++pos;
        return b0;
    }
    std::size_t len = 0;
    char32_t cp = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
        cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        cp = b0 & 0x0F;
        if (b0 == 0xE0) lo = 0xA0;  // overlong
        if (b0 == 0xED) hi = 0x9F;  // surrogates D800..DFFF
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        cp = b0 & 0x07;
        if (b0 == 0xF0) lo = 0x90;  // overlong
        if (b0 == 0xF4) hi = 0x8F;  // > U+10FFFF
    } else {
        ++pos;
        return std::nullopt;
    }
    std::size_t i = pos + 1;
    for (std::size_t k = 1; k < len; ++k, ++i) {
        if (i >= s.size()) {
            pos = i;
            return std::nullopt;
        }
        const unsigned char b = byte(i);
        const unsigned char min = k == 1 ? lo : 0x80;
        const unsigned char max = k == 1 ? hi : 0xBF;
        if (b < min || b > max) {
            pos = i;
            return std::nullopt;
        }
        cp = cp << 6 | (b & 0x3F);
    }
    pos = i;
    return cp;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// Writes a run of UTF-16 code units as "&<modified base64>-".
void flush_run(std::string& out, const std::u16string& run) {
    out += '&';
    std::uint32_t bits = 0;
    int nbits = 0;
    for (const char16_t unit : run) {
        bits = bits << 16 | unit;
        nbits += 16;
        while (nbits >= 6) {
            nbits -= 6;
            out += k_b64[(bits >> nbits) & 0x3F];
        }
        bits &= (1u << nbits) - 1;
    }
    if (nbits > 0) out += k_b64[(bits << (6 - nbits)) & 0x3F];
    out += '-';
}

util::Unexpected bad(std::string_view name, std::string_view why) {
    // The name came from the server: show it, but never echo control or 8-bit bytes into a log.
    std::string shown;
    for (const char c : name) {
        const auto uc = static_cast<unsigned char>(c);
        shown += uc >= 0x20 && uc <= 0x7e ? c : '?';
    }
    return util::unexpected(make_error_code(EncodeError::invalid_mutf7),
                            "mailbox name \"" + shown + "\" is not valid modified UTF-7: " + std::string(why));
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) noexcept {
    std::size_t pos = 0;
    while (pos < bytes.size())
        if (!next_code_point(bytes, pos)) return false;
    return true;
}

std::string encode_mailbox(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    std::u16string run;  // pending characters that need base64
    std::size_t pos = 0;
    while (pos < utf8.size()) {
        const char32_t cp = next_code_point(utf8, pos).value_or(k_replacement);
        if (is_direct(cp) || cp == '&') {
            if (!run.empty()) {
                flush_run(out, run);
                run.clear();
            }
            out += cp == '&' ? std::string_view("&-") : std::string_view(&utf8[pos - 1], 1);
            continue;
        }
        if (cp >= 0x10000) {
            const char32_t v = cp - 0x10000;
            run += static_cast<char16_t>(0xD800 + (v >> 10));
            run += static_cast<char16_t>(0xDC00 + (v & 0x3FF));
        } else {
            run += static_cast<char16_t>(cp);
        }
    }
    if (!run.empty()) flush_run(out, run);
    return out;
}

util::Expected<std::string> decode_mailbox(std::string_view mutf7) {
    std::string out;
    out.reserve(mutf7.size());
    std::size_t i = 0;
    bool previous_was_run = false;  // adjacent runs "&..-&..-" would have been written as one
    while (i < mutf7.size()) {
        const char c = mutf7[i];
        const auto uc = static_cast<unsigned char>(c);
        if (uc < 0x20 || uc > 0x7e) return bad(mutf7, "byte outside printable US-ASCII");
        if (c != '&') {
            out += c;
            ++i;
            previous_was_run = false;
            continue;
        }
        ++i;
        if (i < mutf7.size() && mutf7[i] == '-') {  // "&-" is '&'
            out += '&';
            ++i;
            previous_was_run = false;
            continue;
        }
        if (previous_was_run) return bad(mutf7, "two adjacent base64 runs");
        std::uint32_t bits = 0;
        int nbits = 0;
        char16_t high = 0;  // a pending high surrogate
        std::size_t units = 0;
        while (true) {
            if (i >= mutf7.size()) return bad(mutf7, "unterminated \"&\" (missing \"-\")");
            const char b = mutf7[i++];
            if (b == '-') break;
            const std::int8_t v = k_b64_value[static_cast<unsigned char>(b)];
            if (v < 0) return bad(mutf7, "invalid base64 character");
            bits = bits << 6 | static_cast<std::uint32_t>(v);
            nbits += 6;
            if (nbits < 16) continue;
            nbits -= 16;
            const auto unit = static_cast<char16_t>((bits >> nbits) & 0xFFFF);
            bits &= (1u << nbits) - 1;
            ++units;
            if (high != 0) {
                if (unit < 0xDC00 || unit > 0xDFFF) return bad(mutf7, "unpaired UTF-16 high surrogate");
                append_utf8(out, 0x10000 + ((static_cast<char32_t>(high) - 0xD800) << 10) + (unit - 0xDC00));
                high = 0;
            } else if (unit >= 0xD800 && unit <= 0xDBFF) {
                high = unit;
            } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
                return bad(mutf7, "unpaired UTF-16 low surrogate");
            } else if (is_direct(unit) || unit == '&') {
                return bad(mutf7, "printable US-ASCII encoded in base64");
            } else {
                append_utf8(out, unit);
            }
        }
        if (units == 0) return bad(mutf7, "empty or truncated base64 run");
        if (high != 0) return bad(mutf7, "unpaired UTF-16 high surrogate");
        // What is left must be the zero padding of the last sextet: under 6 bits, all zero.
        if (nbits >= 6 || bits != 0) return bad(mutf7, "base64 run does not end on a UTF-16 boundary");
        previous_was_run = true;
    }
    return out;
}

util::Expected<std::string> mailbox_to_wire(std::string_view utf8, bool utf8_accept) {
    if (!is_valid_utf8(utf8))
        return util::unexpected(make_error_code(EncodeError::invalid_utf8),
                                "mailbox name is not valid UTF-8; rename the local folder to UTF-8");
    if (utf8_accept) return std::string(utf8);
    return encode_mailbox(utf8);
}

util::Expected<std::string> mailbox_from_wire(std::string_view wire, bool utf8_accept) {
    if (!utf8_accept) return decode_mailbox(wire);
    if (!is_valid_utf8(wire))
        return util::unexpected(make_error_code(EncodeError::invalid_utf8),
                                "mailbox name from the server is not valid UTF-8");
    return std::string(wire);
}

}  // namespace mailtwin::imap
