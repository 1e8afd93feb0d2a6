#include "mailtwin/imap/utf7.hpp"

#include <gtest/gtest.h>

#include "mailtwin/imap/encode_error.hpp"

namespace mailtwin::imap {
namespace {

// u8"" literals are char8_t in C++20; mailtwin carries UTF-8 in std::string.
std::string u8s(std::u8string_view s) { return std::string(s.begin(), s.end()); }

TEST(Utf7, Rfc3501Example) {
    const std::string utf8 = u8s(u8"~peter/mail/台北/日本語");
    EXPECT_EQ(encode_mailbox(utf8), "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
    auto decoded = decode_mailbox("~peter/mail/&U,BTFw-/&ZeVnLIqe-");
    ASSERT_TRUE(decoded) << decoded.error().describe();
    EXPECT_EQ(*decoded, utf8);
}

TEST(Utf7, AmpersandAndPlainAscii) {
    EXPECT_EQ(encode_mailbox("Tom & Jerry"), "Tom &- Jerry");
    EXPECT_EQ(encode_mailbox("&"), "&-");
    EXPECT_EQ(encode_mailbox("INBOX.Sent-Items+x,y"), "INBOX.Sent-Items+x,y");
    EXPECT_EQ(encode_mailbox(""), "");
    EXPECT_EQ(decode_mailbox("Tom &- Jerry").value(), "Tom & Jerry");
    EXPECT_EQ(decode_mailbox("&-&-").value(), "&&");
}

TEST(Utf7, EncodesNonAsciiRuns) {
    EXPECT_EQ(encode_mailbox(u8s(u8"Entwürfe")), "Entw&APw-rfe");
    EXPECT_EQ(encode_mailbox(u8s(u8"☺!")), "&Jjo-!");
    EXPECT_EQ(encode_mailbox(u8s(u8"é&ü")), "&AOk-&-&APw-");
    // Outside the BMP: a UTF-16 surrogate pair.
    EXPECT_EQ(encode_mailbox(u8s(u8"😀")), "&2D3eAA-");
    // Control characters are not printable: they are encoded too.
    EXPECT_EQ(encode_mailbox("a\tb"), "a&AAk-b");
}

TEST(Utf7, RoundTripsManyNames) {
    for (const std::u8string_view name : {u8"Brouillons", u8"Éléments envoyés", u8"Корзина", u8"迷惑メール", u8"a😀b&c",
                                          u8"&&&", u8"-&-", u8"ÿ", u8"日本語/台北", u8"\u00e9\U0001F600\u00e9"}) {
        const std::string utf8 = u8s(name);
        const std::string wire = encode_mailbox(utf8);
        for (const char c : wire) EXPECT_TRUE(c >= 0x20 && c <= 0x7e) << wire;
        auto back = decode_mailbox(wire);
        ASSERT_TRUE(back) << wire << ": " << back.error().describe();
        EXPECT_EQ(*back, utf8);
    }
}

TEST(Utf7, InvalidUtf8BecomesReplacementCharacter) {
    EXPECT_EQ(encode_mailbox("a\xff"
                             "b"),
              "a&,,0-b");                                                              // U+FFFD
    EXPECT_EQ(encode_mailbox("\xc0\xaf"), "&,,3,,Q-");                                 // overlong '/': two U+FFFD
    EXPECT_EQ(encode_mailbox("\xed\xa0\x80"), "&,,3,,f,9-");                           // CESU surrogate: three U+FFFD
    EXPECT_EQ(decode_mailbox(encode_mailbox("x\xe6\x97")).value(), u8s(u8"x\uFFFD"));  // truncated
}

TEST(Utf7, Utf8Validation) {
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8(u8s(u8"日本語😀")));
    EXPECT_FALSE(is_valid_utf8("\x80"));
    EXPECT_FALSE(is_valid_utf8("\xc1\xbf"));          // overlong
    EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // overlong
    EXPECT_FALSE(is_valid_utf8("\xed\xb0\x80"));      // surrogate
    EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
    EXPECT_FALSE(is_valid_utf8("\xf5\x80\x80\x80"));
    EXPECT_FALSE(is_valid_utf8("\xe6\x97"));  // truncated
}

void expect_invalid(std::string_view mutf7) {
    auto r = decode_mailbox(mutf7);
    ASSERT_FALSE(r) << "accepted: " << mutf7;
    EXPECT_EQ(r.error().code, EncodeError::invalid_mutf7) << mutf7;
    // The message never carries raw control or 8-bit bytes from the server.
    for (const char c : r.error().message) EXPECT_TRUE(c >= 0x20 && c <= 0x7e) << r.error().message;
}

TEST(Utf7, RejectsMalformedInput) {
    expect_invalid("&");            // unterminated
    expect_invalid("abc&U,BTFw");   // missing '-'
    expect_invalid("&U,BTFw");      // missing '-'
    expect_invalid("&U/BTFw-");     // '/' is not in the modified alphabet
    expect_invalid("&U=-");         // no padding in modified base64
    expect_invalid("&AGE-");        // "a" must be written directly
    expect_invalid("&ACY-");        // "&" must be "&-"
    expect_invalid("&AC-");         // truncated: 12 bits, no UTF-16 unit
    expect_invalid("&AOkA-");       // 8 leftover bits: not on a UTF-16 boundary
    expect_invalid("&AOl-");        // non-zero pad bits
    expect_invalid("&2D0-");        // lone high surrogate
    expect_invalid("&3gA-");        // lone low surrogate
    expect_invalid("&2D3YPQ-");     // high surrogate followed by another high
    expect_invalid("&AOk-&APw-");   // adjacent runs should have been one
    expect_invalid("caf\xc3\xa9");  // raw 8-bit is not modified UTF-7
    expect_invalid("a\tb");         // control character
    expect_invalid(std::string_view("a\0b", 3));
}

TEST(Utf7, AcceptsCanonicalEdgeCases) {
    EXPECT_EQ(decode_mailbox("&AOkA6Q-").value(), u8s(u8"éé"));
    EXPECT_EQ(decode_mailbox("&AOk-&-&APw-").value(), u8s(u8"é&ü"));  // "&-" separates runs
    EXPECT_EQ(decode_mailbox("&2D3eAA-").value(), u8s(u8"😀"));
    EXPECT_EQ(decode_mailbox("").value(), "");
}

// Every string up to 5 characters over an alphabet of the tricky bytes: the decoder never crashes,
// and whatever it accepts is canonical, so encoding the result gives back the very same text.
TEST(Utf7, AcceptedInputIsExactlyTheCanonicalEncoding) {
    constexpr std::string_view k_alphabet("&-AOk2D3e,+/a \x80", 16);
    std::size_t accepted = 0;
    std::string s;
    const auto visit = [&](auto&& self, std::size_t depth) -> void {
        auto decoded = decode_mailbox(s);
        if (decoded) {
            ++accepted;
            EXPECT_TRUE(is_valid_utf8(*decoded)) << s;
            EXPECT_EQ(encode_mailbox(*decoded), s);
        } else {
            EXPECT_EQ(decoded.error().code, EncodeError::invalid_mutf7);
        }
        if (depth == 5) return;
        for (const char c : k_alphabet) {
            s.push_back(c);
            self(self, depth + 1);
            s.pop_back();
        }
    };
    visit(visit, 0);
    EXPECT_GT(accepted, 1000u);
}

TEST(Utf7, Utf8AcceptSwitch) {
    const std::string name = u8s(u8"Entwürfe");
    EXPECT_EQ(mailbox_to_wire(name, false).value(), "Entw&APw-rfe");
    EXPECT_EQ(mailbox_to_wire(name, true).value(), name);
    EXPECT_EQ(mailbox_from_wire("Entw&APw-rfe", false).value(), name);
    EXPECT_EQ(mailbox_from_wire(name, true).value(), name);
    // Under UTF8=ACCEPT '&' is an ordinary character (RFC 6855 §3).
    EXPECT_EQ(mailbox_from_wire("A&B", true).value(), "A&B");
    auto bad_local = mailbox_to_wire("caf\xe9", false);
    ASSERT_FALSE(bad_local);
    EXPECT_EQ(bad_local.error().code, EncodeError::invalid_utf8);
    auto bad_remote = mailbox_from_wire("caf\xe9", true);
    ASSERT_FALSE(bad_remote);
    EXPECT_EQ(bad_remote.error().code, EncodeError::invalid_utf8);
}

}  // namespace
}  // namespace mailtwin::imap
