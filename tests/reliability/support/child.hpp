#pragma once
// Runs the real mailtwin binary as a child process the way a cron job would, but under the test's
// control: a hard timeout (a hang is a failure, never a stuck CI job), an optional SIGKILL at a chosen
// instant (crash tests), and the child's peak RSS from wait4() (memory bounds under hostile input).
// The child runs in its own process group, and the group is killed on timeout, so anything it spawned
// (password_cmd shells) goes with it; every child is reaped before the call returns.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace mailtwin::test {

struct ChildResult {
    int exit_code = -1;              // WEXITSTATUS, or -1 when killed by a signal
    int signal = 0;                  // the terminating signal, 0 when it exited
    bool timed_out = false;          // killed by run_mailtwin because it overran `timeout`
    bool killed_on_purpose = false;  // killed at `kill_after`
    long max_rss_kb = 0;             // peak resident set size of the child (ru_maxrss)
    std::chrono::milliseconds elapsed{0};
    std::string output;  // stdout and stderr, interleaved

    [[nodiscard]] bool crashed() const { return signal != 0 && !timed_out && !killed_on_purpose; }
};

struct ChildOptions {
    std::chrono::milliseconds timeout = std::chrono::seconds(60);
    std::optional<std::chrono::milliseconds> kill_after;  // SIGKILL the group at this instant
    std::vector<std::string> env;                         // extra "NAME=value" entries
};

// The binary is MAILTWIN_BINARY (the build's), or $MAILTWIN_TEST_BINARY when set.
// `args` follow the binary name: {"--config", path, "sync"}.
ChildResult run_mailtwin(const std::vector<std::string>& args, const ChildOptions& options = {});

// The output as one string for assertion messages: exit status, signal, RSS, then the output.
std::string describe(const ChildResult& r);

}  // namespace mailtwin::test
