// Two accounts on one Maildir (or one inside the other), and a state directory that shares files
// with a Maildir, are refused when the config is read: exit 2, the message names both keys.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "config_text.hpp"
#include "fixtures/build_paths.hpp"
#include "fixtures/temp_dir.hpp"
#include "mailtwin/config/loader.hpp"

namespace mailtwin::config {
namespace {

std::string account(const std::string& name, const std::string& maildir) {
    return "[accounts." + name + "]\nmaildir = \"" + maildir + "\"\n[accounts." + name +
           ".imap]\nhost = \"imap.example.com\"\nuser = \"me\"\npassword_cmd = \"echo secret\"\n";
}

std::string general(const std::string& state_dir) { return "[general]\nstate_dir = \"" + state_dir + "\"\n"; }

// The message of the ConfigError `toml` raises, or "" when it loads.
std::string error_of(const std::string& toml) { return config_error_of(toml, "t.toml"); }

TEST(DirCollision, SameMaildirTwiceIsRefusedNamingBothAccounts) {
    EXPECT_EQ(error_of(general("/srv/state") + account("a", "/srv/mail") + account("b", "/srv/mail")),
              "t.toml:10:11: accounts.b.maildir = \"/srv/mail\" is the same directory as accounts.a.maildir = "
              "\"/srv/mail\" (line 4): each account's mail would be uploaded to the other account's server; give "
              "every account a Maildir of its own, none inside another");
}

TEST(DirCollision, OneMaildirInsideAnotherIsRefusedEitherWay) {
    const auto inner_later = error_of(general("/srv/state") + account("a", "/srv/mail") + account("b", "/srv/mail/b"));
    EXPECT_NE(inner_later.find("accounts.b.maildir = \"/srv/mail/b\" is inside accounts.a.maildir = \"/srv/mail\""),
              std::string::npos)
        << inner_later;
    const auto outer_later = error_of(general("/srv/state") + account("a", "/srv/mail/a") + account("b", "/srv/mail"));
    EXPECT_NE(outer_later.find("accounts.b.maildir = \"/srv/mail\" contains accounts.a.maildir = \"/srv/mail/a\""),
              std::string::npos)
        << outer_later;
}

TEST(DirCollision, SpellingsOfOneDirectoryAreOneDirectory) {
    // Trailing slash, "." and "..", and ~ all name the same directory.
    EXPECT_NE(error_of(general("/srv/state") + account("a", "/srv/mail") + account("b", "/srv/./x/../mail/")), "");
    const char* home = std::getenv("HOME");
    ASSERT_NE(home, nullptr);
    EXPECT_NE(error_of(general("/srv/state") + account("a", "~/Mail") + account("b", std::string(home) + "/Mail/b")),
              "");
}

TEST(DirCollision, ASymlinkToAnotherAccountsMaildirCounts) {
    test::TempDir dir("mailtwin-dir-collision");
    std::filesystem::create_directories(dir / "real");
    std::filesystem::create_directory_symlink(dir / "real", dir / "link");
    const auto msg = error_of(general((dir / "state").string()) + account("a", (dir / "real").string()) +
                              account("b", (dir / "link" / "sub").string()));
    EXPECT_NE(msg.find("accounts.b.maildir"), std::string::npos) << msg;
    EXPECT_NE(msg.find("is inside accounts.a.maildir"), std::string::npos) << msg;
}

TEST(DirCollision, RelativeMaildirsAreComparedFromTheWorkingDirectory) {
    const auto cwd = std::filesystem::current_path().string();
    EXPECT_NE(error_of(general("/srv/state") + account("a", "Mail") + account("b", cwd + "/Mail")), "");
}

TEST(DirCollision, SiblingsAndPrefixesOfNamesAreFine) {
    EXPECT_EQ(error_of(general("/srv/state") + account("a", "/srv/mail") + account("b", "/srv/mail2") +
                       account("c", "/srv/other/mail")),
              "");
}

TEST(DirCollision, StateDirWrittenAfterTheMaildirIsReportedAtTheStateDir) {
    const auto msg = error_of(account("a", "/srv/mail") + general("/srv/mail/.mailtwin"));
    EXPECT_EQ(msg.rfind("t.toml:8:13: general.state_dir = \"/srv/mail/.mailtwin\" is inside accounts.a.maildir", 0), 0u)
        << msg;
}

TEST(DirCollision, StateDirInsideAMaildirIsRefused) {
    EXPECT_EQ(error_of(general("/srv/mail/.mailtwin") + account("a", "/srv/mail")),
              "t.toml:4:11: accounts.a.maildir = \"/srv/mail\" contains general.state_dir = "
              "\"/srv/mail/.mailtwin\" (line 2): mailtwin's state database and the mail would share files; keep "
              "general.state_dir outside every Maildir (and no Maildir inside it)");
}

TEST(DirCollision, MaildirInsideTheStateDirIsRefused) {
    const auto msg = error_of(general("/srv/state") + account("a", "/srv/state/mail"));
    EXPECT_NE(msg.find("accounts.a.maildir = \"/srv/state/mail\" is inside general.state_dir = \"/srv/state\""),
              std::string::npos)
        << msg;
}

TEST(DirCollision, TheDefaultStateDirCountsToo) {
    // Not written: reported at the Maildir, the key the user can change.
    const char* saved = std::getenv("XDG_STATE_HOME");
    const std::string restore = saved ? saved : "";
    ::setenv("XDG_STATE_HOME", "/srv/xdg-state", 1);
    const auto msg = error_of(account("a", "/srv/xdg-state/mailtwin/mail"));
    if (saved)
        ::setenv("XDG_STATE_HOME", restore.c_str(), 1);
    else
        ::unsetenv("XDG_STATE_HOME");
    EXPECT_EQ(msg,
              "t.toml:2:11: accounts.a.maildir = \"/srv/xdg-state/mailtwin/mail\" is inside general.state_dir = "
              "\"/srv/xdg-state/mailtwin\" (the default): mailtwin's state database and the mail would share "
              "files; keep general.state_dir outside every Maildir (and no Maildir inside it)");
}

// As a user sees it: `mailtwin check-config` and `mailtwin sync` both exit 2 with that one line.
TEST(DirCollision, TheBinaryExitsTwoBeforeTouchingAnything) {
    test::TempDir dir("mailtwin-dir-collision");
    const auto file = dir / "config.toml";
    std::ofstream(file) << general((dir / "state").string()) << account("work", (dir / "Mail").string())
                        << account("home", (dir / "Mail").string());
    for (const std::string command : {"check-config", "sync"}) {
        const std::string cmd =
            mailtwin::test::mailtwin_binary() + " --config " + file.string() + " " + command + " 2>&1";
        FILE* p = ::popen(cmd.c_str(), "r");
        ASSERT_NE(p, nullptr);
        std::string out;
        std::array<char, 4096> buf;
        while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
        const int status = ::pclose(p);
        EXPECT_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 2) << command << ": " << out;
        EXPECT_EQ(out, "mailtwin: error: " + file.string() + ":10:11: accounts.home.maildir = \"" +
                           (dir / "Mail").string() + "\" is the same directory as accounts.work.maildir = \"" +
                           (dir / "Mail").string() +
                           "\" (line 4): each account's mail would be uploaded to the other account's server; give "
                           "every account a Maildir of its own, none inside another\n")
            << command;
    }
    EXPECT_FALSE(std::filesystem::exists(dir / "state")) << "nothing may be created for a refused config";
    EXPECT_FALSE(std::filesystem::exists(dir / "Mail"));
}

}  // namespace
}  // namespace mailtwin::config
