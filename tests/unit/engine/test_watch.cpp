#include "mailtwin/watch/watch.hpp"

#include <gtest/gtest.h>

#include <set>

namespace mailtwin::engine {
namespace {

TEST(WatchState, EveryStateHasItsOwnName) {
    const WatchState all[] = {WatchState::connecting, WatchState::syncing, WatchState::idling, WatchState::backoff,
                              WatchState::stopping};
    std::set<std::string_view> names;
    for (auto s : all) names.insert(watch_state_name(s));
    EXPECT_EQ(names.size(), std::size(all));
    EXPECT_EQ(std::size(all), k_watch_state_names.size());
    EXPECT_EQ(watch_state_name(WatchState::idling), "idling");
    EXPECT_EQ(watch_state_name(WatchState::backoff), "backoff");
}

TEST(WatchOptions, DefaultsAreTheDocumentedOnes) {
    WatchOptions o;
    EXPECT_EQ(o.watch_interval, std::chrono::minutes(5));
    EXPECT_EQ(o.idle_folders, std::vector<std::string>{"INBOX"});
    EXPECT_EQ(o.debounce, std::chrono::seconds(2));
    EXPECT_TRUE(o.use_notify);
}

TEST(RunWatch, NoAccountIsAUsageError) {
    config::Config cfg;
    EXPECT_EQ(run_watch(cfg, {}, WatchOptions{}), 2);
}

}  // namespace
}  // namespace mailtwin::engine
