// `mailtwin forget` on the command line: the usage names it, its arguments are checked, the shell
// completions offer it with its option and the accounts, and without a state file it says there is
// nothing to forget (and creates none).
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "fixtures/build_paths.hpp"
#include "fixtures/run_command.hpp"
#include "fixtures/temp_dir.hpp"

namespace mailtwin::test {
namespace {

// stdout and stderr together, as the user sees them.
RunResult sh(const std::string& command) { return run_command(command + " 2>&1"); }

class ForgetCli : public ::testing::Test {
protected:
    void SetUp() override {
        std::ofstream(m_config) << "[general]\nstate_dir = \"" << (m_dir / "state").string()
                                << "\"\n[accounts.work]\nmaildir = \"" << (m_dir / "Mail").string()
                                << "\"\n[accounts.work.imap]\nhost = \"127.0.0.1\"\nuser = \"u\"\n"
                                   "password_cmd = \"echo p\"\n";
    }
    RunResult mailtwin(const std::string& args) {
        return sh(mailtwin_binary() + " --config " + m_config.string() + " " + args);
    }
    TempDir m_dir{"mailtwin-forget-cli"};
    std::filesystem::path m_config = m_dir / "c.toml";
};

TEST_F(ForgetCli, TheUsageNamesIt) {
    auto r = sh(mailtwin_binary() + " --help");
    // Wrapped at 80 columns off a terminal (issue 18: help wraps at word boundaries).
    EXPECT_NE(r.output.find("  forget ACCOUNT [--folder NAME]...\n                      drop the sync state of one "
                            "account (or of these folders);\n                      mail is not touched\n"),
              std::string::npos)
        << r.output;
}

TEST_F(ForgetCli, ItTakesExactlyOneAccount) {
    auto none = mailtwin("forget");
    EXPECT_EQ(none.exit_code, 2);
    EXPECT_EQ(none.output,
              "mailtwin: error: forget takes exactly one ACCOUNT (and --folder NAME to forget only "
              "folders) (mailtwin --help shows the usage)\n");
    EXPECT_EQ(mailtwin("forget work other").exit_code, 2);
    EXPECT_EQ(mailtwin("forget work --bogus").exit_code, 2);
}

TEST_F(ForgetCli, WithoutAStateFileThereIsNothingToForget) {
    auto r = mailtwin("forget work");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, "mailtwin: the state remembers nothing of account work in " +
                            (m_dir / "state" / "state.mdb").string() + "; nothing to forget\n");
    EXPECT_FALSE(std::filesystem::exists(m_dir / "state" / "state.mdb"));
    EXPECT_FALSE(std::filesystem::exists(m_dir / "Mail"));
}

TEST_F(ForgetCli, TheBashCompletionOffersItsOptionAndTheAccounts) {
    const std::string script =
        "source " + source_dir() +
        "/contrib/completions/mailtwin.bash\n"
        "t() { COMP_WORDS=(\"$@\"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _mailtwin; "
        "echo \"${COMPREPLY[*]}\"; }\n"
        "t mailtwin for\n"
        "t mailtwin --config " +
        m_config.string() +
        " forget ''\n"
        "t mailtwin forget work --\n"
        "t mailtwin --config " +
        m_config.string() + " forget work ''\n";
    std::ofstream(m_dir / "t.sh") << script;
    auto r = sh("bash " + (m_dir / "t.sh").string());
    EXPECT_EQ(r.output, "forget\nwork\n--folder\n\n");
}

}  // namespace
}  // namespace mailtwin::test
