// [accounts.NAME.sync] notmuch_tags: false (default) | true, which needs keyword letters
// (keywords = "dovecot") and takes local_keywords = "kept" unless another value is written; and
// notmuch_ignore_tags, the tags that never cross.
#include <gtest/gtest.h>

#include "config_text.hpp"
#include "mailtwin/config/loader.hpp"
#include "mailtwin/config/render.hpp"

namespace mailtwin::config {
namespace {

const std::string k_account = k_work_account + "[accounts.work.sync]\n";

TEST(NotmuchTagsKey, OffByDefault) {
    const auto sync = load_string(k_account, "t.toml").accounts[0].sync;
    EXPECT_FALSE(sync.notmuch_tags);
    EXPECT_TRUE(sync.notmuch_ignore_tags.empty());
    EXPECT_EQ(sync.local_keywords, LocalKeywords::automatic);
}

TEST(NotmuchTagsKey, OnMakesEveryLetterRemovalTheUsers) {
    const auto sync = load_string(k_account + "notmuch_tags = true\n", "t.toml").accounts[0].sync;
    EXPECT_TRUE(sync.notmuch_tags);
    EXPECT_EQ(sync.local_keywords, LocalKeywords::kept);
    const auto kept = load_string(k_account + "notmuch_tags = true\nlocal_keywords = \"kept\"\n", "t.toml");
    EXPECT_EQ(kept.accounts[0].sync.local_keywords, LocalKeywords::kept);
}

TEST(NotmuchTagsKey, RefusesSettingsThatWouldUndoOrHideItsChanges) {
    EXPECT_EQ(config_error_of(k_account + "notmuch_tags = true\nlocal_keywords = \"auto\"\n", "t.toml"),
              "t.toml:9:18: notmuch_tags = true removes a keyword letter when its tag is removed in notmuch, which "
              "local_keywords = \"auto\" would take for a mail reader dropping it; set local_keywords = \"kept\" or "
              "leave it out");
    EXPECT_NE(config_error_of(k_account + "keywords = \"ignore\"\nnotmuch_tags = true\n", "t.toml")
                  .find("keywords = \"ignore\" keeps out of the Maildir"),
              std::string::npos);
    EXPECT_NE(config_error_of(k_account + "notmuch_tags = \"yes\"\n", "t.toml").find("a boolean"), std::string::npos);
}

TEST(NotmuchTagsKey, IgnoredTagsAreAList) {
    const auto sync =
        load_string(k_account + "notmuch_tags = true\nnotmuch_ignore_tags = [\"spam\", \"lists/dev\"]\n", "t.toml")
            .accounts[0]
            .sync;
    EXPECT_EQ(sync.notmuch_ignore_tags, (std::vector<std::string>{"spam", "lists/dev"}));
    EXPECT_NE(config_error_of(k_account + "notmuch_ignore_tags = \"spam\"\n", "t.toml").find("an array"),
              std::string::npos);
}

TEST(NotmuchTagsKey, CheckConfigShowsIt) {
    const auto text =
        render_resolved(load_string(k_account + "notmuch_tags = true\nnotmuch_ignore_tags = [\"spam\"]\n", "t.toml"));
    EXPECT_NE(text.find("notmuch_ignore_tags = [\"spam\"]\n"), std::string::npos) << text;
    EXPECT_NE(text.find("notmuch_tags = true\n"), std::string::npos) << text;
    EXPECT_NE(text.find("local_keywords = \"kept\"\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace mailtwin::config
