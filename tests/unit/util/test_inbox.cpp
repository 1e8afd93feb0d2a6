#include "mailtwin/util/inbox.hpp"

#include <gtest/gtest.h>

namespace mailtwin::util {
namespace {

TEST(Inbox, IsCaseInsensitive) {
    EXPECT_TRUE(is_inbox("INBOX"));
    EXPECT_TRUE(is_inbox("inbox"));
    EXPECT_TRUE(is_inbox("InBoX"));
    EXPECT_FALSE(is_inbox("INBOX.Sub"));
    EXPECT_FALSE(is_inbox("INBOXES"));
    EXPECT_FALSE(is_inbox("Inbox2"));
    EXPECT_FALSE(is_inbox(""));
}

TEST(Inbox, OnlyInboxIsComparedWithoutCase) {
    EXPECT_TRUE(same_mailbox("INBOX", "inbox"));
    EXPECT_TRUE(same_mailbox("Archive", "Archive"));
    EXPECT_FALSE(same_mailbox("Archive", "archive"));
    EXPECT_FALSE(same_mailbox("INBOX", "INBOX.Sub"));
}

TEST(Inbox, AFirstLevelInboxIsInboxWhateverTheDelimiter) {
    EXPECT_TRUE(starts_with_inbox("INBOX"));
    EXPECT_TRUE(starts_with_inbox("inbox.Sub"));
    EXPECT_TRUE(starts_with_inbox("Inbox/Sub"));
    EXPECT_FALSE(starts_with_inbox("Inboxes"));
    EXPECT_FALSE(starts_with_inbox("INBOX2/Sub"));
    EXPECT_FALSE(starts_with_inbox("Lists/INBOX"));
    EXPECT_FALSE(starts_with_inbox("INB"));
}

TEST(Inbox, TheCanonicalSpellingChangesOnlyTheInboxLevel) {
    EXPECT_EQ(with_canonical_inbox("inbox"), "INBOX");
    EXPECT_EQ(with_canonical_inbox("Inbox.Lists.dev"), "INBOX.Lists.dev");
    EXPECT_EQ(with_canonical_inbox("inbox/sub"), "INBOX/sub");  // only the first level
    EXPECT_EQ(with_canonical_inbox("inboxes"), "inboxes");
    EXPECT_EQ(with_canonical_inbox("Archive/inbox"), "Archive/inbox");
}

}  // namespace
}  // namespace mailtwin::util
