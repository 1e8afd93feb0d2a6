// Issue 20, item 2: a late APPEND from a killed run must not duplicate. A relay (append_relay.hpp)
// holds the line end of the first run's APPEND, so the server has the message but stores it only when
// the test says; the run is SIGKILLed while it waits for the answer; the next runs go straight to the
// server; the held bytes are released at each point a server may finish a dead session's command:
// before the next run lists the folder, between its listing and its upload again (a second relay
// holds that upload), after it, and after the run that follows. Each message must end exactly once on
// each side (two byte-identical local copies stay two) and a further run must change nothing.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <tuple>

#include "append_relay.hpp"
#include "scenario.hpp"

namespace mailtwin::test {
namespace {

enum class Landing { before_next_listing, between_listing_and_upload, after_upload, after_the_run_after };

const char* name_of(Landing l) {
    switch (l) {
        case Landing::before_next_listing:
            return "BeforeNextListing";
        case Landing::between_listing_and_upload:
            return "BetweenListingAndUpload";
        case Landing::after_upload:
            return "AfterUpload";
        case Landing::after_the_run_after:
            return "AfterTheRunAfter";
    }
    return "?";
}

// The scenario's config file (scenario.cpp writes it beside the state directory).
std::filesystem::path config_of(const Scenario& s) { return s.state_dir().parent_path() / "config.toml"; }

// The scenario's config, pointed at a relay on the server's plain port (plaintext to loopback).
std::filesystem::path relay_config(const Scenario& s, unsigned short relay_port, const std::string& name) {
    std::ifstream in(config_of(s));
    std::ostringstream out;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("port = ", 0) == 0)
            line = "port = " + std::to_string(relay_port);
        else if (line.rfind("tls = ", 0) == 0)
            line = "tls = \"none\"";
        else if (line.rfind("ca_file = ", 0) == 0)
            continue;
        out << line << "\n";
    }
    const auto path = config_of(s).parent_path() / name;
    std::ofstream(path) << out.str();
    std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    return path;
}

// `mailtwin sync` in the background, to be killed or waited for.
class BackgroundSync {
public:
    BackgroundSync(const std::filesystem::path& config, const std::filesystem::path& log) {
        m_pid = ::fork();
        if (m_pid == 0) {
            const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            ::execl(MAILTWIN_BINARY, "mailtwin", "--config", config.c_str(), "sync", static_cast<char*>(nullptr));
            ::_exit(127);
        }
    }
    ~BackgroundSync() {
        if (m_pid > 0) kill();
    }
    BackgroundSync(const BackgroundSync&) = delete;
    BackgroundSync& operator=(const BackgroundSync&) = delete;
    // The exit code, or -signal.
    int kill() {
        ::kill(m_pid, SIGKILL);
        return wait();
    }
    int wait() {
        int status = 0;
        ::waitpid(m_pid, &status, 0);
        m_pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    }

private:
    pid_t m_pid = -1;
};

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

using Param = std::tuple<std::string, Landing, bool>;  // server, when the late APPEND lands, batch

class LateAppend : public ::testing::TestWithParam<Param> {
protected:
    const DovecotInfo& server() { return engine_server(std::get<0>(GetParam())); }
};

TEST_P(LateAppend, AnUploadInterruptedByAKillEndsExactlyOnceOnEachSide) {
    const auto [server_name, landing, batch] = GetParam();
    Scenario s("late", "", server());
    s.server_create("box");
    s.server_append("box", "seed");
    ASSERT_EQ(s.sync().exit_code, 0);
    // One new message, or a batch with the same message twice (two messages: they must stay two).
    s.local_deliver("box", "late-1");
    if (batch) {
        s.local_deliver("box", "late-2");
        s.local_deliver("box", "twin");
        s.local_deliver("box", "twin");
    }
    const auto expected = s.local_bodies("box");
    const auto log = config_of(s).parent_path() / "killed.log";

    // Run 1: its APPEND reaches the server whole but unfinished; the run is killed waiting for it.
    AppendRelay late(server().port);
    {
        BackgroundSync killed(relay_config(s, late.port(), "relay1.toml"), log);
        ASSERT_TRUE(late.wait_held(60)) << read_file(log);
        killed.kill();
    }
    auto release_late = [&] {
        ASSERT_TRUE(late.release()) << "the server never answered the held APPEND";
        EXPECT_NE(late.answer().find(" OK"), std::string::npos) << late.answer();
    };
    auto sync_ok = [&s] {
        auto r = s.sync();
        EXPECT_EQ(r.exit_code, 0) << r.output;
    };

    switch (landing) {
        case Landing::before_next_listing:
            release_late();
            sync_ok();
            break;
        case Landing::between_listing_and_upload: {
            // Run 2 lists the folder, finds no copy and uploads again; its APPEND is held in turn
            // while the late one lands, so the late copy takes the lower UID.
            AppendRelay again(server().port);
            BackgroundSync second(relay_config(s, again.port(), "relay2.toml"),
                                  config_of(s).parent_path() / "second.log");
            ASSERT_TRUE(again.wait_held(60)) << read_file(config_of(s).parent_path() / "second.log");
            release_late();
            ASSERT_TRUE(again.release());
            EXPECT_EQ(second.wait(), 0) << read_file(config_of(s).parent_path() / "second.log");
            sync_ok();
            break;
        }
        case Landing::after_upload:
            sync_ok();
            release_late();
            sync_ok();
            break;
        case Landing::after_the_run_after:
            sync_ok();
            sync_ok();
            release_late();
            sync_ok();
            break;
    }
    EXPECT_EQ(s.local_bodies("box"), expected);
    EXPECT_EQ(s.server_bodies("box"), expected);
    // Converged: a further run changes nothing on either side (no change bit with --ext-exit).
    auto further = s.sync("--ext-exit");
    EXPECT_EQ(further.exit_code, 0) << further.output;
    EXPECT_EQ(s.server_bodies("box"), expected);
}

// direction = "push": no new server message is ever downloaded, so the late copy would stay on the
// server as a second copy for good; it is ours, so it is expunged there all the same.
class LateAppendPush : public ::testing::TestWithParam<std::string> {};

TEST_P(LateAppendPush, ALateCopyThatWouldStayOnTheServerIsRemovedToo) {
    Scenario s("late-push", "direction = \"push\"\n", engine_server(GetParam()));
    s.server_create("box");
    for (const char* sub : {"tmp", "new", "cur"}) std::filesystem::create_directories(s.local_dir("box") / sub);
    s.local_deliver("box", "seed");
    ASSERT_EQ(s.sync().exit_code, 0);
    s.local_deliver("box", "late-1");
    const auto expected = s.local_bodies("box");
    AppendRelay late(engine_server(GetParam()).port);
    {
        BackgroundSync killed(relay_config(s, late.port(), "relay1.toml"), config_of(s).parent_path() / "k.log");
        ASSERT_TRUE(late.wait_held(60)) << read_file(config_of(s).parent_path() / "k.log");
        killed.kill();
    }
    ASSERT_EQ(s.sync().exit_code, 0);  // uploads again
    ASSERT_TRUE(late.release());
    auto after = s.sync();
    EXPECT_EQ(after.exit_code, 0) << after.output;
    EXPECT_EQ(s.server_bodies("box"), expected);
    EXPECT_EQ(s.local_bodies("box"), expected);
    auto further = s.sync("--ext-exit");
    EXPECT_EQ(further.exit_code, 0) << further.output;
}

INSTANTIATE_TEST_SUITE_P(Servers, LateAppendPush, ::testing::Values("dovecot", "degraded", "courier"),
                         [](const auto& param_info) { return std::string(param_info.param); });

// The crash tests: the run that uploads again is stopped after each of its state commits in turn
// (for_each_kill_point), so it leaves every state it can (the watch written or not, its own APPEND in
// doubt too); a clean run follows, then the first run's APPEND lands. Still once on each side.
class LateAppendKilledAgain : public ::testing::TestWithParam<std::string> {};

TEST_P(LateAppendKilledAgain, EveryKillOfTheRunThatUploadsAgainStillEndsOnce) {
    std::unique_ptr<AppendRelay> late;
    std::multiset<std::string> expected;
    for_each_kill_point(
        [&](int step) {
            auto s = std::make_unique<Scenario>("late-kill-" + std::to_string(step), "", engine_server(GetParam()));
            s->server_create("box");
            s->server_append("box", "seed");
            EXPECT_EQ(s->sync().exit_code, 0);
            s->local_deliver("box", "late-1");
            s->local_deliver("box", "twin");
            s->local_deliver("box", "twin");
            expected = s->local_bodies("box");
            late = std::make_unique<AppendRelay>(engine_server(GetParam()).port);
            BackgroundSync killed(relay_config(*s, late->port(), "relay1.toml"), config_of(*s).parent_path() / "k.log");
            EXPECT_TRUE(late->wait_held(60)) << read_file(config_of(*s).parent_path() / "k.log");
            killed.kill();
            return s;
        },
        [&](Scenario& s, int step, const RunResult&, const RunResult&) {
            ASSERT_TRUE(late->release()) << "step " << step;
            auto after = s.sync();
            EXPECT_EQ(after.exit_code, 0) << "step " << step << ": " << after.output;
            EXPECT_EQ(s.local_bodies("box"), expected) << "step " << step;
            EXPECT_EQ(s.server_bodies("box"), expected) << "step " << step;
            auto further = s.sync("--ext-exit");
            EXPECT_EQ(further.exit_code, 0) << "step " << step << ": " << further.output;
            late.reset();
        });
}

INSTANTIATE_TEST_SUITE_P(Servers, LateAppendKilledAgain, ::testing::Values("dovecot", "degraded", "courier"),
                         [](const auto& param_info) { return std::string(param_info.param); });

// The servers this runs on. A server fixture merged later (e.g. "courier") is one more name here.
const std::vector<std::string> k_servers = {"dovecot", "degraded", "cyrus", "courier"};

INSTANTIATE_TEST_SUITE_P(Servers, LateAppend,
                         ::testing::Combine(::testing::ValuesIn(k_servers),
                                            ::testing::Values(Landing::before_next_listing,
                                                              Landing::between_listing_and_upload,
                                                              Landing::after_upload, Landing::after_the_run_after),
                                            ::testing::Bool()),
                         [](const auto& param_info) {
                             return std::get<0>(param_info.param) + "_" + name_of(std::get<1>(param_info.param)) +
                                    (std::get<2>(param_info.param) ? "_Batch" : "_One");
                         });

}  // namespace
}  // namespace mailtwin::test
