// The first hour: README's Quick start runs contrib/demo.sh; afterwards the config it leaves must work
// for every command a newcomer tries next (status, folders, sync), and still for check-config and
// `status --offline` once the demo server is stopped. The demo runs for real (its own Dovecot on free
// ports, sample mail); MAILTWIN_BIN only spares it the package check and the build.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "fixtures/build_paths.hpp"
#include "fixtures/run_command.hpp"
#include "fixtures/server_process.hpp"
#include "fixtures/temp_dir.hpp"

namespace mailtwin::test {
namespace {

namespace fs = std::filesystem;

class Demo : public ::testing::Test {
protected:
    void SetUp() override {
        m_env = "DEMO_DIR=" + shell_quote(demo_dir().string()) +
                " DEMO_MESSAGES=24 DEMO_FOLDERS=4 DEMO_PORT=" + std::to_string(free_loopback_port()) +
                " DEMO_TLS_PORT=" + std::to_string(free_loopback_port()) +
                " MAILTWIN_BIN=" + shell_quote(MAILTWIN_BINARY) + " ";
    }
    void TearDown() override { demo("--stop"); }

    [[nodiscard]] fs::path demo_dir() const { return m_tmp / "demo"; }
    RunResult demo(const std::string& args = "") {
        return run_command(m_env + "bash " + shell_quote(MAILTWIN_SOURCE_DIR "/contrib/demo.sh") + " " + args +
                           " 2>&1");
    }
    RunResult mailtwin(const std::string& args) {
        return run_command(mailtwin_binary() + " --config " + shell_quote((demo_dir() / "mailtwin.toml").string()) +
                           " " + args + " 2>&1");
    }

private:
    TempDir m_tmp{"mailtwin-demo-test"};
    std::string m_env;
};

// One flow, as a newcomer goes (each demo run starts a server and seeds it: one test keeps CI short).
TEST_F(Demo, SyncsShowsStatusAndFoldersAndLeavesAConfigThatWorks) {
    for (int round = 1; round <= 2; ++round) {  // a second run starts over, with no duplicates
        SCOPED_TRACE("demo run " + std::to_string(round));
        const auto run = demo();
        ASSERT_EQ(run.exit_code, 0) << run.output;
        EXPECT_NE(run.output.find("== mailtwin sync\n"), std::string::npos) << run.output;
        EXPECT_NE(run.output.find("== mailtwin status\n"), std::string::npos) << run.output;
        EXPECT_NE(run.output.find("4 folders: 24 on the server, 24 synced, 24 local; no local changes pending; "
                                  "last sync just now"),
                  std::string::npos)
            << run.output;
        EXPECT_NE(run.output.find("== mailtwin folders demo\n"), std::string::npos) << run.output;
        EXPECT_NE(run.output.find("4 folders, 4 included by the folders setting"), std::string::npos) << run.output;
        EXPECT_NE(run.output.find("Stop the server with: DEMO_DIR="), std::string::npos) << run.output;
    }
    for (const std::string command : {"status", "folders demo", "check-config"}) {
        const auto r = mailtwin(command);
        EXPECT_EQ(r.exit_code, 0) << "mailtwin " << command << ":\n" << r.output;
    }
    // Nothing changed since the demo's sync: a plain sync prints nothing and succeeds.
    const auto sync = mailtwin("sync");
    EXPECT_EQ(sync.exit_code, 0) << sync.output;
    EXPECT_EQ(sync.output, "");

    const auto stop = demo("--stop");
    ASSERT_EQ(stop.exit_code, 0) << stop.output;
    // The server is gone, and its directory with its certificate: the config is still valid, and the
    // state can still be read.
    EXPECT_EQ(mailtwin("-q check-config").exit_code, 0);
    const auto offline = mailtwin("status --offline");
    EXPECT_EQ(offline.exit_code, 0) << offline.output;
    EXPECT_NE(offline.output.find("24 synced"), std::string::npos) << offline.output;
}

TEST_F(Demo, RefusesToRemoveADirectoryItDidNotWrite) {
    fs::create_directories(demo_dir() / "Mail");
    const auto run = demo();
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_NE(run.output.find("exists and was not written by the demo; move it away or set DEMO_DIR"),
              std::string::npos)
        << run.output;
    EXPECT_TRUE(fs::exists(demo_dir() / "Mail"));
}

// README's "Your own account" config, copied to the default path as the README says, is valid as written.
TEST(FirstHour, TheReadmeMinimalConfigPassesCheckConfigAtTheDefaultPath) {
    std::ifstream readme(MAILTWIN_SOURCE_DIR "/README.md");
    std::string line, config;
    bool in_section = false, in_block = false;
    while (std::getline(readme, line)) {
        if (line.find("**Your own account.**") != std::string::npos) in_section = true;
        if (in_section && !in_block && line == "```toml") {
            in_block = true;
        } else if (in_block && line == "```") {
            break;
        } else if (in_block) {
            config += line + "\n";
        }
    }
    ASSERT_NE(config.find("[accounts.me.imap]"), std::string::npos) << "README's minimal config not found";

    TempDir home{"mailtwin-first-hour"};
    fs::create_directories(home / ".config/mailtwin");
    std::ofstream(home / ".config/mailtwin/config.toml") << config;
    const auto r = run_command("env -u XDG_CONFIG_HOME -u XDG_STATE_HOME HOME=" + shell_quote(home.path().string()) +
                               " " + MAILTWIN_BINARY + " check-config 2>&1");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("config.toml: OK, 1 account"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("tls = \"implicit\""), std::string::npos) << r.output;
}

}  // namespace
}  // namespace mailtwin::test
