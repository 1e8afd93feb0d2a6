#include "mailtwin/watch/watch_debounce.hpp"

#include <gtest/gtest.h>

namespace mailtwin::engine {
namespace {

using namespace std::chrono_literals;
using Clock = Debouncer::Clock;

const Clock::time_point t0 = Clock::time_point(1000s);

TEST(WatchDebounce, NothingPendingIsNeverDue) {
    Debouncer d(2s, 20s);
    EXPECT_TRUE(d.empty());
    EXPECT_FALSE(d.due());
    EXPECT_TRUE(d.take_ready(t0 + 1h).empty());
}

TEST(WatchDebounce, ABurstOfRenamesIsOneSyncAfterTheQuietTime) {
    Debouncer d(2s, 20s);
    // A mail reader marking 50 messages read: 50 renames within half a second.
    for (int i = 0; i < 50; ++i) d.note("INBOX", t0 + i * 10ms);
    EXPECT_EQ(d.due(), t0 + 490ms + 2s);
    EXPECT_TRUE(d.take_ready(t0 + 2s).empty()) << "still inside the burst's quiet time";
    EXPECT_TRUE(d.contains("INBOX"));
    EXPECT_EQ(d.take_ready(t0 + 2490ms), std::set<std::string>{"INBOX"});
    EXPECT_TRUE(d.empty());
    EXPECT_TRUE(d.take_ready(t0 + 10s).empty()) << "taken once";
}

TEST(WatchDebounce, EachEventPushesTheDeadlineBack) {
    Debouncer d(2s, 20s);
    d.note("INBOX", t0);
    EXPECT_EQ(d.due(), t0 + 2s);
    d.note("INBOX", t0 + 1500ms);
    EXPECT_EQ(d.due(), t0 + 3500ms);
    EXPECT_TRUE(d.take_ready(t0 + 3s).empty());
    EXPECT_EQ(d.take_ready(t0 + 3500ms).size(), 1u);
}

TEST(WatchDebounce, AFolderThatNeverGoesQuietIsStillSyncedAfterTheMaximumDelay) {
    Debouncer d(2s, 10s);
    for (auto t = 0ms; t < 9s; t += 1s) {
        d.note("Archive", t0 + t);
        EXPECT_TRUE(d.take_ready(t0 + t).empty());
    }
    EXPECT_EQ(d.due(), t0 + 10s);
    d.note("Archive", t0 + 9900ms);
    EXPECT_EQ(d.take_ready(t0 + 10s), std::set<std::string>{"Archive"});
    // The next event starts a new burst with its own maximum.
    d.note("Archive", t0 + 10100ms);
    EXPECT_EQ(d.due(), t0 + 12100ms);
}

TEST(WatchDebounce, FoldersAreDebouncedIndependently) {
    Debouncer d(2s, 20s);
    d.note("INBOX", t0);
    d.note("Lists/dev", t0 + 1s);
    d.note("Lists/dev", t0 + 2500ms);
    EXPECT_EQ(d.due(), t0 + 2s);
    EXPECT_EQ(d.take_ready(t0 + 2s), std::set<std::string>{"INBOX"});
    EXPECT_EQ(d.due(), t0 + 4500ms);
    EXPECT_EQ(d.take_ready(t0 + 5s), std::set<std::string>{"Lists/dev"});
}

TEST(WatchDebounce, TakeAllEmptiesEverythingReadyOrNot) {
    Debouncer d(2s, 20s);
    d.note("A", t0);
    d.note("B", t0 + 1s);
    EXPECT_EQ(d.take_all(), (std::set<std::string>{"A", "B"}));
    EXPECT_TRUE(d.empty());
    EXPECT_FALSE(d.due());
}

TEST(WatchDebounce, AMaximumBelowTheQuietTimeIsRaisedToIt) {
    Debouncer d(3s, 1s);
    d.note("INBOX", t0);
    EXPECT_EQ(d.due(), t0 + 3s);
}

}  // namespace
}  // namespace mailtwin::engine
