// Crash loops through the real executor and state DB: a sync stopped at any point and resumed by a
// fresh run ends where an uninterrupted sync ends: both sides hold the same messages, each once,
// with the same flags. Two ways to stop it:
//   - killed right after its N-th committed state transaction, for every N the run has;
//   - the N-th store operation fails (refused, done then failed, or written but never reported),
//     for every N the run has.
#include <gtest/gtest.h>

#include "store_sync.hpp"
#include "store_user.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>

namespace mailtwin::test {
namespace {

using util::Side;

// MAILTWIN_SEEDS=<n> runs n worlds instead of the CI default.
int world_count() {
    if (const char* env = std::getenv("MAILTWIN_SEEDS")) return std::max(1, std::atoi(env) / 30);
    return 20;
}

// Deletions may reach both sides and none is refused, so both sides must end equal.
sync::Policy crash_policy() {
    sync::Policy p;
    p.max_delete_percent = 100;
    return p;
}

SyncRunOptions one_record_per_commit() {
    SyncRunOptions options;
    options.bodies_per_commit = 1;
    return options;
}

// The world a case starts from: two synced rounds of users' changes, then the changes of a third,
// not synced yet. The same seed builds the same world.
void prepare(StoreSync& sync, std::uint64_t seed) {
    StoreUser user(seed);
    for (int round = 0; round < 3; ++round) {
        user.act(sync, true, round == 1);
        if (round < 2) {
            const auto ran = sync.run(crash_policy());
            ASSERT_FALSE(ran.error) << ran.error->message;
        }
    }
    // Something to do in the last run on both sides.
    sync.server.add(content_message(9000 + seed), model::FlagSet{});
    sync.maildir.add(content_message(9500 + seed), model::FlagSet(static_cast<std::uint8_t>(model::Flag::seen)));
}

struct EndState {
    std::multiset<std::pair<std::uint64_t, std::string>> remote;
    std::multiset<std::pair<std::uint64_t, std::string>> local;
};

EndState end_state(const StoreSync& sync) { return EndState{contents(sync.server), contents(sync.maildir)}; }

// What an uninterrupted sync of the world leaves: checked to be the same on both sides, each
// message once, and returned with the run's commit and operation counts.
struct Reference {
    EndState end;
    std::size_t commits = 0;
    std::size_t operations = 0;
};

Reference reference(std::uint64_t seed) {
    Reference out;
    StoreSync sync;
    prepare(sync, seed);
    const std::size_t before = sync.server.operations() + sync.maildir.operations();
    const auto ran = sync.run(crash_policy(), one_record_per_commit());
    EXPECT_FALSE(ran.error) << ran.error->message;
    out.end = end_state(sync);
    out.commits = ran.commits;
    out.operations = sync.server.operations() + sync.maildir.operations() - before;
    EXPECT_EQ(out.end.remote, out.end.local) << "seed " << seed;
    std::map<std::uint64_t, int> copies;
    for (const auto& [content, flags] : out.end.remote) ++copies[content];
    for (const auto& [content, n] : copies) EXPECT_EQ(n, 1) << "seed " << seed << " content " << content;
    return out;
}

// "seed 7, killed after commit 3": which case failed.
std::string case_name(std::uint64_t seed, const char* how, std::size_t n) {
    std::string out("seed ");
    out.append(std::to_string(seed)).append(", ").append(how).append(" ").append(std::to_string(n));
    return out;
}

// Resumes a stopped sync and checks it ends as the uninterrupted one did, with nothing left to do.
void resume_and_check(StoreSync& sync, const Reference& expected, const std::string& where) {
    sync.server.disarm();
    const auto resumed = sync.run(crash_policy());
    ASSERT_FALSE(resumed.error) << where << ": " << resumed.error->message;
    const EndState end = end_state(sync);
    EXPECT_EQ(end.remote, expected.end.remote) << where;
    EXPECT_EQ(end.local, expected.end.local) << where;
    const sync::Plan again = sync.plan(crash_policy());
    EXPECT_TRUE(again.changes_nothing()) << where << plan_text(again);
}

TEST(StoreSyncCrashes, KilledAfterAnyCommitAndResumedEndsAsAnUninterruptedSync) {
    for (int w = 0; w < world_count(); ++w) {
        const auto seed = static_cast<std::uint64_t>(w) + 100;
        const Reference expected = reference(seed);
        ASSERT_GT(expected.commits, 1u);
        for (std::size_t n = 1; n < expected.commits; ++n) {
            StoreSync sync;
            prepare(sync, seed);
            SyncRunOptions options = one_record_per_commit();
            options.kill_after_commit = n;
            const auto killed = sync.run(crash_policy(), options);
            const std::string where = case_name(seed, "killed after commit", n);
            ASSERT_TRUE(killed.killed) << where;
            resume_and_check(sync, expected, where);
            if (::testing::Test::HasFailure()) return;
        }
    }
}

TEST(StoreSyncCrashes, AFailedStoreOperationAndAResumedSyncEndAsAnUninterruptedSync) {
    static constexpr Fault k_faults[] = {Fault::refuse, Fault::done_then_fail, Fault::done_unreported};
    static constexpr const char* k_fault_names[] = {
        "operation refused:", "operation done then failed:", "operation done, never reported:"};
    for (int w = 0; w < world_count(); ++w) {
        const auto seed = static_cast<std::uint64_t>(w) + 300;
        const Reference expected = reference(seed);
        for (std::size_t f = 0; f < std::size(k_faults); ++f)
            for (std::size_t n = 1; n <= expected.operations; ++n) {
                StoreSync sync;
                prepare(sync, seed);
                sync.maildir.share_faults_with(sync.server);
                sync.server.fail_after(n, k_faults[f]);
                const auto failed = sync.run(crash_policy());
                const std::string where = case_name(seed, k_fault_names[f], n);
                EXPECT_EQ(sync.server.faults_fired(), 1u) << where;
                // Only a write may be done without a word (the writer never learns the copy's id).
                if (k_faults[f] != Fault::done_unreported) {
                    EXPECT_TRUE(failed.error) << where;
                }
                resume_and_check(sync, expected, where);
                if (::testing::Test::HasFailure()) return;
            }
    }
}

}  // namespace
}  // namespace mailtwin::test
