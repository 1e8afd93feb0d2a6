// Bad input: invalid config files, a password_cmd that fails, and folder names from the server that
// try to leave the Maildir root ("..", "/", control characters, invalid modified UTF-7). Configs are
// refused with exit 2 and a file:line:column message; a failing password_cmd is exit 3 with its
// reason; and no folder name, however hostile, makes mailtwin create or touch anything outside the root.
#include <gtest/gtest.h>

#include <fstream>

#include "support/fake_imap.hpp"
#include "support/setup.hpp"

namespace mailtwin::test {
namespace {

namespace fs = std::filesystem;

struct BadConfig {
    const char* what;
    std::string text;
    const char* expect;  // a piece of the error message
};

TEST(BadInput, InvalidConfigsAreRefusedWithExitTwoAndALocation) {
    SyncSetup s("badcfg");
    const std::string acct = "[accounts.a]\nmaildir = \"" + (s.dir() / "Mail").string() + "\"\n";
    const std::string imap = "[accounts.a.imap]\nhost = \"127.0.0.1\"\nuser = \"u\"\npassword = \"p\"\n";
    const std::vector<BadConfig> cases{
        {"no account", "[general]\nmax_connections = 2\n", "no account"},
        {"syntax", acct + "maildir = = 3\n", "fuzz"},
        {"wrong type", "[accounts.a]\nmaildir = 42\n" + imap, "string"},
        {"unknown key", acct + imap + "tlss = \"none\"\n", "did you mean"},
        {"bad enum", acct + imap + "tls = \"sometimes\"\n", "tls"},
        {"out of range", "[general]\nmax_connections = 100000\n" + acct + imap, "between"},
        {"plaintext off loopback",
         acct + "[accounts.a.imap]\nhost = \"mail.example.org\"\ntls = \"none\"\nuser = \"u\"\npassword = \"p\"\n",
         "clear text"},
        {"bad fingerprint", acct + imap + "fingerprint = \"md5:00\"\n", "fingerprint"},
        {"both secrets", acct + imap + "password_cmd = \"echo p\"\n", "not both"},
        {"bad size", acct + imap + "[accounts.a.sync]\nmax_size = \"99999999999999999999999G\"\n", "max_size"},
        {"binary garbage", std::string("\x00\xff\xfe[[\x01\x02", 7), ":"},
        {"deep nesting", "a = " + std::string(200000, '[') + std::string(200000, ']') + "\n", ":"},
        {"bad account name",
         "[accounts.\"../../etc\"]\nmaildir = \"/tmp/x\"\n" +
             std::string("[accounts.\"../../etc\".imap]\nhost = \"h\"\nuser = \"u\"\npassword = \"p\"\n"),
         "account name"},
    };
    for (const auto& c : cases) {
        const fs::path file = s.dir() / "bad.toml";
        std::ofstream(file, std::ios::binary) << c.text;
        auto r = run_mailtwin({"--config", file.string(), "sync"});
        EXPECT_FALSE(r.crashed() || r.timed_out) << c.what << ": " << describe(r);
        EXPECT_EQ(r.exit_code, 2) << c.what << ": " << describe(r);
        EXPECT_NE(r.output.find(file.string()), std::string::npos) << c.what << ": the message names the file\n"
                                                                   << describe(r);
        if (std::string(c.expect) != "fuzz") {
            EXPECT_NE(r.output.find(c.expect), std::string::npos) << c.what << ": " << describe(r);
        }
    }
    EXPECT_FALSE(fs::exists(s.dir() / "Mail")) << "a refused config created the Maildir";
}

TEST(BadInput, FailingPasswordCommandIsExitThreeWithItsReason) {
    SyncSetup s("badpw");
    s.server_create("INBOX");
    struct Case {
        const char* cmd;
        const char* expect;
    };
    for (const Case& c : {Case{"exit 7", "7"}, Case{"/nonexistent/secret-tool lookup", "password_cmd"},
                          Case{"true", "nothing"}, Case{"cat /nonexistent/secret", "password_cmd"}}) {
        Endpoint e = SyncSetup::direct();
        e.password_cmd = c.cmd;
        auto r = s.sync({}, {}, s.write_config("pw.toml", e));
        EXPECT_FALSE(r.crashed() || r.timed_out) << c.cmd << ": " << describe(r);
        EXPECT_EQ(r.exit_code, 3) << c.cmd << ": " << describe(r);
        EXPECT_NE(r.output.find(c.expect), std::string::npos) << c.cmd << ": " << describe(r);
    }
    EXPECT_TRUE(s.local().empty());
}

// Every path below `dir`, to prove nothing appeared outside the Maildir root.
std::set<std::string> tree(const fs::path& dir, const fs::path& skip) {
    std::set<std::string> out;
    for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
        if (it->path() == skip) {
            it.disable_recursion_pending();
            continue;
        }
        out.insert(fs::relative(it->path(), dir).string());
    }
    return out;
}

TEST(BadInput, HostileFolderNamesNeverEscapeTheMaildirRoot) {
    SyncSetup s("traversal");
    FakeImapServer fake;
    const std::string p = s.prefix();
    const std::vector<std::string> names{p + "/../../escape1",
                                         p + "/..",
                                         p + "/a/../../../escape2",
                                         p + "/./.",
                                         p + "/ctl\x01\x1b[31mred",
                                         p + "/new",
                                         p + "/cur",
                                         p + "/tmp",
                                         p + "/&Jjo",
                                         p + "/&AGEAYgBj",
                                         p + "/&-&&",
                                         p + "/back\\..\\escape3",
                                         p + "//double",
                                         p + "/.hidden",
                                         p + "/\x7f",
                                         p + "/ok",
                                         p + "/a/../../../../../../../../tmp/mailtwin-escape4"};
    for (const auto& n : names) fake.folders[n].add("t" + std::to_string(fake.folders.size()), "trying " + n);
    Endpoint e;
    e.port = fake.port();
    e.tls = "none";
    e.user = "u";
    e.password = "p";
    const auto before = tree(s.dir(), s.maildir());
    ChildOptions o;
    o.timeout = std::chrono::seconds(60);
    auto r = s.sync({}, o, s.write_config("fake.toml", e));
    EXPECT_FALSE(r.crashed() || r.timed_out) << describe(r);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << describe(r);
    // Nothing new beside the Maildir (state and config files aside), nothing in /tmp from the names.
    auto after = tree(s.dir(), s.maildir());
    for (const auto& path : after)
        if (!before.count(path)) {
            EXPECT_TRUE(path.rfind("state", 0) == 0 || path.find(".toml") != std::string::npos)
                << "created outside the Maildir: " << path;
        }
    EXPECT_FALSE(fs::exists("/tmp/mailtwin-escape4"));
    EXPECT_FALSE(fs::exists(s.dir().parent_path() / "escape1"));
    EXPECT_FALSE(fs::exists(s.dir().parent_path() / "escape2"));
    // Everything created inside resolves inside, and no path component is a control character.
    const fs::path root = fs::canonical(s.maildir());
    for (const auto& e2 : fs::recursive_directory_iterator(s.maildir())) {
        const fs::path real = fs::weakly_canonical(e2.path());
        EXPECT_EQ(real.string().rfind(root.string(), 0), 0u) << real;
        for (char c : fs::relative(e2.path(), s.maildir()).string())
            EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == 0x7f) << "control character in " << e2.path();
    }
    // The sane folder next to the hostile ones was synced.
    EXPECT_TRUE(fs::exists(s.local_dir("ok") / "cur")) << describe(r);
}

}  // namespace
}  // namespace mailtwin::test
