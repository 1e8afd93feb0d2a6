// Folders deleted on one side (issue 16, item 3): recreated from the other side by default, deleted
// on the other side too with folder_deletes = "propagate" when that copy has nothing unsynced, never
// a loss of the user's work, and the account's safety rail with --force. On Dovecot, Cyrus and the
// degraded Dovecot (where "nothing unsynced" needs a full listing of the folder).
#include <gtest/gtest.h>

#include "folder_checks.hpp"

namespace mailtwin::test {
namespace {

class FolderDeletes : public ::testing::TestWithParam<std::string> {
protected:
    const DovecotInfo& server() { return engine_server(GetParam()); }
};

// Three folders synced: Keep (2 messages) and the folder under test, A (10).
void two_folders(Scenario& s) {
    s.server_create("Keep");
    s.server_append_many("Keep", numbered_ids("k", 2));
    s.server_create("A");
    s.server_append_many("A", numbered_ids("a", 10));
    ASSERT_EQ(s.sync().exit_code, 0);
}

TEST_P(FolderDeletes, ByDefaultAFolderDeletedOnTheServerIsRecreatedWithEverything) {
    Scenario s("fdrecs", "max_delete_percent = 100", server());
    two_folders(s);
    s.server_delete("A");
    auto r = s.sync("-v");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("recreat"), std::string::npos) << r.output;
    EXPECT_EQ(s.server()["A"].size(), 10u);
    expect_same_once(s);
}

TEST_P(FolderDeletes, ByDefaultAFolderDeletedLocallyIsRecreatedWithEverything) {
    Scenario s("fdrecl", "max_delete_percent = 100", server());
    two_folders(s);
    s.local_delete_folder("A");
    auto r = s.sync("-v");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(s.local()["A"].size(), 10u) << r.output;
    EXPECT_EQ(s.server()["A"].size(), 10u);
    expect_same_once(s);
}

TEST_P(FolderDeletes, PropagatedAServerDeletionRemovesTheLocalFolder) {
    Scenario s("fdprops", "folder_deletes = \"propagate\"\nmax_delete_percent = 100", server());
    two_folders(s);
    s.server_delete("A");
    auto r = s.sync("-v");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("deleted"), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(s.local_dir("A"))) << r.output;
    EXPECT_FALSE(s.server_has("A"));
    expect_same_once(s);
    EXPECT_EQ(s.sync().exit_code, 0);
    EXPECT_FALSE(s.server_has("A")) << "not recreated by the next run";
}

TEST_P(FolderDeletes, PropagatedALocalDeletionRemovesTheServerFolder) {
    Scenario s("fdpropl", "folder_deletes = \"propagate\"\nmax_delete_percent = 100", server());
    two_folders(s);
    s.local_delete_folder("A");
    auto r = s.sync("-v");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_FALSE(s.server_has("A")) << r.output;
    EXPECT_FALSE(std::filesystem::exists(s.local_dir("A")));
    expect_same_once(s);
    EXPECT_EQ(s.sync().exit_code, 0);
    EXPECT_FALSE(std::filesystem::exists(s.local_dir("A"))) << "not recreated by the next run";
}

// The other side's copy changed since the last sync: the deletion would lose that work, so the
// folder is recreated with everything instead.
TEST_P(FolderDeletes, PropagateKeepsAFolderWhoseOtherCopyChangedSinceTheLastSync) {
    Scenario s("fdunsync", "folder_deletes = \"propagate\"\nmax_delete_percent = 100", server());
    two_folders(s);
    s.server_delete("A");
    s.local_deliver("A", "written-since");
    auto r = s.sync("-v");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(s.server()["A"].size(), 11u) << r.output;
    expect_same_once(s);

    s.local_delete_folder("A");
    s.server_flags("A", "a3", "\\Flagged", "");
    r = s.sync("-v");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    ASSERT_EQ(s.local()["A"].size(), 11u) << r.output;
    EXPECT_EQ(s.local()["A"].find("a3")->second, "\\Flagged");
    expect_same_once(s);
}

// Deleting folders that hold more than max_delete_percent of the account's messages is refused
// (exit 1, nothing deleted or recreated) until --force.
TEST_P(FolderDeletes, TheRailRefusesAMassFolderDeletionUntilForce) {
    Scenario s("fdrail", "folder_deletes = \"propagate\"", server());
    two_folders(s);
    s.server_create("B");
    s.server_append_many("B", numbered_ids("b", 10));
    ASSERT_EQ(s.sync().exit_code, 0);
    s.server_delete("A");
    s.server_delete("B");  // 20 of 22 messages
    auto r = s.sync();
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("--force"), std::string::npos) << r.output;
    EXPECT_EQ(s.local()["A"].size(), 10u) << "nothing deleted locally";
    EXPECT_EQ(s.local()["B"].size(), 10u);
    EXPECT_FALSE(s.server_has("A")) << "nor recreated on the server";
    r = s.sync("--force");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_FALSE(std::filesystem::exists(s.local_dir("A")));
    EXPECT_FALSE(std::filesystem::exists(s.local_dir("B")));
    expect_same_once(s);
}

TEST_P(FolderDeletes, ADryRunShowsFolderActionsAndDoesNone) {
    Scenario s("fddry", "folder_deletes = \"propagate\"\nmax_delete_percent = 100", server());
    two_folders(s);
    s.server_delete("A");
    auto r = s.sync("--dry-run");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("would be deleted"), std::string::npos) << r.output;
    EXPECT_TRUE(std::filesystem::exists(s.local_dir("A")));
    r = s.sync("--dry-run --log-format json");
    EXPECT_NE(r.output.find("\"folder_change\":\"deleted\""), std::string::npos) << r.output;
    // status names it too, with what the next sync will do.
    const auto status = run_command(std::string(MAILTWIN_BINARY) + " --config " + s.config().string() + " status 2>&1");
    EXPECT_NE(status.output.find("deleted on the server: the next sync deletes it on the Maildir"), std::string::npos)
        << status.output;
}

INSTANTIATE_TEST_SUITE_P(Servers, FolderDeletes, ::testing::Values("dovecot", "cyrus", "degraded"),
                         [](const auto& param_info) { return std::string(param_info.param); });

}  // namespace
}  // namespace mailtwin::test
