// Config errors word for word, as a user sees them: `mailtwin check-config` run as a program on a
// broken file prints exactly one line on stderr (file:line:column, the key, what is wrong, the nearest
// valid spelling), nothing on stdout, and exits 2.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "config_text.hpp"
#include "fixtures/build_paths.hpp"
#include "fixtures/temp_dir.hpp"

namespace mailtwin::config {
namespace {

struct CheckConfig {
    int exit_code = -1;
    std::string out;
    std::string err;
};

class CheckConfigMessages : public ::testing::Test {
protected:
    // Writes `toml` to <dir>/config.toml and runs `mailtwin --config FILE check-config` on it.
    CheckConfig check(const std::string& toml) {
        std::ofstream(m_file) << toml;
        const auto err_file = m_dir / "stderr.txt";
        const std::string cmd =
            mailtwin::test::mailtwin_binary() + " --config " + m_file.string() + " check-config 2>" + err_file.string();
        CheckConfig r;
        FILE* p = ::popen(cmd.c_str(), "r");
        if (!p) return r;
        std::array<char, 4096> buf;
        while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) r.out.append(buf.data(), n);
        const int status = ::pclose(p);
        r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        std::ifstream in(err_file);
        std::stringstream ss;
        ss << in.rdbuf();
        r.err = ss.str();
        return r;
    }
    [[nodiscard]] std::string file() const { return m_file.string(); }

    test::TempDir m_dir{"mailtwin-check-config"};
    std::filesystem::path m_file = m_dir / "config.toml";
};

TEST_F(CheckConfigMessages, TheValidBaseIsAccepted) {
    auto r = check(k_work_account);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "mailtwin: " + file() + ": OK, 1 account\n");
}

TEST_F(CheckConfigMessages, TypoInAKey) {
    auto r = check(k_work_account + "prot = 993\n");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err,
              "mailtwin: error: " + file() + ":7:1: unknown key 'accounts.work.imap.prot'; did you mean 'port'?\n");
}

TEST_F(CheckConfigMessages, WrongType) {
    auto r = check(k_work_account + "port = \"993\"\n");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err,
              "mailtwin: error: " + file() + ":7:8: key 'accounts.work.imap.port' must be an integer, not a string\n");
}

TEST_F(CheckConfigMessages, MissingRequiredKey) {
    auto r = check(R"([accounts.work]
[accounts.work.imap]
host = "imap.example.com"
user = "me"
password_cmd = "echo secret"
)");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "mailtwin: error: " + file() +
                         ":1:1: missing key 'accounts.work.maildir' (the local Maildir root, e.g. \"~/Mail/work\")\n");
}

TEST_F(CheckConfigMessages, BadEnumValue) {
    auto r = check(k_work_account + "[accounts.work.sync]\ndirection = \"pul\"\n");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "mailtwin: error: " + file() +
                         ":8:13: key 'accounts.work.sync.direction' must be one of \"both\", \"pull\", \"push\", not "
                         "\"pul\"; did you mean \"pull\"?\n");
}

}  // namespace
}  // namespace mailtwin::config
