// Watch mode survives a restart of the server: the fixture Dovecot is stopped (every connection
// refused for a while) and started again on the same ports; the watcher retries with backoff,
// reconnects on its own, and carries the next new message down as before.
#include <gtest/gtest.h>

#include <csignal>
#include <thread>

#include "watch_harness.hpp"

namespace mailtwin::test {
namespace {

using namespace std::chrono_literals;

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + what.size())) ++n;
    return n;
}

TEST(WatchRestart, SurvivesTheServerStoppingAndStartingAgain) {
    WatchHarness h("restart");
    h.server_create("INBOX");
    engine::WatchOptions o;
    o.idle_folders = {h.folder("INBOX")};
    o.use_notify = true;
    o.debounce = 300ms;
    h.start(o);
    ASSERT_TRUE(WatchHarness::eventually(
        [&] { return h.log().find("listening for server changes (NOTIFY") != std::string::npos; }, 20s))
        << h.log();

    // Down for two seconds: with backoff starting at 1 s, the watcher fails to reconnect at least once.
    dovecot_server().restart(2s);
    h.reconnect();  // this test's own session went down with the server too
    // Backoff doubles from 1 s (with jitter) while the server is down and starting: on a loaded CI
    // machine the attempt that succeeds can come later than 10 s after the restart began.
    ASSERT_TRUE(WatchHarness::eventually([&] { return h.log().find("connected again") != std::string::npos; }, 30s))
        << h.log();

    const auto t0 = std::chrono::steady_clock::now();
    h.server_append("INBOX", "after-restart");
    EXPECT_TRUE(WatchHarness::eventually([&] { return h.local_has("INBOX", "after-restart"); }, 10s)) << h.log();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);

    // The loss and the recovery are each logged once, however many attempts the outage took.
    const std::string log = h.log();
    EXPECT_EQ(occurrences(log, "retrying with backoff"), 1u) << log;
    EXPECT_EQ(occurrences(log, "connected again"), 1u) << log;
    EXPECT_TRUE(h.running()) << log;

    h.signal(SIGTERM);
    EXPECT_EQ(h.wait_exit(10s), 0) << h.log();
}

}  // namespace
}  // namespace mailtwin::test
