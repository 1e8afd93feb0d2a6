// Folders renamed on either side (issue 16, item 2): the other side follows by a rename, the state
// is re-keyed, and no message is copied; a parent's rename carries its children; changes made in
// the same interval all end in the renamed folder. On Dovecot (no OBJECTID: UIDVALIDITY and sampled
// identities), Cyrus (MAILBOXID) and the degraded Dovecot (no CONDSTORE, QRESYNC, LIST-STATUS).
#include <gtest/gtest.h>

#include "folder_checks.hpp"

namespace mailtwin::test {
namespace {

class FolderRenames : public ::testing::TestWithParam<std::string> {
protected:
    const DovecotInfo& server() { return engine_server(GetParam()); }
};

void expect_no_copies(const RunResult& r) {
    for (const char* word : {"download", "upload", "\u2193", "\u2191"})
        EXPECT_EQ(r.output.find(word), std::string::npos) << word << " in: " << r.output;
}

void expect_quiet_next_run(Scenario& s) {
    auto again = s.sync("--dry-run -v");
    EXPECT_EQ(again.exit_code, 0) << again.output;
    for (const char* word : {"upload", "download", "expunge", "set-flags", "rename", "creat", "delet"})
        EXPECT_EQ(again.output.find(word), std::string::npos) << word << " in the run after: " << again.output;
}

TEST_P(FolderRenames, AServerRenameIsFollowedLocallyWithoutCopyingAMessage) {
    Scenario s("frsrv", "", server());
    s.server_create("Projects");
    s.server_append_many("Projects", numbered_ids("p", 30));
    ASSERT_EQ(s.sync().exit_code, 0);
    const auto inodes = s.local_inodes("Projects");
    s.server_rename("Projects", "Archive/Projects-2024");
    auto r = s.sync("-v");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("renamed from"), std::string::npos) << r.output;
    expect_no_copies(r);
    EXPECT_FALSE(std::filesystem::exists(s.local_dir("Projects"))) << r.output;
    EXPECT_EQ(s.local_inodes("Archive/Projects-2024"), inodes) << "the files were renamed, not copied";
    EXPECT_FALSE(s.server_has("Projects"));
    EXPECT_EQ(s.server()["Archive/Projects-2024"].size(), 30u);
    expect_same_once(s);
    expect_quiet_next_run(s);
}

TEST_P(FolderRenames, ALocalRenameBecomesAServerRename) {
    Scenario s("frloc", "", server());
    s.server_create("Projects");
    s.server_append_many("Projects", numbered_ids("q", 30));
    ASSERT_EQ(s.sync().exit_code, 0);
    s.local_rename_folder("Projects", "Work/Projects");
    auto r = s.sync("-v");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("renamed from"), std::string::npos) << r.output;
    expect_no_copies(r);
    EXPECT_FALSE(s.server_has("Projects"));
    EXPECT_TRUE(s.server_has("Work/Projects"));
    EXPECT_FALSE(std::filesystem::exists(s.local_dir("Projects")));
    EXPECT_EQ(s.server()["Work/Projects"].size(), 30u);
    expect_same_once(s);
    expect_quiet_next_run(s);
}

TEST_P(FolderRenames, AParentRenameCarriesItsChildrenOnBothSides) {
    Scenario s("frparent", "", server());
    s.server_create("P");
    s.server_create("P/Sub");
    s.server_append_many("P", numbered_ids("a", 4));
    s.server_append_many("P/Sub", numbered_ids("b", 4));
    ASSERT_EQ(s.sync().exit_code, 0);
    s.server_rename("P", "Q");
    auto r = s.sync("-v");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_no_copies(r);
    EXPECT_EQ(s.local()["Q/Sub"].size(), 4u) << r.output;
    EXPECT_FALSE(std::filesystem::exists(s.local_dir("P")));
    expect_same_once(s);
    // And back, by the user in the Maildir.
    s.local_rename_folder("Q", "R");
    r = s.sync("-v");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_no_copies(r);
    EXPECT_TRUE(s.server_has("R/Sub")) << r.output;
    EXPECT_FALSE(s.server_has("Q"));
    EXPECT_FALSE(s.server_has("Q/Sub"));
    expect_same_once(s);
    expect_quiet_next_run(s);
}

TEST_P(FolderRenames, ChangesMadeWhileTheFolderWasRenamedEndInTheRenamedFolder) {
    Scenario s("frchg", "", server());
    s.server_create("A");
    s.server_append_many("A", numbered_ids("c", 10));
    ASSERT_EQ(s.sync().exit_code, 0);
    s.server_rename("A", "B");
    s.server_append("B", "new-on-server");
    s.server_flags("B", "c1", "\\Flagged", "");
    s.local_deliver("A", "new-in-maildir");
    s.local_rename_flags("A", "c2", "S");
    auto r = s.sync("-v");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    auto server = s.server();
    EXPECT_EQ(server.count("A"), 0u);
    ASSERT_EQ(server["B"].size(), 12u) << r.output;
    EXPECT_EQ(server["B"].find("c1")->second, "\\Flagged");
    EXPECT_EQ(server["B"].find("c2")->second, "\\Seen");
    EXPECT_EQ(server["B"].count("new-in-maildir"), 1u);
    EXPECT_EQ(s.local()["B"].count("new-on-server"), 1u);
    expect_same_once(s);
    expect_quiet_next_run(s);
}

// Renamed on both sides to different names: the server's name wins, nothing is copied.
TEST_P(FolderRenames, DifferentRenamesOnBothSidesEndAtTheServersName) {
    Scenario s("frboth", "", server());
    s.server_create("A");
    s.server_append_many("A", numbered_ids("d", 6));
    ASSERT_EQ(s.sync().exit_code, 0);
    s.server_rename("A", "ServerName");
    s.local_rename_folder("A", "LocalName");
    auto r = s.sync("-v");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_no_copies(r);
    EXPECT_FALSE(std::filesystem::exists(s.local_dir("LocalName")));
    EXPECT_EQ(s.local()["ServerName"].size(), 6u);
    expect_same_once(s);
    expect_quiet_next_run(s);
}

// Renamed onto a name the other side has: neither is touched, the run says so (exit 1), and
// nothing is lost or duplicated; once the user renames one, the next run syncs both.
TEST_P(FolderRenames, ARenameOntoAnExistingFolderIsRefusedUntilTheUserResolvesIt) {
    Scenario s("frclash", "", server());
    s.server_create("A");
    s.server_append_many("A", numbered_ids("e", 5));
    ASSERT_EQ(s.sync().exit_code, 0);
    s.server_rename("A", "B");
    std::filesystem::create_directories(s.local_dir("B"));
    for (const char* sub : {"cur", "new", "tmp"}) std::filesystem::create_directories(s.local_dir("B") / sub);
    s.local_deliver("B", "local-only");
    auto r = s.sync();
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("B"), std::string::npos) << r.output;
    EXPECT_EQ(s.local()["A"].size(), 5u) << "the old folder is kept";
    EXPECT_EQ(s.server()["B"].size(), 5u);
    // The user moves the clashing folder away: everything syncs, each message once.
    s.local_rename_folder("B", "C");
    r = s.sync();
    EXPECT_EQ(r.exit_code, 0) << r.output;
    expect_same_once(s);
    EXPECT_EQ(s.server()["C"].count("local-only"), 1u);
}

// Killed after each state commit of a run that renames folders both ways, deletes one and
// recreates another, the next run converges: every message once on each side, in the folder it
// belongs to, and no old folder left.
TEST_P(FolderRenames, KilledAfterEveryStepOfTheFolderActionsConverges) {
    for_each_kill_point(
        [&](int step) {
            auto s = std::make_unique<Scenario>("frkill" + std::to_string(step),
                                                "folder_deletes = \"propagate\"\nmax_delete_percent = 100", server());
            for (const char* f : {"A", "B", "C", "D"}) {
                s->server_create(f);
                s->server_append_many(f, numbered_ids(std::string(f) + "m", 3));
            }
            EXPECT_EQ(s->sync().exit_code, 0);
            s->server_rename("A", "A2");
            s->local_rename_folder("B", "B2");
            s->server_delete("C");
            s->local_delete_folder("D");
            s->server_flags("D", "Dm1", "\\Flagged", "");  // changed: D is recreated, not deleted
            return s;
        },
        [&](Scenario& s, int step, const RunResult& killed, const RunResult& clean) {
            EXPECT_EQ(clean.exit_code, 0) << "step " << step << ": " << killed.output << clean.output;
            expect_same_once(s);
            auto server = s.server();
            EXPECT_EQ(server["A2"].size(), 3u) << "step " << step;
            EXPECT_EQ(server["B2"].size(), 3u) << "step " << step;
            EXPECT_EQ(server["D"].size(), 3u) << "step " << step;
            for (const char* gone : {"A", "B", "C"}) {
                EXPECT_EQ(server.count(gone), 0u) << gone << " at step " << step;
                EXPECT_FALSE(std::filesystem::exists(s.local_dir(gone))) << gone << " at step " << step;
            }
        });
}

INSTANTIATE_TEST_SUITE_P(Servers, FolderRenames, ::testing::Values("dovecot", "cyrus", "degraded"),
                         [](const auto& param_info) { return std::string(param_info.param); });

}  // namespace
}  // namespace mailtwin::test
