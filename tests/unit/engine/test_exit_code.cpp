#include "mailtwin/results/exit_code.hpp"

#include <gtest/gtest.h>

#include "mailtwin/run/folder_sync.hpp"

namespace mailtwin::engine {
namespace {

FolderResult result(FolderOutcome outcome) {
    FolderResult r;
    r.folder = "INBOX";
    r.outcome = outcome;
    return r;
}

TEST(ExitBits, NothingChangedAddsNothing) {
    EXPECT_EQ(change_bits(result(FolderOutcome::synced)), 0);
    EXPECT_EQ(change_bits(result(FolderOutcome::unchanged)), 0);
    EXPECT_EQ(change_bits(std::vector<FolderResult>{}), 0);
}

TEST(ExitBits, EachKindOfChangeHasItsBit) {
    auto copied = result(FolderOutcome::synced);
    copied.plan.counters.downloads = 2;
    EXPECT_EQ(change_bits(copied), k_exit_bit_messages);
    auto uploaded = result(FolderOutcome::synced);
    uploaded.plan.counters.uploads = 1;
    EXPECT_EQ(change_bits(uploaded), k_exit_bit_messages);
    auto flagged = result(FolderOutcome::synced);
    flagged.plan.counters.flag_changes[util::Side::local] = 1;
    EXPECT_EQ(change_bits(flagged), k_exit_bit_flags);
    auto expunged = result(FolderOutcome::synced);
    expunged.plan.counters.expunges[util::Side::remote] = 3;
    EXPECT_EQ(change_bits(expunged), k_exit_bit_expunged);
    EXPECT_EQ(change_bits(std::vector<FolderResult>{copied, flagged, expunged}), 32 + 64 + 128);
}

TEST(ExitBits, ADryRunReportsWhatItWouldDoAFailedFolderNothing) {
    auto planned = result(FolderOutcome::planned);
    planned.plan.counters.downloads = 1;
    EXPECT_EQ(change_bits(planned), k_exit_bit_messages);
    auto failed = result(FolderOutcome::failed);
    failed.plan.counters.downloads = 1;
    EXPECT_EQ(change_bits(failed), 0);
}

TEST(ExitBits, TheBitsLeaveTheContractCodesReadable) {
    // code & 31 is the plain exit code for every combination.
    for (int base = 0; base <= 4; ++base)
        EXPECT_EQ((base | k_exit_bit_messages | k_exit_bit_flags | k_exit_bit_expunged) & 31, base);
    EXPECT_LE(4 | k_exit_bit_messages | k_exit_bit_flags | k_exit_bit_expunged, 255);
}

TEST(ExitCode, EachFailureHasTheContractCode) {
    EXPECT_EQ(exit_code_for(AccountFailure::none), 0);
    EXPECT_EQ(exit_code_for(AccountFailure::other), 1);
    EXPECT_EQ(exit_code_for(AccountFailure::config), 2);
    EXPECT_EQ(exit_code_for(AccountFailure::connection), 3);
    EXPECT_EQ(exit_code_for(AccountFailure::locked), 4);
}

TEST(ExitCode, ARunExitsWithItsHighestCode) {
    ExitStatus status;
    EXPECT_EQ(status.code(false), k_exit_ok);
    status.note(AccountFailure::none);
    EXPECT_EQ(status.code(false), k_exit_ok);
    status.note(AccountFailure::connection);
    status.note(AccountFailure::other);  // after a higher one: does not lower it
    EXPECT_EQ(status.code(false), k_exit_connection);
    status.note(AccountFailure::locked);
    EXPECT_EQ(status.base(), k_exit_locked);
}

TEST(ExitCode, AStoppedRunWithoutAClassStillFails) {
    ExitStatus status;
    status.note_stopped(AccountFailure::none);
    EXPECT_EQ(status.code(false), k_exit_some_folders_failed);
    status.note_stopped(AccountFailure::config);
    EXPECT_EQ(status.code(false), k_exit_usage);
}

TEST(ExitCode, ChangeBitsOnlyUnderExtExit) {
    auto copied = result(FolderOutcome::synced);
    copied.plan.counters.downloads = 1;
    ExitStatus status;
    status.note_changes({copied});
    status.note(AccountFailure::other);
    EXPECT_EQ(status.code(false), k_exit_some_folders_failed);
    EXPECT_EQ(status.code(true), k_exit_some_folders_failed | k_exit_bit_messages);
    EXPECT_EQ(status.code(true) & 31, k_exit_some_folders_failed);
}

}  // namespace
}  // namespace mailtwin::engine
