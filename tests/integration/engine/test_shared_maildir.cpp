// Two accounts on one Maildir would upload each account's mail to the other's server. The real
// binary refuses the config before it connects anywhere (exit 2, both accounts named); the same
// two accounts with a Maildir each sync normally. Against the shared Dovecot (users alice and bob).
#include <gtest/gtest.h>

#include <fstream>

#include "fixtures/build_paths.hpp"
#include "scenario.hpp"

namespace mailtwin::test {
namespace {

std::string account(const std::string& name, const std::string& user, const std::filesystem::path& maildir,
                    const DovecotInfo& d, const std::string& folders) {
    return "[accounts." + name + "]\nmaildir = \"" + maildir.string() + "\"\n[accounts." + name +
           ".imap]\nhost = \"127.0.0.1\"\nport = " + std::to_string(d.tls_port) + "\ntls = \"implicit\"\nuser = \"" +
           user + "\"\npassword = \"" + d.password + "\"\nca_file = \"" + d.ca_file.string() + "\"\n[accounts." + name +
           ".sync]\nfolders = [\"" + folders + "\"]\n";
}

TEST(SharedMaildir, TwoAccountsOnOneMaildirAreRefusedBeforeAnythingIsSynced) {
    const DovecotInfo& d = dovecot();
    Scenario s("shared", "", d);  // alice's side, for looking at the server
    s.server_create("INBOX");
    s.server_append("INBOX", "own1");
    for (const char* sub : {"cur", "new", "tmp"}) std::filesystem::create_directories(s.local_dir("INBOX") / sub);
    s.local_deliver("INBOX", "local1");
    const auto server_before = s.server();
    const auto local_before = s.local();

    TempDir dir("mailtwin-shared");
    const auto config = dir / "config.toml";
    const std::string folders = "E-shared/*";
    std::ofstream(config) << "[general]\nstate_dir = \"" << (dir / "state").string() << "\"\n"
                          << account("alice", d.user, s.maildir(), d, folders)
                          << account("bob", "bob", s.maildir() / "E-shared", d, folders);
    auto r = run_command(mailtwin_binary() + " --config " + config.string() + " sync 2>&1");
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("accounts.bob.maildir"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("is inside accounts.alice.maildir"), std::string::npos) << r.output;
    EXPECT_EQ(s.server(), server_before) << "something was synced";
    EXPECT_EQ(s.local(), local_before);
    EXPECT_FALSE(std::filesystem::exists(dir / "state"));

    // The same accounts, each with a Maildir of its own: accepted and synced.
    TempDir bob_mail("mailtwin-shared-bob");
    std::ofstream(config, std::ios::trunc) << "[general]\nstate_dir = \"" << (dir / "state").string() << "\"\n"
                                           << account("alice", d.user, s.maildir(), d, folders)
                                           << account("bob", "bob", bob_mail.path(), d, "E-none-for-bob/*");
    auto ok = run_command(mailtwin_binary() + " --config " + config.string() + " sync alice 2>&1");
    EXPECT_EQ(ok.exit_code, 0) << ok.output;
    auto after = s.server();
    EXPECT_EQ(after["INBOX"].count("local1"), 1u);
    EXPECT_EQ(after, s.local());
}

}  // namespace
}  // namespace mailtwin::test
