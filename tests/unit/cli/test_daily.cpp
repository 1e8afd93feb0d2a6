// status, folders, provider presets and --ext-exit through the real binary, without a server:
// the paths that need none (offline status, usage errors, failing password commands).
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>

#include "fixtures/build_paths.hpp"
#include "fixtures/temp_dir.hpp"

namespace mailtwin::test {
namespace {

struct Run {
    int exit_code = -1;
    std::string out;  // stdout and stderr together
};

Run mailtwin(const std::string& args) {
    std::string cmd = mailtwin_binary() + " " + args + " 2>&1";
    Run r;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf;
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) r.out.append(buf.data(), n);
    int status = ::pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

class Daily : public ::testing::Test {
protected:
    // One account "a" on a port nothing listens on, with the given password command.
    std::string config(const std::string& password_cmd = "echo pw") {
        auto path = m_dir / "c.toml";
        std::ofstream(path) << "[general]\nstate_dir = \"" << (m_dir / "state").string() << "\"\n"
                            << "[accounts.a]\nmaildir = \"" << (m_dir / "Mail").string() << "\"\n"
                            << "[accounts.a.imap]\nhost = \"127.0.0.1\"\nport = 1\ntls = \"none\"\nuser = \"u\"\n"
                            << "password_cmd = \"" << password_cmd << "\"\n";
        return "--config " + path.string() + " ";
    }
    TempDir m_dir{"mailtwin-cli"};
};

TEST_F(Daily, HelpNamesTheNewOptions) {
    auto r = mailtwin("--help");
    EXPECT_EQ(r.exit_code, 0);
    for (const char* s : {"--ext-exit", "--json", "--offline", "32", "64", "128"})
        EXPECT_NE(r.out.find(s), std::string::npos) << s;
}

TEST_F(Daily, OfflineStatusOfANeverSyncedAccountCreatesNothing) {
    auto r = mailtwin(config() + "status --offline");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("never synced"), std::string::npos) << r.out;
    EXPECT_FALSE(std::filesystem::exists(m_dir / "state"));
    EXPECT_FALSE(std::filesystem::exists(m_dir / "Mail"));
}

TEST_F(Daily, StatusJsonEndsWithASummary) {
    auto r = mailtwin(config() + "status --offline --json");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("{\"event\":\"account\",\"account\":\"a\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("{\"event\":\"summary\",\"accounts\":1,\"folders\":0,"), std::string::npos) << r.out;
}

TEST_F(Daily, StatusWithAnUnreachableServerStillReportsAndExitsThree) {
    std::filesystem::create_directories(m_dir / "Mail" / "INBOX" / "cur");
    std::filesystem::create_directories(m_dir / "Mail" / "INBOX" / "new");
    auto r = mailtwin(config() + "status");
    EXPECT_EQ(r.exit_code, 3) << r.out;
    EXPECT_NE(r.out.find("server not reached"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("INBOX"), std::string::npos) << r.out;
}

TEST_F(Daily, FailingPasswordCommandExitsThreeWithItsStderr) {
    const std::string cmd = "echo 'pass: mail/a is not in the password store.' >&2; exit 1";
    for (const char* command : {"sync", "status", "folders a"}) {
        auto r = mailtwin(config(cmd) + command);
        EXPECT_EQ(r.exit_code, 3) << command << ": " << r.out;
        EXPECT_NE(r.out.find("pass: mail/a is not in the password store."), std::string::npos)
            << command << ": " << r.out;
    }
}

TEST_F(Daily, FoldersNeedsExactlyOneKnownAccount) {
    EXPECT_EQ(mailtwin(config() + "folders").exit_code, 2);
    auto unknown = mailtwin(config() + "folders nosuch");
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.out.find("no account 'nosuch'"), std::string::npos) << unknown.out;
    EXPECT_EQ(mailtwin(config() + "status nosuch").exit_code, 2);
    EXPECT_EQ(mailtwin(config() + "status --bogus").exit_code, 2);
}

TEST_F(Daily, ExtExitLeavesFailureCodesAlone) {
    // Nothing was synced, so no change bit: the plain code comes through.
    auto r = mailtwin(config("exit 1") + "--ext-exit sync");
    EXPECT_EQ(r.exit_code, 3) << r.out;
    auto after = mailtwin(config("exit 1") + "sync --ext-exit");
    EXPECT_EQ(after.exit_code, 3) << after.out;
}

TEST_F(Daily, ProviderPresetIsShownByCheckConfig) {
    auto path = m_dir / "p.toml";
    std::ofstream(path) << "[accounts.g]\nmaildir = \"/m\"\nprovider = \"gmail\"\n[accounts.g.imap]\n"
                        << "user = \"me@gmail.com\"\npassword_cmd = \"pass gmail\"\n";
    auto r = mailtwin("--config " + path.string() + " check-config");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("host = \"imap.gmail.com\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("port = 993"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace mailtwin::test
