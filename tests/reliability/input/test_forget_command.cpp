// `mailtwin forget ACCOUNT [--folder NAME]`: it drops the state of one account (or folder) under the
// account lock, never touches mail, leaves other accounts alone, and the next sync converges without
// duplicates. The messages that used to suggest removing state.mdb (which holds every account) now
// name this command.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>

#include "mailtwin/state/account_lock.hpp"
#include "mailtwin/state/state_db.hpp"
#include "support/fake_account.hpp"

namespace mailtwin::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct Account : FakeAccountSetup {
    explicit Account(const std::string& name) : FakeAccountSetup(name) {
        fake.folders[s.folder("INBOX")].add("m1", "first", "\\Seen");
        fake.folders[s.folder("INBOX")].add("m2", "second");
        fake.folders[s.folder("Sent")].add("s1", "sent");
        // A second account in the same state file, which forget must not touch.
        std::ofstream(config, std::ios::app)
            << "[accounts.other]\nmaildir = \"" << (s.dir() / "OtherMail").string()
            << "\"\n[accounts.other.imap]\nhost = \"127.0.0.1\"\nport = " << fake.port()
            << "\ntls = \"none\"\nuser = \"u\"\npassword = \"p\"\n[accounts.other.sync]\nfolders = [\"" << s.prefix()
            << "/*\"]\n";
        ::chmod(config.c_str(), 0600);
    }
    ChildResult cli(const std::vector<std::string>& args) {
        std::vector<std::string> all{"--config", config.string()};
        all.insert(all.end(), args.begin(), args.end());
        ChildOptions o;
        o.timeout = 90s;
        return run_mailtwin(all, o);
    }
    std::vector<std::string> remembered(const std::string& account) {
        auto db = state::StateDb::open(s.state_dir() / "state.mdb");
        EXPECT_TRUE(db) << db.error().describe();
        if (!db) return {};
        auto folders = db->list_folders(account);
        return folders ? *folders : std::vector<std::string>{};
    }
};

TEST(ForgetCommand, ForgetsOneAccountTouchesNoMailAndTheNextSyncConverges) {
    Account a("forget-acct");
    auto first = a.cli({"sync"});
    ASSERT_EQ(first.exit_code, 0) << describe(first);
    ASSERT_EQ(a.remembered("test").size(), 2u);
    ASSERT_EQ(a.remembered("other").size(), 2u);
    const auto files = a.s.local_files();
    const int connections = a.fake.connections();

    auto r = a.cli({"forget", "test"});
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_EQ(r.output,
              "mailtwin: forgot the state of account test: 2 folders, 3 messages, 0 pending steps.\n"
              "No mail was touched. The next sync matches the Maildir and the server again without copying "
              "anything twice; messages deleted on one side since the last sync come back from the other.\n");
    EXPECT_TRUE(a.remembered("test").empty());
    EXPECT_EQ(a.remembered("other").size(), 2u) << "another account's state was touched";
    EXPECT_EQ(a.s.local_files(), files) << "forget touched mail";
    EXPECT_EQ(a.fake.connections(), connections) << "forget connected to the server";

    auto again = a.cli({"forget", "test"});
    EXPECT_EQ(again.exit_code, 0) << describe(again);
    EXPECT_NE(again.output.find("the state remembers nothing of account test"), std::string::npos) << describe(again);

    auto next = a.cli({"sync", "test"});
    EXPECT_EQ(next.exit_code, 0) << describe(next);
    EXPECT_EQ(a.s.local().size(), 3u) << "duplicates after forgetting\n" << describe(next);
    EXPECT_EQ(a.fake.folders[a.s.folder("INBOX")].messages.size(), 2u);
    EXPECT_EQ(a.remembered("test").size(), 2u);
}

TEST(ForgetCommand, ForgetsOneFolderAndNamesTheNearOnesForATypo) {
    Account a("forget-folder");
    ASSERT_EQ(a.cli({"sync", "test"}).exit_code, 0);
    auto typo = a.cli({"forget", "test", "--folder", a.s.folder("Snt")});
    EXPECT_EQ(typo.exit_code, 2) << describe(typo);
    EXPECT_NE(typo.output.find("--folder \"" + a.s.folder("Snt") +
                               "\" matches no folder of account test; did you "
                               "mean \"" +
                               a.s.folder("Sent") + "\"?"),
              std::string::npos)
        << describe(typo);
    EXPECT_EQ(a.remembered("test").size(), 2u) << "a refused forget changed the state";

    auto r = a.cli({"forget", "test", "--folder", a.s.folder("Sent")});
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_NE(r.output.find("mailtwin: forgot the state of 1 folder of account test: 1 folder, 1 message, 0 pending "
                            "steps.\n"),
              std::string::npos)
        << describe(r);
    EXPECT_EQ(a.remembered("test"), std::vector<std::string>{a.s.folder("INBOX")});
    auto next = a.cli({"sync", "test"});
    EXPECT_EQ(next.exit_code, 0) << describe(next);
    EXPECT_EQ(a.s.local().size(), 3u) << describe(next);
}

TEST(ForgetCommand, TakesTheAccountLock) {
    Account a("forget-lock");
    ASSERT_EQ(a.cli({"sync", "test"}).exit_code, 0);
    auto lock = state::AccountLock::acquire(a.s.state_dir(), "test");
    ASSERT_TRUE(lock) << lock.error().describe();
    auto r = a.cli({"forget", "test"});
    EXPECT_EQ(r.exit_code, 4) << describe(r);
    EXPECT_EQ(a.remembered("test").size(), 2u);
}

TEST(ForgetCommand, AnUnknownAccountIsAUsageError) {
    Account a("forget-unknown");
    ASSERT_EQ(a.cli({"sync", "test"}).exit_code, 0);
    auto r = a.cli({"forget", "tset"});
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_NE(r.output.find("no account 'tset' in " + a.config.string()), std::string::npos) << describe(r);
}

TEST(ForgetCommand, TheMissingMaildirMessageNamesIt) {
    Account a("forget-mounted");
    ASSERT_EQ(a.cli({"sync", "test"}).exit_code, 0);
    fs::remove_all(a.s.maildir());
    auto r = a.cli({"sync", "test"});
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    EXPECT_NE(r.output.find("is the disk mounted? Nothing was changed. If the Maildir is gone for good and you want to "
                            "download everything afresh, first run: mailtwin forget test"),
              std::string::npos)
        << describe(r);
    EXPECT_EQ(r.output.find("remove"), std::string::npos) << describe(r);
}

}  // namespace
}  // namespace mailtwin::test
