// Moves between folders (run/moves.hpp) over MemoryStores, with the real state DB, the real move
// finder and the real executor (account_sync_harness.hpp): what the moves do to the stores and the
// state rows, with and without COPYUID, and runs that converge after a fault anywhere in the moves.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "account_sync_harness.hpp"

namespace mailtwin::test {
namespace {

using util::Side;

constexpr auto k_seen = static_cast<std::uint8_t>(model::Flag::seen);
constexpr auto k_flagged = static_cast<std::uint8_t>(model::Flag::flagged);

bool nothing_to_do(const AccountRunResult& r) {
    if (r.error || !r.moves.empty()) return false;
    for (const auto& plan : r.plans)
        if (!plan.actions.empty()) return false;
    return true;
}

// A message without a Message-ID: a copy moved without COPYUID cannot be searched for.
std::string message_without_id() { return "From: a@example.org\nDate: Mon, 7 Dec 2026 10:00:00 +0000\n\nbody\n"; }

// The reader moves INBOX's only file to Archive and gives it `flags` there; the file's id.
store::MessageId reader_moves_to_archive(AccountSync& account, const model::FlagSet& flags) {
    const auto file = only_id(account.maildir(0));
    move_by_hand(account.maildir(0), account.maildir(1), file);
    account.maildir(1).change_flags(file, flags);
    return file;
}

TEST(StoreMoves, LocalMoveBecomesAServerMoveWithTheRowsRekeyed) {
    AccountSync account({"INBOX", "Archive"});
    account.server(0).add(content_message(1), model::FlagSet(k_seen));
    account.server(1).add(content_message(2));
    ASSERT_FALSE(account.run().error);
    // The reader moves the file to Archive and flags it there.
    const auto file = reader_moves_to_archive(account, model::FlagSet(k_seen | k_flagged));

    auto run = account.run();
    ASSERT_FALSE(run.error) << run.error->message;
    ASSERT_EQ(run.moves.local.size(), 1u);
    EXPECT_TRUE(run.moves.remote.empty());
    EXPECT_EQ(account.server(0).size(), 0u);
    ASSERT_EQ(account.server(1).size(), 2u);
    const StoredMessage moved = account.server(1).messages().back();
    EXPECT_EQ(content_of(moved.bytes), 1u);
    EXPECT_EQ(moved.flags, model::FlagSet(k_seen | k_flagged));  // the reader's flag, by STORE
    EXPECT_TRUE(account.rows(0).pairs.empty());
    bool found = false;
    for (const auto& row : account.rows(1).pairs)
        if (row.key == file.key) {
            found = true;
            EXPECT_EQ(row.uid, moved.id.uid);
            EXPECT_EQ(row.remote_flags, model::FlagSet(k_seen | k_flagged));
            EXPECT_EQ(row.local_flags, model::FlagSet(k_seen | k_flagged));
        }
    EXPECT_TRUE(found);
    EXPECT_TRUE(nothing_to_do(account.run()));
}

TEST(StoreMoves, RemoteMoveBecomesALocalMove) {
    AccountSync account({"INBOX", "Archive", "Trash"});
    account.server(0).add(content_message(1));
    account.server(0).add(content_message(2), model::FlagSet(k_flagged));
    ASSERT_FALSE(account.run().error);
    const auto files = account.maildir(0).messages();
    ASSERT_EQ(files.size(), 2u);
    // Another client moves both, to two folders, and marks one seen.
    const auto originals = account.server(0).messages();
    move_by_hand(account.server(0), account.server(1), originals[0].id);
    move_by_hand(account.server(0), account.server(2), originals[1].id);
    account.server(2).change_flags(only_id(account.server(2)), model::FlagSet(k_seen | k_flagged));

    auto run = account.run();
    ASSERT_FALSE(run.error) << run.error->message;
    EXPECT_EQ(run.moves.remote.size(), 2u);
    EXPECT_TRUE(run.moves.local.empty());
    EXPECT_EQ(account.maildir(0).size(), 0u);
    // The files keep their keys (a rename), and take the server's flags.
    const auto archived = only_id(account.maildir(1));
    const auto trashed = only_id(account.maildir(2));
    EXPECT_EQ(archived.key, files[0].id.key);
    EXPECT_EQ(trashed.key, files[1].id.key);
    EXPECT_EQ(account.maildir(2).find(trashed)->flags, model::FlagSet(k_seen | k_flagged));
    ASSERT_EQ(account.rows(2).pairs.size(), 1u);
    EXPECT_EQ(account.rows(2).pairs.front().uid, only_id(account.server(2)).uid);
    EXPECT_EQ(account.rows(2).pairs.front().key, trashed.key);
    EXPECT_TRUE(account.rows(0).pairs.empty());
    EXPECT_TRUE(nothing_to_do(account.run()));
}

TEST(StoreMoves, UnknownNewUidRecordsAKeyOnlyRowWithTheSourcesFlagsAsBase) {
    AccountSync account({"INBOX", "Archive"});
    account.server(0).set_move_reports_ids(false);  // no COPYUID
    account.server(0).add(message_without_id(), model::FlagSet(k_seen));
    ASSERT_FALSE(account.run().error);
    const auto file = reader_moves_to_archive(account, model::FlagSet(k_seen | k_flagged));

    auto run = account.run();
    ASSERT_FALSE(run.error) << run.error->message;
    ASSERT_EQ(run.moves.local.size(), 1u);
    // Moved, but no STORE could reach the copy: it holds what the original held.
    EXPECT_EQ(account.server(1).messages().front().flags, model::FlagSet(k_seen));
    const auto rows = account.rows(1);
    ASSERT_EQ(rows.pairs.size(), 1u);
    EXPECT_EQ(rows.pairs.front().uid, 0u);
    EXPECT_EQ(rows.pairs.front().key, file.key);
    EXPECT_EQ(rows.pairs.front().remote_flags, model::FlagSet(k_seen));
    EXPECT_EQ(rows.pairs.front().local_flags, model::FlagSet(k_seen));
    // The next run pairs the copy by identity and stores the file's flag as a local change.
    // (A full view: the reader's change came before the last view, so the Maildir's stamp would
    // skip the listing, and the change would wait until the folder changes again.)
    ASSERT_FALSE(account.run({}, AccountRunOptions::all_full()).error);
    EXPECT_EQ(account.server(1).messages().front().flags, model::FlagSet(k_seen | k_flagged));
    EXPECT_EQ(account.maildir(1).messages().front().flags, model::FlagSet(k_seen | k_flagged));
    EXPECT_EQ(account.server(1).size(), 1u);
    EXPECT_EQ(account.maildir(1).size(), 1u);
    EXPECT_TRUE(nothing_to_do(account.run()));
}

TEST(StoreMoves, UnreportedNewUidIsFoundByMessageIdAndGetsItsStore) {
    AccountSync account({"INBOX", "Archive"});
    account.server(0).set_move_reports_ids(false);
    account.server(0).add(content_message(1));
    ASSERT_FALSE(account.run().error);
    reader_moves_to_archive(account, model::FlagSet(k_flagged));

    auto run = account.run();
    ASSERT_FALSE(run.error) << run.error->message;
    const auto copy = only_id(account.server(1));
    EXPECT_EQ(account.server(1).find(copy)->flags, model::FlagSet(k_flagged));
    const auto rows = account.rows(1);
    ASSERT_EQ(rows.pairs.size(), 1u);
    EXPECT_EQ(rows.pairs.front().uid, copy.uid);
    EXPECT_EQ(rows.pairs.front().remote_flags, model::FlagSet(k_flagged));
    EXPECT_TRUE(nothing_to_do(account.run()));
}

// Each content once per side, the two sides of each folder alike (flags included).
void expect_converged(AccountSync& account, std::size_t folders, std::size_t contents_total, const std::string& where) {
    std::multiset<std::uint64_t> seen[2];
    for (std::size_t f = 0; f < folders; ++f) {
        EXPECT_EQ(contents(account.server(f)), contents(account.maildir(f))) << where << " folder " << f;
        for (const auto& m : account.server(f).messages()) seen[0].insert(content_of(m.bytes));
        for (const auto& m : account.maildir(f).messages()) seen[1].insert(content_of(m.bytes));
    }
    for (const auto& side : seen) {
        EXPECT_EQ(side.size(), contents_total) << where;
        for (std::uint64_t c = 1; c <= contents_total; ++c) EXPECT_EQ(side.count(c), 1u) << where << " content " << c;
    }
}

// Moves both ways across three folders, with flag changes; the n-th store operation of the run fails.
// The next runs converge whatever was done: every message once on each side, no moves left over.
TEST(StoreMoves, FaultAnywhereInTheMovesThenRerunsConverge) {
    for (Fault fault : {Fault::refuse, Fault::done_then_fail}) {
        bool fired = true;
        for (std::size_t n = 1; fired; ++n) {
            const std::string where = "fault " + std::to_string(static_cast<int>(fault)) + " at " + std::to_string(n);
            AccountSync account({"INBOX", "Archive", "Trash"});
            account.server(0).set_move_reports_ids(n % 2 == 0);  // with and without COPYUID
            for (std::uint64_t c = 1; c <= 6; ++c) account.server(0).add(content_message(c), model::FlagSet(k_seen));
            ASSERT_FALSE(account.run().error) << where;
            const auto files = account.maildir(0).messages();
            const auto uids = account.server(0).messages();
            move_by_hand(account.maildir(0), account.maildir(1), files[0].id);
            move_by_hand(account.maildir(0), account.maildir(1), files[1].id);
            account.maildir(1).change_flags(files[1].id, model::FlagSet(k_flagged));
            move_by_hand(account.maildir(0), account.maildir(2), files[2].id);
            move_by_hand(account.server(0), account.server(1), uids[3].id);
            move_by_hand(account.server(0), account.server(2), uids[4].id);
            account.server(2).change_flags(only_id(account.server(2)), model::FlagSet(k_seen | k_flagged));

            account.server(0).fail_after(n, fault);
            const auto faulty = account.run();
            fired = account.server(0).faults_fired() > 0;
            account.server(0).disarm();
            if (fired) {
                EXPECT_TRUE(faulty.error) << where;
            }
            // Without COPYUID a moved copy's row is key-only: the run after pairs it by identity.
            for (int rerun = 0; rerun < 2; ++rerun) {
                const auto again = account.run();
                EXPECT_FALSE(again.error) << where << ": " << again.error->message;
            }
            expect_converged(account, 3, 6, where);
            EXPECT_TRUE(nothing_to_do(account.run())) << where;
            ASSERT_LT(n, 200u) << "the run never stops counting operations";
        }
    }
}

}  // namespace
}  // namespace mailtwin::test
