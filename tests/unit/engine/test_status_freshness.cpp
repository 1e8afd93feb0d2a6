// Issue 18 item 3 and item 10 (part): what keeps `status` fresh right after a sync, as pure pieces.
//   merge_run          the run record: unchanged folders refreshed, failures kept apart
//   only_own_changes   whether the server's changes since the checkpoint are all mailtwin's own
//   skipped_after_plan the max_size list carried from checkpoint to checkpoint
//   render_status_*    how failures and skipped messages read, word for word
#include <gtest/gtest.h>

#include "mailtwin/report/status_format.hpp"
#include "mailtwin/results/engine_error.hpp"
#include "mailtwin/run/own_changes.hpp"
#include "mailtwin/run/run_record.hpp"
#include "mailtwin/run/skipped.hpp"

namespace mailtwin::engine {
namespace {

FolderResult folder_result(const std::string& name, FolderOutcome outcome, const std::string& error = "") {
    FolderResult r;
    r.folder = name;
    r.outcome = outcome;
    if (!error.empty()) r.error = util::Error{EngineError::unexpected, error};
    return r;
}

TEST(RunRecord, AnUnchangedFolderIsRefreshedAndAFailedOneKeepsItsLastGoodSync) {
    state::AccountRuns before;
    before.last_run = 100;
    before.folders["A"] = state::FolderRun{100, 0, ""};
    before.folders["B"] = state::FolderRun{100, 0, ""};
    before.folders["C"] = state::FolderRun{50, 100, "UIDVALIDITY of C changed during the run; run again"};
    AccountResult run;
    run.folders = {folder_result("A", FolderOutcome::unchanged), folder_result("B", FolderOutcome::failed, "boom"),
                   folder_result("C", FolderOutcome::synced)};
    const auto after = merge_run(before, 200, run, {"A", "B", "C"});
    EXPECT_EQ(after.last_run, 200);
    EXPECT_EQ(after.last_run_error, "");
    EXPECT_EQ(after.folders.at("A"), (state::FolderRun{200, 0, ""}));
    EXPECT_EQ(after.folders.at("B").checked_ok, 100) << "a failure does not look freshly synced";
    EXPECT_EQ(after.folders.at("B").failed_at, 200);
    EXPECT_NE(after.folders.at("B").failure.find("boom"), std::string::npos) << after.folders.at("B").failure;
    EXPECT_EQ(after.folders.at("C"), (state::FolderRun{200, 0, ""})) << "a success clears the failure";
}

TEST(RunRecord, ARunOfOneFolderLeavesTheOthersAndForgottenFoldersGo) {
    state::AccountRuns before;
    before.folders["A"] = state::FolderRun{100, 0, ""};
    before.folders["B"] = state::FolderRun{100, 0, ""};
    before.folders["Renamed"] = state::FolderRun{100, 0, ""};
    AccountResult run;  // mailtwin sync --folder A
    run.folders = {folder_result("A", FolderOutcome::unchanged)};
    const auto after = merge_run(before, 200, run, {"A", "B"});
    EXPECT_EQ(after.folders.at("A").checked_ok, 200);
    EXPECT_EQ(after.folders.at("B").checked_ok, 100);
    EXPECT_FALSE(after.folders.contains("Renamed"));
}

TEST(RunRecord, ARefusedFolderIsAFailureThatSaysWhy) {
    AccountResult run;
    FolderResult refused = folder_result("A", FolderOutcome::synced);
    sync::Refuse refuse;
    refuse.gone = util::Side::local;
    refuse.count = 5;
    refuse.paired = 6;
    refuse.limit_percent = 50;
    refused.plan.actions.push_back(refuse);
    run.folders = {refused};
    run.fatal = std::nullopt;
    const auto after = merge_run(std::nullopt, 300, run, {"A"});
    EXPECT_EQ(after.folders.at("A").checked_ok, 0);
    EXPECT_EQ(after.folders.at("A").failed_at, 300);
    EXPECT_EQ(after.folders.at("A").failure,
              "REFUSED 5 of 6 deletions seen in the Maildir (83 %, over max_delete_percent = 50): the server keeps "
              "them; run with --force to carry them out");
}

TEST(RunRecord, ARunThatStoppedBeforeItsFoldersSaysWhyAndRefreshesNothing) {
    state::AccountRuns before;
    before.folders["A"] = state::FolderRun{100, 0, ""};
    AccountResult run;
    run.fatal = util::Error{EngineError::unexpected, "connection refused"};
    const auto after = merge_run(before, 200, run, {"A"});
    EXPECT_EQ(after.last_run, 200);
    EXPECT_NE(after.last_run_error.find("connection refused"), std::string::npos);
    EXPECT_EQ(after.folders.at("A").checked_ok, 100);
}

// ---- only_own_changes ----

model::FlagSet seen() {
    model::FlagSet f;
    f.set(model::Flag::seen);
    return f;
}

struct OwnCase {
    ServerCounters checkpoint{7, 10, 100, 9};
    net::FolderWrites writes{};
    FolderAfterWrites after{};
    std::map<model::Uid, model::FlagSet> rows{};
    [[nodiscard]] bool own() const {
        return only_own_changes(checkpoint, writes, after, [this](model::Uid uid) -> std::optional<model::FlagSet> {
            auto it = rows.find(uid);
            return it == rows.end() ? std::nullopt : std::optional<model::FlagSet>(it->second);
        });
    }
};

TEST(OwnChanges, AnUploadAndAStoreOfOursAreExplained) {
    OwnCase c;
    c.writes = {1, 0, false};                                 // one upload
    c.after.counters = {7, 11, 103, 10};                      // one more message, one more UID, modseq moved
    c.after.changed = {{10, seen(), 101}, {3, seen(), 103}};  // the upload and a STORE on UID 3
    c.rows = {{10, seen()}, {3, seen()}};
    EXPECT_TRUE(c.own());
}

TEST(OwnChanges, AnotherClientsChangeDuringTheRunIsNeverExplained) {
    OwnCase flag_change;  // another client flagged UID 4, which this run did not touch
    flag_change.after.counters = {7, 10, 101, 9};
    flag_change.after.changed = {{4, seen(), 101}};
    flag_change.rows = {{4, model::FlagSet{}}};
    EXPECT_FALSE(flag_change.own());

    OwnCase same_message = flag_change;  // ... or one this run stored, to other flags than ours
    same_message.writes = {0, 0, false};
    same_message.rows = {{4, model::FlagSet{}}};
    EXPECT_FALSE(same_message.own());

    OwnCase new_mail;  // another client's APPEND besides ours
    new_mail.writes = {1, 0, false};
    new_mail.after.counters = {7, 12, 102, 11};
    new_mail.after.changed = {{10, seen(), 101}, {11, seen(), 102}};
    new_mail.rows = {{10, seen()}};
    EXPECT_FALSE(new_mail.own());

    OwnCase expunge;  // another client's expunge besides ours
    expunge.writes = {0, 1, false};
    expunge.after.counters = {7, 10, 102, 7};
    EXPECT_FALSE(expunge.own());

    OwnCase uncertain;  // a write of ours whose outcome is unknown
    uncertain.writes = {1, 0, true};
    uncertain.after.counters = {7, 11, 101, 10};
    uncertain.after.changed = {{10, seen(), 101}};
    uncertain.rows = {{10, seen()}};
    EXPECT_FALSE(uncertain.own());

    OwnCase reset;  // a new UIDVALIDITY
    reset.after.counters = {8, 10, 100, 9};
    EXPECT_FALSE(reset.own());
}

TEST(OwnChanges, ExpungesAndMovesCountAndNoModSeqServersCompareCountsOnly) {
    OwnCase moved;  // two expunged, one moved out, one moved in (its row recorded with the server's flags)
    moved.writes = {1, 3, false};
    moved.after.counters = {7, 11, 110, 7};
    moved.after.changed = {{10, seen(), 110}};
    moved.rows = {{10, seen()}};
    EXPECT_TRUE(moved.own());

    OwnCase plain;  // a server without mod-sequences: UIDNEXT and the count
    plain.checkpoint = {7, 10, 0, 9};
    plain.writes = {2, 1, false};
    plain.after.counters = {7, 12, 0, 10};
    EXPECT_TRUE(plain.own());
    plain.after.counters.uidnext = 13;  // a third new UID: someone else's message
    EXPECT_FALSE(plain.own());
}

// ---- skipped_after_plan ----

sync::Plan plan_skipping(std::vector<sync::Skip> skips) {
    sync::Plan plan;
    for (auto& s : skips) plan.actions.push_back(std::move(s));
    return plan;
}

TEST(Skipped, AFullViewTakesThePlanAndAnIncrementalOneCarriesTheRest) {
    state::FolderState last;
    last.uidvalidity = 7;
    last.skipped_remote = {3, 5, 8};
    last.skipped_local = {"big-1"};
    model::RemoteView full;
    full.uidvalidity = 7;
    model::LocalView listed;
    const auto plan = plan_skipping({{util::Side::remote, 5, "", sync::k_skip_larger_than_max_size},
                                     {util::Side::remote, 6, "", "older than max_age_days"},
                                     {util::Side::local, 0, "big-2", sync::k_skip_larger_than_max_size}});
    EXPECT_EQ(skipped_after_plan(&last, full, listed, plan), (SkippedMessages{{5}, {"big-2"}}));

    model::RemoteView incremental = full;
    incremental.kind = model::RemoteViewKind::changes_since;
    incremental.vanished = {3};                                                // gone from the server
    incremental.messages = {model::RemoteMessage{8, {}, 0, 0, std::nullopt}};  // shown again: planned afresh
    model::LocalView unchanged;
    unchanged.kind = model::LocalViewKind::unchanged;
    EXPECT_EQ(skipped_after_plan(&last, incremental, unchanged, plan), (SkippedMessages{{5}, {"big-1", "big-2"}}));
    EXPECT_EQ(skipped_after_plan(nullptr, incremental, unchanged, sync::Plan{}), SkippedMessages{});
}

// ---- how it reads ----

AccountStatus account_with(FolderStatus f) {
    AccountStatus a;
    a.account = "test";
    a.host = "127.0.0.1";
    a.maildir = "/m";
    a.state_found = true;
    a.remote_checked = true;
    a.max_size = 1024;
    a.folders = {std::move(f)};
    return a;
}

FolderStatus synced_folder(const std::string& name) {
    FolderStatus f;
    f.name = name;
    f.record = state::FolderState{};
    f.record->uidvalidity = 7;
    f.record->highestmodseq = 4;
    f.record->after_run_highestmodseq = 6;
    f.record->after_run_messages = 3;
    f.record->last_sync = 1714557600 - 7200;
    f.state_pairs = 2;
    f.remote = imap::StatusData{};
    f.remote->uidvalidity = 7;
    f.remote->highestmodseq = 6;
    f.remote->messages = 3;
    f.remote_listed = true;
    f.local_count = 2;
    f.pending = PendingChanges{};
    return f;
}

TEST(StatusFreshness, SkippedMessagesAreCountedAndExplained) {
    FolderStatus f = synced_folder("A");
    f.record->skipped_remote = {3};
    f.run = state::FolderRun{1714557600, 0, ""};
    EXPECT_EQ(render_status_table({account_with(f)}, 1714557600 + 5),
              "test  127.0.0.1 -> /m\n"
              "  FOLDER  UIDVALIDITY  MODSEQ  SERVER  SYNCED  LOCAL  PENDING  LAST SYNC\n"
              "  A       7            6       3       2       2      none     just now (2024-05-01T10:00:00Z)\n"
              "  A: 1 message over max_size = 1K was not copied (1 on the server)\n"
              "  to copy it, raise max_size in [accounts.test.sync] and run: mailtwin sync --full test\n"
              "  1 folder: 3 on the server, 2 synced, 2 local; no local changes pending; last sync just now\n");
    const std::string json = render_status_json({account_with(f)}, 1714557600 + 5);
    EXPECT_NE(json.find("\"skipped_over_max_size\":{\"server\":1,\"local\":0}"), std::string::npos) << json;
    EXPECT_NE(json.find("\"max_size\":1024}"), std::string::npos) << json;
    EXPECT_NE(json.find("\"skipped_over_max_size\":1,"), std::string::npos) << json;
}

TEST(StatusFreshness, AFailedFolderShowsItsLastGoodSyncMarked) {
    FolderStatus f = synced_folder("A");
    f.run = state::FolderRun{1714557600 - 3600, 1714557600, "UIDVALIDITY of A changed during the run; run again"};
    EXPECT_EQ(render_status_table({account_with(f)}, 1714557600 + 60),
              "test  127.0.0.1 -> /m\n"
              "  FOLDER  UIDVALIDITY  MODSEQ  SERVER  SYNCED  LOCAL  PENDING  LAST SYNC\n"
              "  A       7            6       3       2       2      none     1 h ago (2024-05-01T09:00:00Z) !\n"
              "  A: the run 1 min ago failed: UIDVALIDITY of A changed during the run; run again\n"
              "  1 folder: 3 on the server, 2 synced, 2 local; no local changes pending; last sync 1 h ago\n"
              "  ! failed in the last run that visited it; LAST SYNC is its last good sync\n");
    const std::string json = render_status_json({account_with(f)}, 1714557600 + 60);
    EXPECT_NE(json.find("\"last_sync\":1714554000,"), std::string::npos) << json;
    EXPECT_NE(json.find("\"last_failure\":{\"at\":1714557600,\"at_iso\":\"2024-05-01T10:00:00Z\",\"error\":"
                        "\"UIDVALIDITY of A changed during the run; run again\"}"),
              std::string::npos)
        << json;
    EXPECT_NE(json.find("\"failed_last_run\":1,"), std::string::npos) << json;
}

TEST(StatusFreshness, SizesReadAsMaxSizeIsWritten) {
    EXPECT_EQ(format_config_size(25 * 1024 * 1024), "25M");
    EXPECT_EQ(format_config_size(1024), "1K");
    EXPECT_EQ(format_config_size(3ULL << 30), "3G");
    EXPECT_EQ(format_config_size(1500), "1500");
    EXPECT_EQ(format_config_size(0), "0");
}

}  // namespace
}  // namespace mailtwin::engine
