// The move finder (sync/moves.hpp) on simulated folders of one account: each case as a user would
// make it, then one sync, then the end state on both sides; and the property test with moves,
// flag changes and deletions interleaved at random on both sides.
#include "mailtwin/sync/moves.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "account_sim.hpp"
#include "scenario.hpp"

namespace mailtwin::sync {
namespace {

using sim::Account;
using sim::SimMessage;
using util::Side;

constexpr std::uint8_t k_seen = 0x10;
constexpr std::uint8_t k_flagged = 0x02;

// An account of `folders` folders, the first holding `n` messages on the server, synced once.
Account synced_account(std::size_t folders, int n, const Policy& policy = {}) {
    Account a(folders);
    for (int i = 1; i <= n; ++i) a.folders[0].server.append(SimMessage{static_cast<std::uint64_t>(i), {}, 0, 500, 0});
    sim::sync_account(a, policy, {});
    return a;
}

std::string key_of(const sim::World& w, std::uint64_t content) {
    for (const auto& [key, m] : w.maildir.messages)
        if (m.content == content) return key;
    return {};
}

model::Uid uid_of(const sim::World& w, std::uint64_t content) {
    for (const auto& [uid, m] : w.server.messages)
        if (m.content == content) return uid;
    return 0;
}

// A reader's move: the file into the other folder, same key, with new flags.
void local_move(Account& a, std::size_t from, std::size_t to, std::uint64_t content, std::uint8_t flags) {
    const std::string key = key_of(a.folders[from], content);
    SimMessage m = a.folders[from].maildir.messages.at(key);
    a.folders[from].maildir.messages.erase(key);
    m.flags = model::FlagSet(flags);
    a.folders[to].maildir.messages[key] = m;
}

// A reader's save into another folder (neomutt `s`, mu4e with new names): a new file, the old removed.
void local_rewrite(Account& a, std::size_t from, std::size_t to, std::uint64_t content) {
    const std::string key = key_of(a.folders[from], content);
    SimMessage m = a.folders[from].maildir.messages.at(key);
    a.folders[from].maildir.messages.erase(key);
    a.folders[to].maildir.deliver(m);
}

void server_move(Account& a, std::size_t from, std::size_t to, std::uint64_t content) {
    const model::Uid uid = uid_of(a.folders[from], content);
    SimMessage m = a.folders[from].server.messages.at(uid);
    a.folders[from].server.expunge(uid);
    m.modseq = 0;
    a.folders[to].server.append(m);
}

void expect_once_everywhere(const Account& a, std::size_t messages) {
    for (Side s : util::k_both_sides) {
        const auto all = sim::all_contents(a, s);
        EXPECT_EQ(all.size(), messages) << util::side_name(s);
        for (auto c : all) EXPECT_EQ(all.count(c), 1u) << "content " << c << " twice on " << util::side_name(s);
    }
}

TEST(Moves, LocalMoveWhileTheServerChangedFlagsIsOneMoveWithBothChanges) {
    Account a = synced_account(2, 3);
    a.folders[0].server.set_flags(uid_of(a.folders[0], 2), model::FlagSet(k_flagged));  // another client
    local_move(a, 0, 1, 2, k_seen);                                                     // the reader
    const auto s = sim::sync_account(a, {}, {});
    ASSERT_EQ(s.moves.local.size(), 1u);
    EXPECT_EQ(s.moves.local[0].target[Side::remote], model::FlagSet(k_seen | k_flagged));
    expect_once_everywhere(a, 3);
    EXPECT_EQ(a.folders[1].server.messages.begin()->second.flags, model::FlagSet(k_seen | k_flagged));
    EXPECT_EQ(a.folders[1].maildir.messages.begin()->second.flags, model::FlagSet(k_seen | k_flagged));
    EXPECT_TRUE(sim::plan_account(a, {}, {}).changes_nothing());
}

TEST(Moves, ServerMoveWhileTheReaderChangedFlagsIsOneRenameWithBothChanges) {
    Account a = synced_account(2, 3);
    server_move(a, 0, 1, 2);
    a.folders[0].maildir.messages.at(key_of(a.folders[0], 2)).flags = model::FlagSet(k_seen);
    const auto s = sim::sync_account(a, {}, {});
    ASSERT_EQ(s.moves.remote.size(), 1u);
    expect_once_everywhere(a, 3);
    EXPECT_EQ(a.folders[1].server.messages.begin()->second.flags, model::FlagSet(k_seen));
    EXPECT_EQ(a.folders[1].maildir.messages.begin()->second.flags, model::FlagSet(k_seen));
    EXPECT_TRUE(sim::plan_account(a, {}, {}).changes_nothing());
}

TEST(Moves, ArchivingMostOfAFolderIsNotRefusedAsDeletions) {
    Account a = synced_account(2, 10);
    for (std::uint64_t c = 1; c <= 8; ++c) local_move(a, 0, 1, c, k_seen);
    const auto s = sim::sync_account(a, {}, {});  // max_delete_percent = 50
    EXPECT_FALSE(s.refused());
    EXPECT_EQ(s.moves.local.size(), 8u);
    EXPECT_EQ(a.folders[0].server.messages.size(), 2u);
    EXPECT_EQ(a.folders[1].server.messages.size(), 8u);
    expect_once_everywhere(a, 10);
}

TEST(Moves, ArchivingAWholeFolderIsNotRefusedAsAnEmptyFolder) {
    Account a = synced_account(2, 6);
    for (std::uint64_t c = 1; c <= 6; ++c) local_rewrite(a, 0, 1, c);
    const auto s = sim::sync_account(a, {}, {});
    EXPECT_FALSE(s.refused());
    EXPECT_EQ(a.folders[0].server.messages.size(), 0u);
    expect_once_everywhere(a, 6);
}

TEST(Moves, DeletionsLeftAfterTheMovesMeetTheRailAgain) {
    // 10 pairs: 3 moved and 4 deleted locally -> 4 deletions, not over 50 %: all applied.
    Account a = synced_account(2, 10);
    for (std::uint64_t c = 1; c <= 3; ++c) local_move(a, 0, 1, c, 0);
    for (std::uint64_t c = 4; c <= 7; ++c) a.folders[0].maildir.messages.erase(key_of(a.folders[0], c));
    auto s = sim::sync_account(a, {}, {});
    EXPECT_FALSE(s.refused());
    EXPECT_EQ(a.folders[0].server.messages.size(), 3u);
    EXPECT_EQ(a.folders[1].server.messages.size(), 3u);

    // 10 pairs: 2 moved and 7 deleted -> 7 deletions, over 50 %: refused, the moves still whole.
    Account b = synced_account(2, 10);
    for (std::uint64_t c = 1; c <= 2; ++c) local_move(b, 0, 1, c, 0);
    for (std::uint64_t c = 3; c <= 9; ++c) b.folders[0].maildir.messages.erase(key_of(b.folders[0], c));
    s = sim::sync_account(b, {}, {});
    EXPECT_TRUE(s.refused());
    EXPECT_EQ(s.moves.local.size(), 2u);
    EXPECT_EQ(b.folders[0].server.messages.size(), 8u);  // the 7 refused deletions and one untouched
    EXPECT_EQ(b.folders[1].server.messages.size(), 2u);
    EXPECT_EQ(sim::all_contents(b, Side::remote).size(), 10u);  // nothing twice on the server
}

TEST(Moves, SavedAsANewFileInAnotherFolderIsAServerMove) {
    Account a = synced_account(2, 2);
    const model::Uid before = uid_of(a.folders[0], 1);
    local_rewrite(a, 0, 1, 1);
    const auto s = sim::sync_account(a, {}, {});
    ASSERT_EQ(s.moves.local.size(), 1u);
    EXPECT_EQ(s.moves.local[0].uid, before);
    EXPECT_NE(s.moves.local[0].key, s.moves.local[0].old_key);
    for (const auto& p : s.plans) EXPECT_EQ(p.counters.uploads, 0u);
    expect_once_everywhere(a, 2);
    EXPECT_TRUE(sim::plan_account(a, {}, {}).changes_nothing());
}

TEST(Moves, RewrittenInPlaceKeepsTheServerCopy) {
    Account a = synced_account(1, 2);
    const model::Uid before = uid_of(a.folders[0], 2);
    local_rewrite(a, 0, 0, 2);
    const auto s = sim::sync_account(a, {}, {});
    ASSERT_EQ(s.moves.local.size(), 1u);
    EXPECT_EQ(uid_of(a.folders[0], 2), before);
    EXPECT_EQ(s.plans[0].counters.uploads, 0u);
    EXPECT_EQ(s.plans[0].counters.expunges[Side::remote], 0u);
    expect_once_everywhere(a, 2);
}

TEST(Moves, DifferentMessagesNeverPair) {
    Account a = synced_account(2, 2);
    a.folders[0].maildir.messages.erase(key_of(a.folders[0], 1));  // deleted
    a.folders[1].maildir.deliver(SimMessage{99, {}, 0, 500, 0});   // a new, different message
    const auto s = sim::sync_account(a, {}, {});
    EXPECT_TRUE(s.moves.empty());
    EXPECT_EQ(uid_of(a.folders[0], 1), 0u);
    EXPECT_NE(uid_of(a.folders[1], 99), 0u);
}

int round_count() {
    if (const char* env = std::getenv("MAILTWIN_SEEDS")) return std::max(1, std::atoi(env));
    return 2000;
}

// Random interleavings of moves (rename or new file, on either side), flag changes, deletions and new
// mail in three folders: never a duplicate; when nothing was refused, nothing a user kept is lost,
// both sides hold the same, and the next sync has nothing to do.
TEST(MovesProperties, NoDuplicateNoLossAndConvergence) {
    util::PerSide<std::size_t> moves{};
    for (int i = 0; i < round_count(); ++i) {
        sim::AccountUser user(static_cast<std::uint64_t>(i) + 900);
        std::mt19937_64 rng(static_cast<std::uint64_t>(i));
        Policy policy;
        policy.on_conflict = rng() % 2 ? OnConflict::keep : OnConflict::del;
        policy.max_delete_percent = rng() % 2 ? 50 : 100;
        Account a(3);
        sim::AccountLog log;
        for (int round = 0; round < 5; ++round) {
            user.act(a, log);
            const sim::SyncOptions opts{rng() % 2 == 0, false};
            const std::string before = sim::describe(a);
            const auto s = sim::sync_account(a, policy, opts);
            moves[Side::local] += s.moves.local.size();
            moves[Side::remote] += s.moves.remote.size();
            const std::string where = "case " + std::to_string(i) + " round " + std::to_string(round) + "\nbefore:\n" +
                                      before + "after:\n" + sim::describe(a) + ": ";
            for (Side side : util::k_both_sides) {
                const auto all = sim::all_contents(a, side);
                for (auto c : all)
                    ASSERT_EQ(all.count(c), 1u) << where << "content " << c << " twice on " << util::side_name(side);
            }
            if (s.refused()) continue;
            for (auto c : log.created) {
                if (log.deleted.count(c)) continue;
                for (Side side : util::k_both_sides) {
                    ASSERT_EQ(sim::all_contents(a, side).count(c), 1u)
                        << where << "content " << c << " lost on " << util::side_name(side);
                }
            }
            ASSERT_EQ(sim::all_contents(a, Side::remote), sim::all_contents(a, Side::local)) << where;
            ASSERT_TRUE(sim::plan_account(a, policy, opts).changes_nothing()) << where;
        }
    }
    // The test means something only if moves of both kinds happened.
    EXPECT_GT(moves[Side::local], static_cast<std::size_t>(round_count() / 4));
    EXPECT_GT(moves[Side::remote], static_cast<std::size_t>(round_count() / 8));
}

}  // namespace
}  // namespace mailtwin::sync
