// Bad input answered with a clear error and the right exit code, never "internal error" (issue #14):
// a --folder that matches nothing (exit 2, near names), UIDs of 0 or beyond 2^32-1 and UIDVALIDITY 0
// from the server (the folder fails, exit 1), a maildir that cannot hold mail (exit 2, naming the
// key), a folder whose local path is too long or refused by the filesystem (that folder fails, exit 1,
// every other folder syncs), a readable config with a password (a warning), and a password_cmd whose
// error output repeats the password (never shown).
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>

#include "support/fake_account.hpp"

namespace mailtwin::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct Fake : FakeAccountSetup {
    explicit Fake(const std::string& name, const std::string& caps = k_fake_capabilities)
        : FakeAccountSetup(name, caps) {
        fake.folders[s.folder("INBOX")].add("m1", "first", "\\Seen");
        fake.folders[s.folder("Archive")].add("a1", "archived");
    }
    ChildResult sync(const std::vector<std::string>& args = {}) { return sync_for(90s, args); }
};

void expect_no_internal_error(const ChildResult& r) {
    EXPECT_FALSE(r.crashed() || r.timed_out) << describe(r);
    EXPECT_EQ(r.output.find("internal error"), std::string::npos) << describe(r);
    EXPECT_EQ(r.output.find("unexpected failure"), std::string::npos) << describe(r);
}

TEST(ClearErrors, AFolderOptionThatMatchesNothingListsTheNearNames) {
    Fake f("ce-folder");
    auto r = f.sync({"--folder", f.s.folder("Archiv")});
    expect_no_internal_error(r);
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_NE(r.output.find("mailtwin: error: test: --folder \"" + f.s.folder("Archiv") +
                            "\" matches no folder of account test; did you mean \"" + f.s.folder("Archive") + "\""),
              std::string::npos)
        << describe(r);
    EXPECT_FALSE(fs::exists(f.s.local_dir("INBOX"))) << "nothing was synced";
    auto ok = f.sync({"--folder", f.s.folder("Archive")});
    EXPECT_EQ(ok.exit_code, 0) << describe(ok);
    EXPECT_TRUE(fs::exists(f.s.local_dir("Archive") / "cur"));
    EXPECT_FALSE(fs::exists(f.s.local_dir("INBOX"))) << "--folder syncs only that folder";
}

TEST(ClearErrors, AFolderOptionOverSeveralAccountsSkipsThoseWithoutItAndFailsOnlyWhenNoneHasIt) {
    Fake f("ce-folder-accounts");
    FakeImapServer second;
    second.folders[f.s.folder("INBOX")].add("o1", "other inbox");
    std::ofstream(f.config, std::ios::app)
        << "[accounts.other]\nmaildir = \"" << (f.s.dir() / "OtherMail").string()
        << "\"\n[accounts.other.imap]\nhost = \"127.0.0.1\"\nport = " << second.port()
        << "\ntls = \"none\"\nuser = \"u\"\npassword = \"p\"\n";
    auto r = f.sync({"--folder", f.s.folder("Archive")});
    expect_no_internal_error(r);
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_NE(r.output.find("mailtwin: other: --folder \"" + f.s.folder("Archive") +
                            "\" matches no folder of account other (it has 1 folder; mailtwin folders other lists "
                            "it); account skipped\n"),
              std::string::npos)
        << describe(r);
    EXPECT_NE(r.output.find("; account skipped"), std::string::npos) << describe(r);
    EXPECT_TRUE(fs::exists(f.s.local_dir("Archive") / "cur")) << describe(r);

    auto none = f.sync({"--folder", f.s.folder("Nowhere")});
    EXPECT_EQ(none.exit_code, 2) << describe(none);
    EXPECT_NE(none.output.find("mailtwin: error: test: --folder \"" + f.s.folder("Nowhere") + "\" matches no folder"),
              std::string::npos)
        << describe(none);
    EXPECT_NE(none.output.find("mailtwin: error: other: --folder \"" + f.s.folder("Nowhere") + "\" matches no folder"),
              std::string::npos)
        << describe(none);
}

// The folder fails with "the server sent an invalid UID", the other folder syncs.
void expect_invalid_uid(Fake& f, const ChildResult& r, const std::string& item) {
    expect_no_internal_error(r);
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    EXPECT_NE(r.output.find("the server sent an invalid UID: 127.0.0.1:" + std::to_string(f.fake.port()) + " answered"),
              std::string::npos)
        << describe(r);
    EXPECT_NE(r.output.find("with \"" + item + "\" (UIDs run from 1 to 4294967295 and UIDVALIDITY is never 0)"),
              std::string::npos)
        << describe(r);
    EXPECT_TRUE(fs::exists(f.s.local_dir("Archive") / "cur")) << describe(r);
}

TEST(ClearErrors, UidZeroFromTheServerFailsTheFolder) {
    Fake f("ce-uid0");
    f.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (cmd.name != "UID FETCH" || c.selected != f.s.folder("INBOX")) return false;
        c.send("* 1 FETCH (UID 0 FLAGS (\\Seen))\r\n" + cmd.tag + " OK fetched\r\n");
        return true;
    };
    expect_invalid_uid(f, f.sync(), "UID 0");
}

TEST(ClearErrors, AUidBeyondThirtyTwoBitsFailsTheFolder) {
    Fake f("ce-uidbig");
    f.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (cmd.name != "UID FETCH" || c.selected != f.s.folder("INBOX")) return false;
        c.send("* 1 FETCH (UID 4294967296 FLAGS (\\Seen))\r\n" + cmd.tag + " OK fetched\r\n");
        return true;
    };
    expect_invalid_uid(f, f.sync(), "UID 4294967296");
}

TEST(ClearErrors, UidvalidityZeroFailsTheFolder) {
    Fake f("ce-uidvalidity0");
    {
        std::lock_guard lock(f.fake.mutex());
        f.fake.folders[f.s.folder("INBOX")].uidvalidity = 0;
    }
    expect_invalid_uid(f, f.sync(), "UIDVALIDITY 0");
}

TEST(ClearErrors, AnEmptyMaildirIsAConfigError) {
    Fake f("ce-emptymaildir");
    std::ofstream(f.config) << "[accounts.test]\nmaildir = \"\"\n[accounts.test.imap]\nhost = \"127.0.0.1\"\nuser = "
                               "\"u\"\npassword = \"p\"\n";
    auto r = f.sync();
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_EQ(r.output, "mailtwin: error: " + f.config.string() +
                            ":2:11: key 'accounts.test.maildir' is empty; set it to the local Maildir root, e.g. "
                            "\"~/Mail/test\"\n");
}

TEST(ClearErrors, AConfigThatIsADirectoryIsAConfigError) {
    Fake f("ce-configdir");
    auto r = run_mailtwin({"--config", f.s.dir().string(), "check-config"});
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_EQ(r.output, "mailtwin: error: " + f.s.dir().string() +
                            " is a directory, not a config file; pass --config FILE (for example " +
                            (f.s.dir() / "config.toml").string() + ")\n");
}

TEST(ClearErrors, AMaildirBelowARegularFileNamesTheKey) {
    Fake f("ce-belowfile");
    const fs::path file = f.s.dir() / "plain-file";
    std::ofstream(file) << "x";
    std::string text;
    {
        std::ifstream in(f.config);
        std::stringstream ss;
        ss << in.rdbuf();
        text = ss.str();
    }
    const std::string old = "maildir = \"" + f.s.maildir().string() + "\"";
    text.replace(text.find(old), old.size(), "maildir = \"" + (file / "Mail").string() + "\"");
    std::ofstream(f.config) << text;
    auto r = f.sync();
    expect_no_internal_error(r);
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_NE(r.output.find("mailtwin: error: test: accounts.test.maildir = \"" + (file / "Mail").string() +
                            "\" cannot be used: " + file.string() +
                            " is a file, so no directory can be created below it; set maildir to a directory you can "
                            "write"),
              std::string::npos)
        << describe(r);
    EXPECT_EQ(f.fake.connections(), 0) << "refused before connecting";
}

TEST(ClearErrors, AMissingCaFileIsFoundByCheckConfig) {
    Fake f("ce-cafile");
    Endpoint e = f.e;
    e.tls = "implicit";
    e.ca_file = (f.s.dir() / "no-such-ca.pem").string();
    const auto config = f.s.write_config("ca.toml", e);
    auto r = run_mailtwin({"--config", config.string(), "check-config"});
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_EQ(r.output, "mailtwin: error: " + config.string() + ": key 'accounts.test.imap.ca_file' names " +
                            e.ca_file +
                            ", which does not exist; give the path of a PEM file of CA certificates, or remove the "
                            "key to use the system store\n");
    auto s = run_mailtwin({"--config", config.string(), "sync"});
    EXPECT_EQ(s.exit_code, 2) << "sync refuses it the same way, before connecting\n" << describe(s);
}

TEST(ClearErrors, AFolderLongerThanPathMaxIsSkippedAndTheOthersSync) {
    Fake f("ce-pathmax");
    // Every level is legal (200 bytes), the whole is far beyond PATH_MAX (4096).
    std::string deep = f.s.prefix();
    for (int i = 0; i < 25; ++i) deep += "/" + std::string(200, static_cast<char>('a' + i));
    f.fake.folders[deep].add("d1", "deep");
    auto r = f.sync();
    expect_no_internal_error(r);
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    EXPECT_NE(
        r.output.find("folder \"" + deep + "\" skipped: folder name '" + deep + "' is too long for a local path ("),
        std::string::npos)
        << describe(r);
    EXPECT_NE(r.output.find("system's limit of 4096 bytes, PATH_MAX); it is not synchronized"), std::string::npos)
        << describe(r);
    EXPECT_TRUE(fs::exists(f.s.local_dir("INBOX") / "cur")) << describe(r);
    EXPECT_TRUE(fs::exists(f.s.local_dir("Archive") / "cur")) << describe(r);
    EXPECT_EQ(f.s.local().size(), 2u) << describe(r);
}

TEST(ClearErrors, AFolderTheFilesystemRefusesIsSkippedAndTheOthersSync) {
    Fake f("ce-refused");
    f.fake.folders[f.s.folder("Blocked/Inner")].add("b1", "blocked");
    // A regular file where the folder's parent directory must go: the filesystem refuses the path.
    fs::create_directories(f.s.maildir() / f.s.prefix());
    std::ofstream(f.s.maildir() / f.s.prefix() / "Blocked") << "in the way";
    auto r = f.sync();
    expect_no_internal_error(r);
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    EXPECT_NE(r.output.find(f.s.folder("Blocked/Inner")), std::string::npos) << describe(r);
    EXPECT_TRUE(fs::exists(f.s.local_dir("INBOX") / "cur")) << describe(r);
    EXPECT_TRUE(fs::exists(f.s.local_dir("Archive") / "cur")) << describe(r);
}

TEST(ClearErrors, AReadableConfigHoldingAPasswordIsWarnedAbout) {
    Fake f("ce-readable");
    ::chmod(f.config.c_str(), 0644);
    auto r = run_mailtwin({"--config", f.config.string(), "check-config"});
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_NE(r.output.find("mailtwin: warning: " + f.config.string() +
                            " holds a password (account test) and is readable by every user (mode 0644): run chmod "
                            "600 " +
                            f.config.string() + ", or better, replace password with password_cmd"),
              std::string::npos)
        << describe(r);
    ::chmod(f.config.c_str(), 0600);
    r = run_mailtwin({"--config", f.config.string(), "check-config"});
    EXPECT_EQ(r.output.find("warning"), std::string::npos) << describe(r);
}

TEST(ClearErrors, APasswordCommandEchoingThePasswordOnStderrNeverShowsIt) {
    Fake f("ce-pwecho");
    Endpoint e = f.e;
    // Made at run time: the command line itself, which the message quotes, does not hold it.
    e.password_cmd = "p=$(printf 'hunter%d-%s' 2 topsecret); echo $p; echo $p >&2; exit 1";
    const auto config = f.s.write_config("pw.toml", e);
    auto r = f.s.sync({}, {}, config);
    EXPECT_EQ(r.exit_code, 3) << describe(r);
    EXPECT_EQ(r.output.find("hunter2-topsecret"), std::string::npos) << describe(r);
    EXPECT_NE(r.output.find("its error output repeats what it printed as the password, so it is not shown"),
              std::string::npos)
        << describe(r);
}

}  // namespace
}  // namespace mailtwin::test
