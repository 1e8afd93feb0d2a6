// [accounts.NAME.sync] local_keywords: "auto" (default) | "kept" | "dropped".
#include <gtest/gtest.h>

#include "config_text.hpp"
#include "mailtwin/config/loader.hpp"
#include "mailtwin/config/render.hpp"

namespace mailtwin::config {
namespace {

const std::string k_account = k_work_account + "[accounts.work.sync]\n";

TEST(LocalKeywordsKey, DefaultsToAutoAndReadsEachValue) {
    EXPECT_EQ(load_string(k_account, "t.toml").accounts[0].sync.local_keywords, LocalKeywords::automatic);
    EXPECT_EQ(load_string(k_account + "local_keywords = \"kept\"\n", "t.toml").accounts[0].sync.local_keywords,
              LocalKeywords::kept);
    EXPECT_EQ(load_string(k_account + "local_keywords = \"dropped\"\n", "t.toml").accounts[0].sync.local_keywords,
              LocalKeywords::dropped);
    EXPECT_EQ(load_string(k_account + "local_keywords = \"auto\"\n", "t.toml").accounts[0].sync.local_keywords,
              LocalKeywords::automatic);
}

TEST(LocalKeywordsKey, AWrongValueNamesTheChoices) {
    try {
        (void)load_string(k_account + "local_keywords = \"droped\"\n", "t.toml");
        FAIL() << "accepted";
    } catch (const ConfigError& e) {
        EXPECT_STREQ(e.what(),
                     "t.toml:8:18: key 'accounts.work.sync.local_keywords' must be one of \"auto\", \"kept\", "
                     "\"dropped\", not \"droped\"; did you mean \"dropped\"?");
    }
}

TEST(LocalKeywordsKey, CheckConfigShowsIt) {
    const auto text = render_resolved(load_string(k_account + "local_keywords = \"dropped\"\n", "t.toml"));
    EXPECT_NE(text.find("local_keywords = \"dropped\"\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace mailtwin::config
