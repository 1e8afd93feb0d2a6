// The checks every untagged answer passes (net/uid_check.hpp, net/answer_limits.hpp): which UIDs and
// UIDVALIDITY values a server may send, and the message when an answer passes a limit.
#include <gtest/gtest.h>

#include "mailtwin/imap/parser.hpp"
#include "mailtwin/net/answer_limits.hpp"
#include "mailtwin/net/session_error.hpp"
#include "mailtwin/net/uid_check.hpp"

namespace mailtwin::net {
namespace {

imap::Response parse(const std::string& line) {
    imap::Parser parser;
    std::optional<imap::Response> out;
    auto fed = imap::feed_all(parser, line + "\r\n", [&](imap::Response&& r) { out = std::move(r); });
    EXPECT_TRUE(fed.has_value()) << line;
    EXPECT_TRUE(out.has_value()) << line;
    return out ? *out : imap::Response{};
}

TEST(InvalidUid, ZeroAndBeyondThirtyTwoBitsAreFound) {
    const std::vector<std::pair<std::string, std::string>> bad{
        {"* 1 FETCH (UID 0 FLAGS (\\Seen))", "UID 0"},
        {"* 1 FETCH (FLAGS () UID 4294967296)", "UID 4294967296"},
        {"* 1 FETCH (UID 99999999999999999999999)", "UID 99999999999999999999999"},
        {"* SEARCH 1 2 0 5", "SEARCH 0"},
        {"* SEARCH 4294967296", "SEARCH 4294967296"},
        {"* ESEARCH (TAG \"A1\") UID ALL 1:3,0", "ALL 1:3,0"},
        {"* ESEARCH (TAG \"A1\") UID ALL 1:4294967296", "ALL 1:4294967296"},
        {"* ESEARCH (TAG \"A1\") UID MIN 0 MAX 9", "MIN 0"},
        {"* VANISHED (EARLIER) 0:5", "VANISHED 0:5"},
        {"* VANISHED 7,4294967297", "VANISHED 7,4294967297"},
        {"* OK [UIDVALIDITY 0] ok", "UIDVALIDITY 0"},
        {"* OK [UIDVALIDITY 4294967296] ok", "UIDVALIDITY 4294967296"},
    };
    for (const auto& [line, what] : bad) EXPECT_EQ(invalid_uid_in(parse(line)).value_or("none"), what) << line;
}

TEST(InvalidUid, ValidAnswersPass) {
    for (const char* line : {"* 1 FETCH (UID 1 FLAGS (\\Seen))", "* 1 FETCH (UID 4294967295)", "* SEARCH",
                             "* SEARCH 1 4294967295 (MODSEQ 0)", "* ESEARCH (TAG \"A1\") UID ALL 1:4294967295",
                             "* ESEARCH (TAG \"A1\") UID COUNT 0", "* VANISHED (EARLIER) 1:*",
                             "* OK [UIDVALIDITY 1] ok", "* OK [HIGHESTMODSEQ 0] ok", "* OK [UIDNEXT 0] empty",
                             "* 0 EXISTS", "* STATUS INBOX (UIDVALIDITY 0)", "* LIST () \"/\" 0"})
        EXPECT_EQ(invalid_uid_in(parse(line)), std::nullopt) << line;
}

TEST(AnswerLimits, TheErrorNamesTheServerAndTheLimit) {
    const auto e = limit_error("imap.example.com:993", "folders in one listing", 100000, "max_folders");
    EXPECT_EQ(e.code, make_error_code(SessionError::limit_exceeded));
    EXPECT_EQ(e.message,
              "imap.example.com:993 sent more than 100000 folders in one listing (limit max_folders); "
              "mailtwin dropped the connection: the server is broken or hostile, or this account is far "
              "larger than mailtwin supports");
}

TEST(AnswerLimits, DefaultsAreTheDocumentedOnes) {
    const AnswerLimits l;
    EXPECT_EQ(l.max_folders, 100'000u);
    EXPECT_EQ(l.max_messages, 2'000'000u);
    EXPECT_EQ(l.max_keywords_per_message, 1'000u);
    EXPECT_EQ(l.max_namespaces, 1'000u);
    EXPECT_EQ(l.max_capabilities, 1'000u);
    EXPECT_EQ(l.max_untagged, 4'000'000u);
    EXPECT_EQ(l.max_untagged_bytes, 512u * 1024 * 1024);
}

}  // namespace
}  // namespace mailtwin::net
