// The sync policy from the config (settings/policy_from_config.hpp): every key reaches the planner.
#include "mailtwin/settings/policy_from_config.hpp"

#include <gtest/gtest.h>

namespace mailtwin::engine {
namespace {

using sync::Direction;
using sync::ExpungeTo;
using sync::KeywordMode;
using sync::LocalKeywords;
using sync::OnConflict;

TEST(PolicyFromConfig, MapsEveryKey) {
    config::Sync cfg;
    cfg.direction = config::Direction::push;
    cfg.expunge = config::Expunge::local;
    cfg.on_conflict = config::OnConflict::del;
    cfg.keywords = config::Keywords::ignore;
    cfg.max_size = 25u << 20;
    cfg.max_age_days = 7;
    cfg.max_messages = 100;
    cfg.max_delete_percent = 20;
    const auto p = policy_from_config(cfg, true, true);
    EXPECT_EQ(p.direction, Direction::push);
    EXPECT_EQ(p.expunge, ExpungeTo::local);
    EXPECT_EQ(p.on_conflict, OnConflict::del);
    EXPECT_EQ(p.keywords, KeywordMode::ignore);
    EXPECT_EQ(p.max_size, 25u << 20);
    EXPECT_EQ(p.max_age_days, 7);
    EXPECT_EQ(p.max_messages, 100);
    EXPECT_EQ(p.max_delete_percent, 20);
    EXPECT_TRUE(p.force);
    EXPECT_TRUE(p.full);
    const auto d = policy_from_config(config::Sync{}, false, false);
    EXPECT_EQ(d.direction, Direction::both);
    EXPECT_EQ(d.expunge, ExpungeTo::both);
    EXPECT_EQ(d.on_conflict, OnConflict::keep);
    EXPECT_EQ(d.keywords, KeywordMode::sync);
    EXPECT_FALSE(d.force);
}

TEST(LocalKeywordsPolicy, FromTheConfig) {
    config::Sync cfg;
    EXPECT_EQ(policy_from_config(cfg, false, false).local_keywords, LocalKeywords::automatic);
    EXPECT_FALSE(policy_from_config(cfg, false, false).trash);
    cfg.local_keywords = config::LocalKeywords::kept;
    EXPECT_EQ(policy_from_config(cfg, false, false).local_keywords, LocalKeywords::kept);
    cfg.local_keywords = config::LocalKeywords::dropped;
    cfg.trash = "Trash";
    EXPECT_EQ(policy_from_config(cfg, false, false).local_keywords, LocalKeywords::dropped);
    EXPECT_TRUE(policy_from_config(cfg, false, false).trash);
}

}  // namespace
}  // namespace mailtwin::engine
