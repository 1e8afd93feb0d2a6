#include "mailtwin/watch/watch_backoff.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace mailtwin::engine {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(WatchBackoff, DoublesFromOneSecondUpToFiveMinutesWithoutJitter) {
    Backoff b;
    std::vector<milliseconds> got;
    for (int i = 0; i < 12; ++i) got.push_back(b.next(0.0));
    const std::vector<milliseconds> want{seconds(1),   seconds(2),   seconds(4),   seconds(8),
                                         seconds(16),  seconds(32),  seconds(64),  seconds(128),
                                         seconds(256), seconds(300), seconds(300), seconds(300)};
    EXPECT_EQ(got, want);
    EXPECT_EQ(b.attempts(), 12u);
}

TEST(WatchBackoff, JitterTakesOffAtMostItsShareAndNeverExceedsTheCap) {
    Backoff b(seconds(1), seconds(300), 0.25);
    for (int i = 0; i < 40; ++i) {
        const milliseconds base = b.base();
        const milliseconds d = b.next(0.999);
        EXPECT_LE(d, base);
        EXPECT_GE(d, base * 3 / 4);
        EXPECT_LE(d, milliseconds(seconds(300)));
    }
    EXPECT_EQ(b.base(), milliseconds(seconds(300)));
}

TEST(WatchBackoff, DifferentDrawsGiveDifferentDelays) {
    Backoff a, b;
    for (int i = 0; i < 5; ++i) {
        (void)a.next(0.0);
        (void)b.next(0.0);
    }
    EXPECT_EQ(a.next(0.0), seconds(32));
    EXPECT_EQ(b.next(0.5), milliseconds(28000));  // 32 s less half of its 25 %
}

TEST(WatchBackoff, ResetStartsOverFromTheInitialDelay) {
    Backoff b;
    for (int i = 0; i < 6; ++i) (void)b.next(0.0);
    EXPECT_EQ(b.base(), seconds(64));
    b.reset();
    EXPECT_EQ(b.attempts(), 0u);
    EXPECT_EQ(b.next(0.0), seconds(1));
    EXPECT_EQ(b.next(0.0), seconds(2));
}

TEST(WatchBackoff, ThousandsOfFailuresStayAtTheCap) {
    Backoff b(milliseconds(500), seconds(10), 0.0);
    milliseconds last{};
    for (int i = 0; i < 5000; ++i) last = b.next(0.7);
    EXPECT_EQ(last, seconds(10));
}

TEST(WatchBackoff, OutOfRangeDrawsAreClamped) {
    Backoff b(seconds(4), seconds(60), 0.5);
    EXPECT_EQ(b.next(-3.0), seconds(4));
    EXPECT_EQ(b.next(7.0), seconds(4));  // 8 s less all of its 50 %
}

}  // namespace
}  // namespace mailtwin::engine
