#include "mailtwin/engine/exit_bits.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace mailtwin::engine
