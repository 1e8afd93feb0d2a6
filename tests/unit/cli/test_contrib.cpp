// contrib/: the systemd units pass `systemd-analyze verify`, the man page renders without warnings,
// and the shell completions offer commands, options and the config's account names.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "fixtures/temp_dir.hpp"

namespace mailtwin::test {
namespace {

const std::filesystem::path k_contrib = std::filesystem::path(MAILTWIN_SOURCE_DIR) / "contrib";

struct Shell {
    int exit_code = -1;
    std::string out;  // stdout and stderr together
};

Shell shell(const std::string& command) {
    Shell r;
    FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf;
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) r.out.append(buf.data(), n);
    int status = ::pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(Contrib, SystemdUnitsVerify) {
    // As installed: the binary where ExecStart finds it and the man page that Documentation= names.
    TempDir dir("mailtwin-units");
    std::filesystem::create_directories(dir / "man" / "man1");
    std::filesystem::copy_file(k_contrib / "man" / "mailtwin.1", dir / "man" / "man1" / "mailtwin.1");
    std::string units;
    for (const auto& e : std::filesystem::directory_iterator(k_contrib / "systemd")) {
        std::string name = e.path().filename().string();
        std::string text = read_file(e.path());
        const std::string exec = "ExecStart=mailtwin";
        if (auto at = text.find(exec); at != std::string::npos)
            text.replace(at, exec.size(), std::string("ExecStart=") + MAILTWIN_BINARY);
        if (auto at = name.find("@."); at != std::string::npos) name.insert(at + 1, "work");  // an instance
        std::ofstream(dir / name) << text;
        units += " " + (dir / name).string();
    }
    ASSERT_NE(units.find("mailtwin.timer"), std::string::npos);
    ASSERT_NE(units.find("mailtwin-watch.service"), std::string::npos);
    ASSERT_NE(units.find("mailtwin@work.timer"), std::string::npos);
    auto r = shell("MANPATH=" + (dir / "man").string() + " systemd-analyze verify" + units);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(r.out, "");
    // And as the user units they are (the user manager needs a runtime directory).
    std::filesystem::create_directories(dir / "run");
    std::filesystem::permissions(dir / "run", std::filesystem::perms::owner_all);
    auto user = shell("XDG_RUNTIME_DIR=" + (dir / "run").string() + " MANPATH=" + (dir / "man").string() +
                      " systemd-analyze --user verify" + units);
    EXPECT_EQ(user.exit_code, 0) << user.out;
    EXPECT_EQ(user.out, "");
}

TEST(Contrib, TheUnitsSayOnlyWhatSystemdDoes) {
    for (const auto& e : std::filesystem::directory_iterator(k_contrib / "systemd")) {
        const std::string text = read_file(e.path());
        const std::string name = e.path().filename().string();
        // The user manager has no network-online.target: a dependency on it is a dead letter.
        EXPECT_EQ(text.find("Wants=network-online.target"), std::string::npos) << name;
        EXPECT_EQ(text.find("After=network-online.target"), std::string::npos) << name;
        if (name.ends_with(".timer")) {
            // Persistent= catches up after a suspend only on calendar timers (systemd.timer(5)).
            EXPECT_NE(text.find("\nOnCalendar=*:0/5\n"), std::string::npos) << name;
            EXPECT_NE(text.find("\nPersistent=true\n"), std::string::npos) << name;
            EXPECT_EQ(text.find("OnUnitInactiveSec="), std::string::npos) << name;
        }
        // README promises one journal line per changed folder: the sync units do not run --quiet.
        if (name.ends_with(".service")) {
            EXPECT_EQ(text.find("--quiet"), std::string::npos) << name;
        }
    }
    const auto calendar = shell("systemd-analyze calendar '*:0/5'");
    EXPECT_EQ(calendar.exit_code, 0) << calendar.out;
}

TEST(Contrib, TheWatchUnitIsANotifyServiceWithWatchdogAndReload) {
    const std::string unit = read_file(k_contrib / "systemd" / "mailtwin-watch.service");
    for (const char* line : {"Type=notify", "ExecStart=mailtwin watch", "WatchdogSec=", "Restart=on-failure",
                             "ExecReload=/bin/kill -HUP $MAINPID"})
        EXPECT_NE(unit.find(line), std::string::npos) << line;
}

TEST(Contrib, ManPageRendersWithoutWarnings) {
    const std::string page = (k_contrib / "man" / "mailtwin.1").string();
    auto lint = shell("groff -man -Tutf8 -ww -z " + page);
    EXPECT_EQ(lint.exit_code, 0) << lint.out;
    EXPECT_EQ(lint.out, "");
    auto shown = shell("MANWIDTH=100 LC_ALL=C.UTF-8 man -l " + page);
    EXPECT_EQ(shown.exit_code, 0) << shown.out;
    for (const char* s :
         {"SYNOPSIS", "EXIT STATUS", "--ext-exit", "provider", "password_cmd", "FILES", "EXAMPLES", "ENVIRONMENT",
          "XDG_STATE_HOME", "compress", "skip_special_use", "mailtwin help", "--interval", "--no-notify"})
        EXPECT_NE(shown.out.find(s), std::string::npos) << s;
}

TEST(Contrib, BashCompletionOffersCommandsOptionsAndAccounts) {
    TempDir dir("mailtwin-compl");
    std::ofstream(dir / "c.toml") << "[accounts.work]\nmaildir = \"/m\"\n[accounts.\"me@home\"]  # quoted\n"
                                  << "[accounts.work.imap]\nhost = \"h\"\n";
    const std::string script = "source " + (k_contrib / "completions" / "mailtwin.bash").string() + "\n" +
                               "t() { COMP_WORDS=(\"$@\"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); "
                               "_mailtwin; echo \"${COMPREPLY[*]}\"; }\n"
                               "t mailtwin ''\n"
                               "t mailtwin --config " +
                               (dir / "c.toml").string() +
                               " sync ''\n"
                               "t mailtwin status --\n"
                               "t mailtwin --progress ''\n"
                               "t mailtwin --config " +
                               (dir / "c.toml").string() +
                               " sync work ''\n"
                               "t mailtwin --config=" +
                               (dir / "c.toml").string() +
                               " status ''\n"
                               "t mailtwin --config=" +
                               (dir / "c.").string() +
                               "\n"
                               "complete -p mailtwin\n";
    std::ofstream(dir / "t.sh") << script;
    auto r = shell("bash " + (dir / "t.sh").string());
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(r.out,
              "sync watch status folders check-config forget help\n"
              "work me@home\n"
              "--json --offline\n"
              "auto always never\n"
              "me@home\n"       // an account already named is not offered again
              "work me@home\n"  // --config=FILE is read like --config FILE
              "--config=" +
                  (dir / "c.toml").string() +
                  "\n"
                  "complete -F _mailtwin mailtwin\n");
}

TEST(Contrib, ZshCompletionIsValidZsh) {
    const std::string file = (k_contrib / "completions" / "_mailtwin").string();
    auto r = shell("zsh -n " + file);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(read_file(file).rfind("#compdef mailtwin", 0), 0u);
}

}  // namespace
}  // namespace mailtwin::test
