// Small things a newcomer trips over (issue 18 item 10), through the real binary: what it prints,
// word for word where it matters.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "fixtures/build_paths.hpp"
#include "fixtures/run_command.hpp"
#include "fixtures/temp_dir.hpp"

namespace mailtwin::test {
namespace {

RunResult mailtwin(const std::string& args) { return run_command(mailtwin_binary() + " " + args + " </dev/null 2>&1"); }

class SmallThings : public ::testing::Test {
protected:
    std::string config() {
        const auto path = m_dir / "c.toml";
        std::ofstream(path) << "[general]\nstate_dir = \"" << (m_dir / "state").string() << "\"\n";
        for (const char* name : {"work", "home"})
            std::ofstream(path, std::ios::app)
                << "[accounts." << name << "]\nmaildir = \"" << (m_dir / name).string() << "\"\n[accounts." << name
                << ".imap]\nhost = \"127.0.0.1\"\nport = 1\ntls = \"none\"\nuser = \"u\"\npassword_cmd = \"echo pw\"\n";
        return "--config " + path.string() + " ";
    }
    TempDir m_dir{"mailtwin-small"};
};

TEST_F(SmallThings, QuietCheckConfigPrintsNothingWhenAllIsWell) {
    const auto quiet = mailtwin("-q " + config() + "check-config");
    EXPECT_EQ(quiet.exit_code, 0);
    EXPECT_EQ(quiet.output.find("OK,"), std::string::npos) << quiet.output;
    const auto plain = mailtwin(config() + "check-config");
    EXPECT_NE(plain.output.find(": OK, 2 accounts\n"), std::string::npos) << plain.output;
}

TEST_F(SmallThings, AnUnknownAccountListsTheAccountsThatExist) {
    const auto r = mailtwin(config() + "status --offline wrok");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.output, "mailtwin: error: no account 'wrok' in " + (m_dir / "c.toml").string() +
                            "; did you mean 'work'? (accounts: home, work)\n");
    const auto far = mailtwin(config() + "folders nothing-like-it");
    EXPECT_NE(
        far.output.find("no account 'nothing-like-it' in " + (m_dir / "c.toml").string() + " (accounts: home, work)\n"),
        std::string::npos)
        << far.output;
}

TEST_F(SmallThings, HintsNameTheInstalledExampleNotASourcePath) {
    const auto r = mailtwin("--config " + (m_dir / "missing.toml").string() + " check-config");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.output.find("(see " MAILTWIN_INSTALL_DOCDIR "/mailtwin.toml.example)"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("etc/mailtwin.toml.example"), std::string::npos) << r.output;
}

TEST_F(SmallThings, InstallPutsAStrippedBinaryAndTheExampleItsHintsName) {
    const auto prefix = m_dir / "prefix";
    const auto r = run_command("cmake --install " MAILTWIN_BUILD_DIR " --prefix " + prefix.string() + " 2>&1");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto bin = prefix / "bin" / "mailtwin";
    ASSERT_TRUE(std::filesystem::exists(bin));
    const auto sections = run_command("readelf -S " + bin.string() + " 2>&1");
    EXPECT_EQ(sections.output.find(".debug_info"), std::string::npos) << "installed with debug information";
    EXPECT_LT(std::filesystem::file_size(bin), std::filesystem::file_size(MAILTWIN_BINARY));
    EXPECT_TRUE(std::filesystem::exists(prefix / "share/doc/mailtwin/mailtwin.toml.example"));
}

}  // namespace
}  // namespace mailtwin::test
