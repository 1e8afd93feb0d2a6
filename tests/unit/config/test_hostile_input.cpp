// Issue #14 at the config level: which hosts count as loopback (plaintext without allow_plaintext),
// the timeouts of [general] and their per-account override, an empty maildir, a --config that is a
// directory, a missing or unreadable ca_file, and the warning for a readable file holding a password.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>

#include "config_text.hpp"
#include "fixtures/temp_dir.hpp"
#include "mailtwin/config/loader.hpp"
#include "mailtwin/config/render.hpp"

namespace mailtwin::config {
namespace {

std::string message_of(const std::string& toml) { return config_error_of(toml, "c.toml"); }

TEST(Loopback, OnlyLiteralLoopbackAddressesAndLocalhost) {
    for (const char* yes : {"localhost", "LocalHost", "127.0.0.1", "127.0.0.2", "127.255.255.254", "127.1.2.3", "::1",
                            "[::1]", "0:0:0:0:0:0:0:1", "0000::0001"})
        EXPECT_TRUE(is_loopback_host(yes)) << yes;
    for (const char* no : {"127.example.com", "127.0.0.1.example.com", "127.0.0.1.nip.io", "127", "127.1",
                           "127.0.0.256", "localhost.example.com", "localhost.", "mylocalhost", "128.0.0.1",
                           "126.255.255.255", "::2", "::ffff:127.0.0.1", "[::1", "", "0.0.0.0", "::"})
        EXPECT_FALSE(is_loopback_host(no)) << no;
}

TEST(Loopback, PlaintextToANameThatLooksLikeLoopbackNeedsTheOptIn) {
    const std::string toml =
        "[accounts.a]\nmaildir = \"/m\"\n[accounts.a.imap]\nhost = \"127.example.com\"\n"
        "tls = \"none\"\nuser = \"u\"\npassword = \"p\"\n";
    EXPECT_EQ(message_of(toml),
              "c.toml:5:7: tls = \"none\" would send the password in clear text to 127.example.com; "
              "use \"implicit\" or \"starttls\", or set allow_plaintext = true if you really mean it");
    EXPECT_EQ(message_of(toml + "allow_plaintext = true\n"), "");
    const std::string loopback =
        "[accounts.a]\nmaildir = \"/m\"\n[accounts.a.imap]\nhost = \"127.0.0.9\"\n"
        "tls = \"none\"\nuser = \"u\"\npassword = \"p\"\n";
    EXPECT_EQ(message_of(loopback), "");
}

TEST(Timeouts, DefaultsThenGeneralThenPerAccount) {
    Config d = load_string(k_work_account, "c.toml");
    EXPECT_EQ(d.general.timeouts.connect, 10);
    EXPECT_EQ(d.general.timeouts.greeting, 5);
    EXPECT_EQ(d.general.timeouts.command, 60);
    EXPECT_EQ(d.accounts[0].imap.timeouts.command, 60);

    const std::string general = "[general]\nconnect_timeout = 3\ngreeting_timeout = 4\ncommand_timeout = 300\n";
    Config g = load_string(general + k_work_account, "c.toml");
    EXPECT_EQ(g.accounts[0].imap.timeouts.connect, 3);
    EXPECT_EQ(g.accounts[0].imap.timeouts.greeting, 4);
    EXPECT_EQ(g.accounts[0].imap.timeouts.command, 300);

    Config a = load_string(general + k_work_account + "greeting_timeout = 20\n", "c.toml");
    EXPECT_EQ(a.accounts[0].imap.timeouts.connect, 3);
    EXPECT_EQ(a.accounts[0].imap.timeouts.greeting, 20);
    EXPECT_EQ(a.accounts[0].imap.timeouts.command, 300);
    EXPECT_EQ(a.general.timeouts.greeting, 4);

    const std::string out = render_resolved(a);
    EXPECT_NE(out.find("greeting_timeout = 4  # seconds, also each TLS handshake\n"), std::string::npos) << out;
    EXPECT_NE(out.find("greeting_timeout = 20\n"), std::string::npos) << out;
}

TEST(Timeouts, OutOfRangeAndTyposAreRefused) {
    EXPECT_EQ(message_of("[general]\ncommand_timeout = 0\n" + k_work_account),
              "c.toml:2:19: key 'general.command_timeout' must be between 1 and 86400, not 0");
    EXPECT_EQ(message_of(k_work_account + "conect_timeout = 5\n"),
              "c.toml:7:1: unknown key 'accounts.work.imap.conect_timeout'; did you mean 'connect_timeout'?");
}

TEST(Maildir, EmptyIsRefusedWithItsKey) {
    const std::string toml =
        "[accounts.work]\nmaildir = \"\"\n[accounts.work.imap]\nhost = \"h\"\nuser = \"u\"\n"
        "password_cmd = \"echo p\"\n";
    EXPECT_EQ(
        message_of(toml),
        "c.toml:2:11: key 'accounts.work.maildir' is empty; set it to the local Maildir root, e.g. \"~/Mail/work\"");
}

class ConfigFiles : public ::testing::Test {
protected:
    std::filesystem::path write(const std::string& name, const std::string& text, mode_t mode = 0600) {
        const auto path = m_dir / name;
        std::ofstream(path) << text;
        ::chmod(path.c_str(), mode);
        return path;
    }
    test::TempDir m_dir{"mailtwin-config-files"};
};

TEST_F(ConfigFiles, ADirectoryIsNotAConfigFile) {
    try {
        (void)load_file(m_dir.path());
        FAIL() << "a directory was read as a config";
    } catch (const ConfigError& e) {
        EXPECT_EQ(std::string(e.what()), m_dir.path().string() +
                                             " is a directory, not a config file; pass --config "
                                             "FILE (for example " +
                                             (m_dir.path() / "config.toml").string() + ")");
    }
}

TEST_F(ConfigFiles, MissingOrUnusableCaFileIsAConfigError) {
    auto check = [&](const std::string& ca) -> std::string {
        const auto path = write("c.toml", k_work_account + "ca_file = \"" + ca + "\"\n");
        try {
            check_referenced_files(load_file(path));
        } catch (const ConfigError& e) {
            return e.what();
        }
        return "";
    };
    const std::string key = (m_dir / "c.toml").string() + ": key 'accounts.work.imap.ca_file'";
    EXPECT_EQ(check((m_dir / "nope.pem").string()),
              key + " names " + (m_dir / "nope.pem").string() +
                  ", which does not exist; give the path of a PEM file of CA certificates, or remove the key to use "
                  "the system store");
    EXPECT_EQ(check(m_dir.path().string()), key + " names the directory " + m_dir.path().string() +
                                                "; give the path of a PEM file of CA certificates");
    const auto pem = write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
    EXPECT_EQ(check(pem.string()), "");
}

TEST_F(ConfigFiles, AReadablePasswordIsWarnedAbout) {
    const std::string with_password =
        "[accounts.work]\nmaildir = \"/m\"\n[accounts.work.imap]\nhost = \"h\"\n"
        "user = \"u\"\npassword = \"hunter2\"\n";
    const auto open = write("open.toml", with_password, 0644);
    const Config c = load_file(open);
    ASSERT_EQ(c.warnings.size(), 1u);
    EXPECT_EQ(c.warnings[0], open.string() +
                                 " holds a password (account work) and is readable by every user (mode "
                                 "0644): run chmod 600 " +
                                 open.string() +
                                 ", or better, replace password with password_cmd (e.g. \"pass show mail/work\")");
    const auto group = write("group.toml", with_password, 0640);
    ASSERT_EQ(load_file(group).warnings.size(), 1u);
    EXPECT_NE(load_file(group).warnings[0].find("readable by its group (mode 0640)"), std::string::npos);
    EXPECT_TRUE(load_file(write("private.toml", with_password, 0600)).warnings.empty());
    EXPECT_TRUE(load_file(write("cmd.toml", k_work_account, 0644)).warnings.empty()) << "password_cmd is not a secret";
}

}  // namespace
}  // namespace mailtwin::config
