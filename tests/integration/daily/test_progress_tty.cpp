// The live progress display in a real terminal: `mailtwin sync` runs inside a tmux pane against the
// fixture Dovecot while the pane is captured every 20 ms. Progress lines must show up during the
// run, vanish after it, leave the summary lines intact and never scroll the screen. Off a terminal
// (stdout and stderr piped) there must be no escape sequence and no progress at all.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "daily_setup.hpp"
#include "tmux.hpp"

namespace mailtwin::test {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

bool is_progress_line(const std::string& line) { return line.find(" msgs ") != std::string::npos; }

TEST(ProgressTty, LiveLinesInATerminalVanishAndNeverScroll) {
    if (std::system("command -v tmux >/dev/null 2>&1") != 0)
        GTEST_FAIL() << "tmux is missing: run contrib/install-deps.sh";
    DailySetup s("tty");
    // Two folders of 400 messages of 64 KiB: about 50 MiB, long enough to watch at 20 ms a frame.
    s.server_create("INBOX");
    s.server_create("Archive");
    s.server_append_many("INBOX", "in", 400, 64 * 1024);
    s.server_append_many("Archive", "ar", 400, 64 * 1024);

    Tmux tmux;
    const std::string command = shell_quote(MAILTWIN_BINARY) + " --config " + shell_quote(s.config_path().string()) +
                                " sync; echo EXIT=$?; sleep 300";
    ASSERT_TRUE(tmux.start(command, 120, 30));

    std::string seen_progress;  // a frame that showed progress lines
    std::size_t most_progress_lines = 0;
    std::string frame_with_eta;
    std::string screen;
    const auto until = std::chrono::steady_clock::now() + 120s;
    while (std::chrono::steady_clock::now() < until) {
        screen = tmux.capture();
        std::size_t progress_lines = 0;
        for (const auto& line : lines_of(screen)) progress_lines += is_progress_line(line);
        if (progress_lines > most_progress_lines || (progress_lines > 0 && seen_progress.empty())) {
            most_progress_lines = std::max(most_progress_lines, progress_lines);
            seen_progress = screen;
        }
        // Rate and ETA appear once a folder has run half a second: kept to show, not asserted on timing.
        if (screen.find("ETA ") != std::string::npos) frame_with_eta = screen;
        if (screen.find("EXIT=") != std::string::npos) break;
        std::this_thread::sleep_for(20ms);
    }
    ASSERT_NE(screen.find("EXIT=0"), std::string::npos) << screen;

    // During the run: one line per running folder, account/folder first, with counts and sizes.
    EXPECT_GE(most_progress_lines, 1u) << "no progress line was ever on the screen; last screen:\n" << screen;
    EXPECT_LE(most_progress_lines, 2u) << seen_progress;
    EXPECT_NE(seen_progress.find("test/" + s.folder("")), std::string::npos) << seen_progress;
    EXPECT_NE(seen_progress.find(" MiB"), std::string::npos) << seen_progress;
    std::printf("[ frame    ] a screen during the run:\n%s", seen_progress.c_str());
    if (!frame_with_eta.empty()) std::printf("[ frame    ] with rate and ETA:\n%s", frame_with_eta.c_str());

    // After the run: the summary lines, no progress line left, and nothing scrolled off the top.
    const auto final_lines = lines_of(screen);
    std::size_t non_empty = 0;
    for (const auto& line : final_lines) {
        EXPECT_FALSE(is_progress_line(line)) << "left over: " << line << "\n" << screen;
        EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
        non_empty += !line.empty();
    }
    EXPECT_NE(screen.find("test/" + s.folder("INBOX") + ": +400"), std::string::npos) << screen;
    EXPECT_NE(screen.find("test/" + s.folder("Archive") + ": +400"), std::string::npos) << screen;
    // The run's total comes after them, below where the progress block was.
    EXPECT_NE(screen.find("\ntotal: 2 folders changed in "), std::string::npos) << screen;
    EXPECT_LE(non_empty, 10u) << screen;
    EXPECT_EQ(tmux.scrolled_off(), 0) << screen;
    std::printf("[ screen   ] after the run:\n%s", screen.c_str());
}

TEST(ProgressTty, PipedOutputCarriesNoProgressAndNoEscapes) {
    DailySetup s("pipe");
    s.server_create("INBOX");
    s.server_append_many("INBOX", "p1", 150, 16 * 1024);

    // stdout a pipe, stderr a file: --progress auto stays silent, as under cron or systemd.
    auto r = s.mailtwin("sync");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(" msgs "), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("test/" + s.folder("INBOX") + ": +150"), std::string::npos) << r.out;

    // --progress always draws even into a file: the check above would have seen escapes if there were any.
    s.server_append_many("INBOX", "p2", 100, 16 * 1024);
    r = s.mailtwin("--progress always sync");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("\x1b[2K"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(" msgs "), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r.out;

    // -q wins over --progress always: errors only.
    s.server_append_many("INBOX", "p3", 20, 1024);
    r = s.mailtwin("-q --progress always sync");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace mailtwin::test
