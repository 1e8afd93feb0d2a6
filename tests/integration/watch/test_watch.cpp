// Watch mode end to end: run_watch() in a child process against the fixture Dovecot, changes made on
// either side as another IMAP client or a mail reader would, and the other side checked.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <thread>

#include "watch_harness.hpp"

namespace mailtwin::test {
namespace {

using namespace std::chrono_literals;

engine::WatchOptions options_for(const WatchHarness& h, bool notify) {
    engine::WatchOptions o;
    o.idle_folders = {h.folder("INBOX")};
    o.use_notify = notify;
    o.debounce = 300ms;  // short, so that a local change is synced well within the tests' deadlines
    return o;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + what.size())) ++n;
    return n;
}

// Started, first pass done, listening.
void start_and_wait(WatchHarness& h, const engine::WatchOptions& o, const std::string& mode) {
    h.start(o);
    ASSERT_TRUE(WatchHarness::eventually(
        [&] {
            auto log = h.log();
            return log.find("watching 1 account") != std::string::npos &&
                   log.find("listening for server changes (" + mode) != std::string::npos;
        },
        20s))
        << (h.running() ? std::string("still running") : "exited with " + std::to_string(h.wait_exit(0ms))) << "\n"
        << h.log();
}

void expect_both_directions(WatchHarness& h) {
    auto t0 = std::chrono::steady_clock::now();
    h.server_append("INBOX", "from-server");
    EXPECT_TRUE(WatchHarness::eventually([&] { return h.local_has("INBOX", "from-server"); }, 5s)) << h.log();
    const auto down = std::chrono::steady_clock::now() - t0;
    EXPECT_LT(down, 2s) << "server -> local took "
                        << std::chrono::duration_cast<std::chrono::milliseconds>(down).count() << " ms";

    t0 = std::chrono::steady_clock::now();
    h.local_deliver("INBOX", "from-local");
    EXPECT_TRUE(WatchHarness::eventually([&] { return h.server_has("INBOX", "from-local"); }, 5s)) << h.log();
    const auto up = std::chrono::steady_clock::now() - t0;
    EXPECT_LT(up, 2s) << "local -> server took " << std::chrono::duration_cast<std::chrono::milliseconds>(up).count()
                      << " ms";
}

void stop_cleanly(WatchHarness& h) {
    const auto t0 = std::chrono::steady_clock::now();
    h.signal(SIGTERM);
    EXPECT_EQ(h.wait_exit(10s), 0) << h.log();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
    EXPECT_NE(h.log().find("stopping (SIGTERM)"), std::string::npos) << h.log();
}

TEST(Watch, NotifyCarriesChangesBothWays) {
    WatchHarness h("notify");
    h.server_create("INBOX");
    h.server_create("Other");
    h.server_append("INBOX", "before");
    ASSERT_NO_FATAL_FAILURE(start_and_wait(h, options_for(h, true), "NOTIFY"));
    EXPECT_TRUE(h.local_has("INBOX", "before")) << "the first full pass";
    expect_both_directions(h);
    // A folder other than the selected one is reported by NOTIFY's STATUS events.
    h.server_append("Other", "elsewhere");
    EXPECT_TRUE(WatchHarness::eventually([&] { return h.local_has("Other", "elsewhere"); }, 5s)) << h.log();
    stop_cleanly(h);
}

TEST(Watch, IdleCarriesChangesBothWays) {
    WatchHarness h("idle");
    h.server_create("INBOX");
    ASSERT_NO_FATAL_FAILURE(start_and_wait(h, options_for(h, false), "IDLE on " + h.folder("INBOX")));
    expect_both_directions(h);
    stop_cleanly(h);
}

TEST(Watch, ItsOwnSyncsDoNotTriggerFurtherSyncs) {
    WatchHarness h("quiet");
    h.server_create("INBOX");
    ASSERT_NO_FATAL_FAILURE(start_and_wait(h, options_for(h, true), "NOTIFY"));
    for (int i = 0; i < 5; ++i) h.local_deliver("INBOX", "burst" + std::to_string(i));
    EXPECT_TRUE(WatchHarness::eventually([&] { return h.server_has("INBOX", "burst4"); }, 5s)) << h.log();
    std::this_thread::sleep_for(2s);  // a follow-up pass for the server's echo of our APPENDs may run
    const auto passes = count(h.log(), "test: syncing W-") + count(h.log(), "test: full pass");
    std::this_thread::sleep_for(3s);
    EXPECT_EQ(count(h.log(), "test: syncing W-") + count(h.log(), "test: full pass"), passes)
        << "the watcher keeps syncing its own changes:\n"
        << h.log();
    // The burst of five deliveries was debounced: far fewer passes than deliveries.
    EXPECT_LE(count(h.log(), "test: syncing W-"), 3u) << h.log();
    stop_cleanly(h);
}

TEST(Watch, SighupWithABrokenConfigKeepsTheRunningOne) {
    WatchHarness h("hup");
    h.server_create("INBOX");
    ASSERT_NO_FATAL_FAILURE(start_and_wait(h, options_for(h, true), "NOTIFY"));
    std::string good;
    {
        std::ifstream in(h.config_path());
        good.assign(std::istreambuf_iterator<char>(in), {});
    }
    std::ofstream(h.config_path()) << "[accounts.test]\nmaildirr = 3\n";
    h.signal(SIGHUP);
    EXPECT_TRUE(
        WatchHarness::eventually([&] { return h.log().find("configuration not reloaded") != std::string::npos; }, 5s))
        << h.log();
    EXPECT_TRUE(h.running());
    // Still watching with the old config.
    h.server_append("INBOX", "after-bad-hup");
    EXPECT_TRUE(WatchHarness::eventually([&] { return h.local_has("INBOX", "after-bad-hup"); }, 5s)) << h.log();

    // A good config is taken.
    std::ofstream(h.config_path()) << good;
    h.signal(SIGHUP);
    EXPECT_TRUE(
        WatchHarness::eventually([&] { return h.log().find("configuration reloaded from") != std::string::npos; }, 5s))
        << h.log();
    h.server_append("INBOX", "after-good-hup");
    EXPECT_TRUE(WatchHarness::eventually([&] { return h.local_has("INBOX", "after-good-hup"); }, 5s)) << h.log();
    stop_cleanly(h);
}

TEST(Watch, ReconnectsAfterTheServerDropsItsConnections) {
    WatchHarness h("kick");
    h.server_create("INBOX");
    ASSERT_NO_FATAL_FAILURE(start_and_wait(h, options_for(h, true), "NOTIFY"));
    // Kicks every session of the user, the watcher's listener included (and this test's own).
    ASSERT_EQ(dovecot_server().doveadm("kick " + dovecot().user), 0);
    EXPECT_TRUE(WatchHarness::eventually([&] { return h.log().find("connected again") != std::string::npos; }, 10s))
        << h.log();
    h.reconnect();
    h.server_append("INBOX", "after-kick");
    EXPECT_TRUE(WatchHarness::eventually([&] { return h.local_has("INBOX", "after-kick"); }, 10s)) << h.log();
    // The loss and the recovery are each logged once, not once per retry.
    EXPECT_EQ(count(h.log(), "retrying with backoff"), 1u) << h.log();
    EXPECT_EQ(count(h.log(), "connected again"), 1u) << h.log();
    stop_cleanly(h);
}

TEST(Watch, SigtermDuringTheFirstPassExitsZero) {
    WatchHarness h("term");
    h.server_create("INBOX");
    for (int i = 0; i < 20; ++i) h.server_append("INBOX", "m" + std::to_string(i));
    h.start(options_for(h, true));
    // Logged once the signal handlers are installed and the first pass has started.
    ASSERT_TRUE(WatchHarness::eventually([&] { return h.log().find("test: full pass") != std::string::npos; }, 10s))
        << h.log();
    h.signal(SIGTERM);
    EXPECT_EQ(h.wait_exit(20s), 0) << h.log();
    // The pass that was running finished: nothing left half-written in tmp/.
    std::error_code ec;
    const bool tmp_empty = std::filesystem::is_empty(h.local_dir("INBOX") / "tmp", ec);
    EXPECT_TRUE(tmp_empty || ec) << "a delivery was cut off in tmp/";
    EXPECT_NE(h.log().find("stopping (SIGTERM)"), std::string::npos) << h.log();
}

}  // namespace
}  // namespace mailtwin::test
