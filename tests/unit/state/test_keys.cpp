#include "mailtwin/state/keys.hpp"

#include <gtest/gtest.h>

#include "mailtwin/state/error.hpp"

namespace mailtwin::state {
namespace {

TEST(Keys, MessageKeysSortByUidWithinAFolder) {
    EXPECT_LT(keys::message("a", "INBOX", 9), keys::message("a", "INBOX", 10));
    EXPECT_LT(keys::message("a", "INBOX", 255), keys::message("a", "INBOX", 256));
    EXPECT_LT(keys::message("a", "INBOX", 65535), keys::message("a", "INBOX", 0x01000000));
    EXPECT_EQ(keys::uid_of_message(keys::message("a", "INBOX", 70000)), 70000U);
}

TEST(Keys, NoFolderKeyIsAPrefixOfAnotherFoldersKeys) {
    const std::string inbox = keys::folder("a", "INBOX");
    EXPECT_FALSE(keys::message("a", "INBOX2", 1).starts_with(inbox));
    EXPECT_FALSE(keys::message("aINBOX", "", 1).starts_with(inbox));
    EXPECT_TRUE(keys::message("a", "INBOX", 1).starts_with(inbox));
    EXPECT_FALSE(keys::folder("ab", "x").starts_with(keys::account_prefix("a")));
}

TEST(Keys, FolderNameAndRefsParseBack) {
    EXPECT_EQ(keys::folder_of(keys::folder("acc", "Lists/dev")), "Lists/dev");
    EXPECT_FALSE(keys::folder_of("\x00").has_value());
    auto ref = keys::parse_ref(keys::ref("Archive", 42));
    ASSERT_TRUE(ref);
    EXPECT_EQ(*ref, (MessageRef{"Archive", 42}));
    EXPECT_FALSE(keys::parse_ref("xx").has_value());
    EXPECT_EQ(keys::id_of_intent(keys::intent("acc", 1234567890123ULL)), 1234567890123ULL);
}

TEST(Keys, KeyedKeysSitUnderTheirFolderAndParseBack) {
    const std::string key = keys::keyed("acc", "INBOX", "1700000000.M1P2.host");
    EXPECT_TRUE(key.starts_with(keys::folder("acc", "INBOX")));
    EXPECT_FALSE(keys::keyed("acc", "INBOX2", "x").starts_with(keys::folder("acc", "INBOX")));
    EXPECT_EQ(keys::local_of_keyed(key), "1700000000.M1P2.host");
    EXPECT_LT(keys::keyed("acc", "INBOX", "aa"), keys::keyed("acc", "INBOX", "b"));
    EXPECT_FALSE(keys::local_of_keyed(keys::folder("acc", "INBOX")).has_value()) << "empty local key";
    EXPECT_FALSE(keys::local_of_keyed(std::string("\x00\x09", 2) + "ac").has_value());
    EXPECT_TRUE(keys::check_keyed_names("acc", std::string(200, 'f'), std::string(200, 'k')));
    auto r = keys::check_keyed_names("acc", std::string(300, 'f'), std::string(300, 'k'));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, make_error_code(Errc::key_too_long));
}

TEST(Keys, NamesBeyondLmdbsKeyLimitAreRefused) {
    EXPECT_TRUE(keys::check_names("acc", std::string(400, 'f')));
    auto r = keys::check_names("acc", std::string(510, 'f'));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, make_error_code(Errc::key_too_long));
    EXPECT_FALSE(keys::check_names("acc", "INBOX", std::string(600, 'k')));
}

}  // namespace
}  // namespace mailtwin::state
