// What sync prints, word for word, from folder results made up here: the folder lines, the closing
// total (text and JSON), the dry run's plan objects, and the ASCII words for the arrows.
#include "mailtwin/report/report.hpp"

#include <gtest/gtest.h>

namespace mailtwin::engine {
namespace {

using util::Side;

FolderResult result(const std::string& folder, FolderOutcome outcome) {
    FolderResult r;
    r.folder = folder;
    r.outcome = outcome;
    return r;
}

// A synced folder that copied 3 messages down (1.5 MiB), 1 up (2 KiB), and changed flags both ways.
FolderResult busy_inbox() {
    auto r = result("INBOX", FolderOutcome::synced);
    r.plan.actions = {sync::Download{}};  // any change: changes_nothing() is false
    r.plan.counters.downloads = 3;
    r.plan.counters.uploads = 1;
    r.plan.counters.flag_changes[Side::local] = 2;
    r.plan.counters.flag_changes[Side::remote] = 1;
    r.stats.downloaded = 3;
    r.stats.bytes_downloaded = 3 * 512 * 1024;
    r.stats.uploaded = 1;
    r.stats.bytes_uploaded = 2048;
    return r;
}

TEST(Report, FolderLineArrowsOrWords) {
    const auto r = busy_inbox();
    EXPECT_EQ(folder_summary(r, k_unicode_arrows), "INBOX: +3 \u2193 1 \u2191 flags 2 \u2193 1 \u2191");
    EXPECT_EQ(folder_summary(r, k_ascii_arrows), "INBOX: +3 down 1 up flags 2 down 1 up");
    auto failed = result("Big", FolderOutcome::failed);
    failed.stats.uploaded = 2;
    EXPECT_EQ(folder_summary(failed, k_ascii_arrows), "Big: FAILED: unknown error [copied: +2 up]");
}

TEST(Report, TotalsLineSumsTheRunWithBytesAndTime) {
    RunTotals totals;
    totals.add(busy_inbox());
    auto trash = result("Trash", FolderOutcome::synced);
    trash.plan.actions = {sync::Expunge{}};
    trash.plan.counters.expunges[Side::remote] = 4;
    totals.add(trash);
    totals.add(result("Lists", FolderOutcome::unchanged));
    EXPECT_EQ(totals.folders, 3u);
    EXPECT_EQ(totals.folders_changed, 2u);
    EXPECT_EQ(totals_line(totals, false, 64.2, k_unicode_arrows),
              "total: 2 folders changed in 1:05: +3 \u2193 (1.5 MiB) 1 \u2191 (2.0 KiB) flags 2 \u2193 1 \u2191 "
              "expunged 4 \u2191");
    EXPECT_EQ(totals_line(totals, false, 64.2, k_ascii_arrows),
              "total: 2 folders changed in 1:05: +3 down (1.5 MiB) 1 up (2.0 KiB) flags 2 down 1 up expunged 4 up");
    auto failed = result("Big", FolderOutcome::failed);
    failed.stats.downloaded = 1;
    failed.stats.bytes_downloaded = 100;
    totals.add(failed);
    EXPECT_EQ(totals_line(totals, false, 3, k_ascii_arrows),
              "total: 2 folders changed in 0:03: +4 down (1.5 MiB) 1 up (2.0 KiB) flags 2 down 1 up expunged 4 up; "
              "1 folder failed");
}

TEST(Report, AFolderThatOnlyReceivedMovesIsAChangedFolder) {
    // The moves between folders run (or are planned) before the folders' own plans, which then hold
    // nothing for those messages.
    for (const auto outcome : {FolderOutcome::synced, FolderOutcome::planned}) {
        auto archive = result("Archive", outcome);
        archive.moved_in = 2;
        RunTotals totals;
        totals.add(archive);
        EXPECT_EQ(totals.folders_changed, 1u);
        const bool dry_run = outcome == FolderOutcome::planned;
        EXPECT_EQ(totals_line(totals, dry_run, 1, k_ascii_arrows),
                  dry_run ? "would change 1 folder: moved in 2" : "total: 1 folder changed in 0:01: moved in 2");
    }
}

TEST(Report, TotalsJsonHasEveryCountEachWay) {
    RunTotals totals;
    totals.add(busy_inbox());
    EXPECT_EQ(totals_json(totals, false, 1.5),
              R"({"event":"totals","dry_run":false,"folders_changed":1,"folders_failed":0,"downloads":3,)"
              R"("bytes_downloaded":1572864,"uploads":1,"bytes_uploaded":2048,"flag_changes_local":2,)"
              R"("flag_changes_remote":1,"expunged_local":0,"expunged_remote":0,"moved_in":0,"matched":0,)"
              R"("skipped":0,"seconds":1.500})");
}

TEST(Report, ADryRunCountsTheFoldersItWouldChangeAndThePlannedBytes) {
    auto planned = result("INBOX", FolderOutcome::planned);
    planned.plan.actions = {sync::Download{1, {}, {}, 0, 700, std::nullopt, false},
                            sync::Download{2, {}, {}, 0, 300, std::nullopt, false}};
    planned.plan.counters.downloads = 2;
    RunTotals totals;
    totals.add(result("Lists", FolderOutcome::unchanged));
    EXPECT_EQ(totals_line(totals, true, 9, k_unicode_arrows), "would change nothing");
    totals.add(planned);
    EXPECT_EQ(folder_summary(planned, k_unicode_arrows), "INBOX: +2 \u2193 (planned)");
    EXPECT_EQ(totals_line(totals, true, 9, k_unicode_arrows), "would change 1 folder: +2 \u2193 (1000 B)");
    EXPECT_EQ(totals_json(totals, true, 0.25),
              R"({"event":"totals","dry_run":true,"folders_changed":1,"folders_failed":0,"downloads":2,)"
              R"("bytes_downloaded":1000,"uploads":0,"bytes_uploaded":0,"flag_changes_local":0,)"
              R"("flag_changes_remote":0,"expunged_local":0,"expunged_remote":0,"moved_in":0,"matched":0,)"
              R"("skipped":0,"seconds":0.250})");
}

TEST(Report, ATotalFollowsFolderLinesNeverASilentRun) {
    RunTotals quiet;
    quiet.add(result("INBOX", FolderOutcome::unchanged));
    EXPECT_FALSE(quiet.worth_a_line(false, false));      // a run that changed nothing prints nothing
    EXPECT_TRUE(quiet.worth_a_line(false, true));        // -v: every folder, and the total
    EXPECT_TRUE(quiet.worth_a_line(true, false));        // a dry run always answers
    EXPECT_FALSE(RunTotals{}.worth_a_line(true, true));  // no folder reached (no connection): no total
    RunTotals busy;
    busy.add(busy_inbox());
    EXPECT_TRUE(busy.worth_a_line(false, false));
}

TEST(Report, PlanJsonIsAnEventLikeEveryOtherLine) {
    EXPECT_EQ(plan_json("work", "INBOX", R"({"action":"forget","uid":1})"),
              R"({"event":"plan","account":"work","folder":"INBOX","plan":{"action":"forget","uid":1}})");
}

}  // namespace
}  // namespace mailtwin::engine
