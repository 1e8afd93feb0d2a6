// Moves between folders and rewrites within one, as a user makes them, through the real move
// finder, the real executor and the real state DB (account_sync_harness.hpp): each case done to a
// synced account, then one sync, then the end state of both sides. What the moves do to the state
// rows, and faults in the middle of them, are in test_store_moves.cpp; random interleavings of
// moves with everything else in test_account_moves_properties.cpp.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "account_sync_harness.hpp"

namespace mailtwin::test {
namespace {

using util::Side;

constexpr auto k_seen = static_cast<std::uint8_t>(model::Flag::seen);
constexpr auto k_flagged = static_cast<std::uint8_t>(model::Flag::flagged);
constexpr auto k_answered = static_cast<std::uint8_t>(model::Flag::answered);
constexpr std::int64_t k_first_date = 1'690'000'000;

// The first folder gets contents 1..n on the server, then one sync brings them down.
void fill_and_sync(AccountSync& account, std::uint64_t n) {
    for (std::uint64_t c = 1; c <= n; ++c) account.server(0).add(content_message(c), {}, k_first_date);
    const auto first = account.run();
    EXPECT_FALSE(first.error) << first.error->message;
    EXPECT_EQ(account.maildir(0).size(), n);
}

std::vector<std::string> folder_names(std::size_t n) {
    std::vector<std::string> names{"INBOX", "Archive", "Trash"};
    names.resize(n);
    return names;
}

model::Uid uid_of(const MemoryStore& server, std::uint64_t content) {
    const auto id = id_of(server, content);
    return id ? id->uid : 0;
}

// A reader's move: the file into the other folder, the same key, with new flags.
void local_move(AccountSync& account, std::size_t from, std::size_t to, std::uint64_t content, std::uint8_t flags) {
    const auto id = id_of(account.maildir(from), content);
    ASSERT_TRUE(id) << "no content " << content << " in folder " << from;
    move_by_hand(account.maildir(from), account.maildir(to), *id);
    ASSERT_TRUE(account.maildir(to).change_flags(*id, model::FlagSet(flags)));
}

// A reader's save into another folder (neomutt `s`, mu4e with new names): a new file, the old one
// removed. With from == to, a rewrite in place.
void local_rewrite(AccountSync& account, std::size_t from, std::size_t to, std::uint64_t content) {
    const auto id = id_of(account.maildir(from), content);
    ASSERT_TRUE(id) << "no content " << content << " in folder " << from;
    const StoredMessage m = *account.maildir(from).find(*id);
    account.maildir(from).erase(*id);
    account.maildir(to).add(m.bytes, m.flags, m.internaldate);
}

// Another client's UID MOVE.
void server_move(AccountSync& account, std::size_t from, std::size_t to, std::uint64_t content) {
    const auto id = id_of(account.server(from), content);
    ASSERT_TRUE(id) << "no content " << content << " in folder " << from;
    move_by_hand(account.server(from), account.server(to), *id);
}

void local_delete(AccountSync& account, std::size_t folder, std::uint64_t content) {
    const auto id = id_of(account.maildir(folder), content);
    ASSERT_TRUE(id) << "no content " << content << " in folder " << folder;
    account.maildir(folder).erase(*id);
}

void expect_once_everywhere(AccountSync& account, std::size_t messages) {
    for (Side s : util::k_both_sides) {
        const auto all = all_contents(account, s);
        EXPECT_EQ(all.size(), messages) << util::side_name(s);
        for (auto c : all) EXPECT_EQ(all.count(c), 1u) << "content " << c << " twice on " << util::side_name(s);
    }
}

TEST(Moves, LocalMoveWhileTheServerChangedFlagsIsOneMoveWithBothChanges) {
    AccountSync account(folder_names(2));
    fill_and_sync(account, 3);
    account.server(0).change_flags(*id_of(account.server(0), 2), model::FlagSet(k_flagged));  // another client
    local_move(account, 0, 1, 2, k_seen);                                                     // the reader
    const auto s = account.run();
    ASSERT_FALSE(s.error) << s.error->message;
    ASSERT_EQ(s.moves.local.size(), 1u);
    EXPECT_EQ(s.moves.local[0].target[Side::remote], model::FlagSet(k_seen | k_flagged));
    expect_once_everywhere(account, 3);
    EXPECT_EQ(only_id(account.server(1)).uid, uid_of(account.server(1), 2));
    EXPECT_EQ(account.server(1).messages().front().flags, model::FlagSet(k_seen | k_flagged));
    EXPECT_EQ(account.maildir(1).messages().front().flags, model::FlagSet(k_seen | k_flagged));
    EXPECT_TRUE(account.plan().changes_nothing());
}

TEST(Moves, ServerMoveWhileTheReaderChangedFlagsIsOneRenameWithBothChanges) {
    AccountSync account(folder_names(2));
    fill_and_sync(account, 3);
    server_move(account, 0, 1, 2);
    account.maildir(0).change_flags(*id_of(account.maildir(0), 2), model::FlagSet(k_seen));
    const auto s = account.run();
    ASSERT_FALSE(s.error) << s.error->message;
    ASSERT_EQ(s.moves.remote.size(), 1u);
    expect_once_everywhere(account, 3);
    EXPECT_EQ(only_id(account.maildir(1)).key, s.moves.remote[0].key);
    EXPECT_EQ(account.server(1).messages().front().flags, model::FlagSet(k_seen));
    EXPECT_EQ(account.maildir(1).messages().front().flags, model::FlagSet(k_seen));
    EXPECT_TRUE(account.plan().changes_nothing());
}

TEST(Moves, ArchivingMostOfAFolderIsNotRefusedAsDeletions) {
    AccountSync account(folder_names(2));
    fill_and_sync(account, 10);
    for (std::uint64_t c = 1; c <= 8; ++c) local_move(account, 0, 1, c, k_seen);
    const auto s = account.run();  // max_delete_percent = 50
    ASSERT_FALSE(s.error) << s.error->message;
    EXPECT_FALSE(s.refused());
    EXPECT_EQ(s.moves.local.size(), 8u);
    EXPECT_EQ(account.server(0).size(), 2u);
    EXPECT_EQ(account.server(1).size(), 8u);
    expect_once_everywhere(account, 10);
}

TEST(Moves, ArchivingAWholeFolderIsNotRefusedAsAnEmptyFolder) {
    AccountSync account(folder_names(2));
    fill_and_sync(account, 6);
    for (std::uint64_t c = 1; c <= 6; ++c) local_rewrite(account, 0, 1, c);
    const auto s = account.run();
    ASSERT_FALSE(s.error) << s.error->message;
    EXPECT_FALSE(s.refused());
    EXPECT_EQ(account.server(0).size(), 0u);
    expect_once_everywhere(account, 6);
}

TEST(Moves, DeletionsLeftAfterTheMovesMeetTheRailAgain) {
    // 10 pairs: 3 moved and 4 deleted locally -> 4 deletions, not over 50 %: all applied.
    AccountSync a(folder_names(2));
    fill_and_sync(a, 10);
    for (std::uint64_t c = 1; c <= 3; ++c) local_move(a, 0, 1, c, 0);
    for (std::uint64_t c = 4; c <= 7; ++c) local_delete(a, 0, c);
    auto s = a.run();
    ASSERT_FALSE(s.error) << s.error->message;
    EXPECT_FALSE(s.refused());
    EXPECT_EQ(a.server(0).size(), 3u);
    EXPECT_EQ(a.server(1).size(), 3u);

    // 10 pairs: 2 moved and 7 deleted -> 7 deletions, over 50 %: refused, the moves still whole.
    AccountSync b(folder_names(2));
    fill_and_sync(b, 10);
    for (std::uint64_t c = 1; c <= 2; ++c) local_move(b, 0, 1, c, 0);
    for (std::uint64_t c = 3; c <= 9; ++c) local_delete(b, 0, c);
    s = b.run();
    ASSERT_FALSE(s.error) << s.error->message;
    EXPECT_TRUE(s.refused());
    EXPECT_EQ(s.moves.local.size(), 2u);
    EXPECT_EQ(b.server(0).size(), 8u);  // the 7 refused deletions and one untouched
    EXPECT_EQ(b.server(1).size(), 2u);
    EXPECT_EQ(all_contents(b, Side::remote).size(), 10u);  // nothing twice on the server
}

TEST(Moves, SavedAsANewFileInAnotherFolderIsAServerMove) {
    AccountSync account(folder_names(2));
    fill_and_sync(account, 2);
    const model::Uid before = uid_of(account.server(0), 1);
    local_rewrite(account, 0, 1, 1);
    const auto s = account.run();
    ASSERT_FALSE(s.error) << s.error->message;
    ASSERT_EQ(s.moves.local.size(), 1u);
    EXPECT_EQ(s.moves.local[0].uid, before);
    EXPECT_NE(s.moves.local[0].key, s.moves.local[0].old_key);
    for (const auto& p : s.plans) EXPECT_EQ(p.counters.uploads, 0u);
    expect_once_everywhere(account, 2);
    EXPECT_TRUE(account.plan().changes_nothing());
}

TEST(Moves, RewrittenInPlaceKeepsTheServerCopy) {
    AccountSync account(folder_names(1));
    fill_and_sync(account, 2);
    const model::Uid before = uid_of(account.server(0), 2);
    local_rewrite(account, 0, 0, 2);
    const auto s = account.run();
    ASSERT_FALSE(s.error) << s.error->message;
    ASSERT_EQ(s.moves.local.size(), 1u);
    EXPECT_EQ(uid_of(account.server(0), 2), before);
    EXPECT_EQ(s.plans[0].counters.uploads, 0u);
    EXPECT_EQ(s.plans[0].counters.expunges[Side::remote], 0u);
    expect_once_everywhere(account, 2);
}

TEST(Moves, DifferentMessagesNeverPair) {
    AccountSync account(folder_names(2));
    fill_and_sync(account, 2);
    local_delete(account, 0, 1);                                         // deleted
    account.maildir(1).add(content_message(99), {}, k_first_date + 10);  // a new, different message
    const auto s = account.run();
    ASSERT_FALSE(s.error) << s.error->message;
    EXPECT_TRUE(s.moves.empty());
    EXPECT_EQ(uid_of(account.server(0), 1), 0u);
    EXPECT_NE(uid_of(account.server(1), 99), 0u);
}

// --- Known faults of the move finder (src/sync/moves.cpp), found by this port; disabled until fixed ---

// A reader that drops keyword letters (local_keywords = "auto") moved a file and changed a flag. The
// finder merges the keyword back (moves.hpp: the file's flags as its user meant them) and records it
// in the row, but its LocalMove::now[local] is those meant flags, not the file's: execute_moves
// (run/moves.cpp) computes the file's change against `now`, finds none, and the letter is never
// written back; the next sync's planner (which diffs against the file as it is) writes it then.
TEST(Moves, DISABLED_AMovedFileGetsBackTheKeywordLettersItsReaderDropped) {
    AccountSync account(folder_names(2));
    model::FlagSet labelled(k_seen);
    labelled.keywords.insert("$label1");
    account.server(0).add(content_message(1), labelled, k_first_date);
    ASSERT_FALSE(account.run().error);
    local_move(account, 0, 1, 1, k_seen | k_flagged);  // the reader flags it and drops "$label1"
    const auto s = account.run();
    ASSERT_FALSE(s.error) << s.error->message;
    ASSERT_EQ(s.moves.local.size(), 1u);
    model::FlagSet expected(k_seen | k_flagged);
    expected.keywords.insert("$label1");
    EXPECT_EQ(account.server(1).messages().front().flags, expected);
    EXPECT_EQ(account.maildir(1).messages().front().flags, expected);  // fails: no "$label1"
    // fails with full views: a SetFlags local +$label1 (an incremental one trusts the row)
    EXPECT_TRUE(account.plan({}, AccountRunOptions::all_full()).changes_nothing());
}

// The server copy's flags changed (another client removed \Answered) while the reader moved the file
// elsewhere. When the source folder's plan expunges the server copy anyway (on_conflict = "delete")
// or the safety rail holds that expunge back (here: the source folder appears empty), the finder
// takes the survivor's flags from the state row (collect_gone: survivor.value_or(row flags)) instead
// of the server's flags now: the merge misses the server's change, no STORE removes the flag from the
// moved copy (the executor's diff starts from the stale flags), and the row records \Answered as
// held on the server. The next sync then sees a removal on the server and removes it from the file.
TEST(Moves, DISABLED_AServerFlagChangeDuringAMoveIsMergedWhateverTheSourcePlanDidWithTheCopy) {
    for (const bool conflict_deletes : {true, false}) {
        SCOPED_TRACE(conflict_deletes ? "on_conflict = delete" : "the rail holds the expunge");
        sync::Policy policy;
        if (conflict_deletes) policy.on_conflict = sync::OnConflict::del;
        AccountSync account(folder_names(2));
        // Three messages: with one only, moving it empties the folder (the rail's case).
        const std::uint64_t n = conflict_deletes ? 3 : 1;
        for (std::uint64_t c = 1; c <= n; ++c)
            account.server(0).add(content_message(c), model::FlagSet(k_seen | k_answered), k_first_date);
        ASSERT_FALSE(account.run(policy).error);
        account.server(0).change_flags(*id_of(account.server(0), 1), model::FlagSet(k_seen));  // another client
        local_move(account, 0, 1, 1, k_seen | k_answered);                                     // the reader
        const auto s = account.run(policy);
        ASSERT_FALSE(s.error) << s.error->message;
        ASSERT_EQ(s.moves.local.size(), 1u);
        EXPECT_EQ(s.moves.local[0].now[Side::remote], model::FlagSet(k_seen));
        EXPECT_EQ(s.moves.local[0].target[Side::remote], model::FlagSet(k_seen));
        EXPECT_EQ(account.server(1).messages().front().flags, model::FlagSet(k_seen));
        EXPECT_EQ(account.maildir(1).messages().front().flags, model::FlagSet(k_seen));
        EXPECT_TRUE(account.plan(policy).changes_nothing());
    }
}

// Another client moved a message out of a folder and back (a new UID there, the same message) while
// the reader moved its file to another folder. The finder pairs the file with the new UID: a remote
// move back into the first folder, whose row {new uid, key} the moves write. But that folder's own
// plan still holds the Forget of the old row (old uid gone on the server, the key gone locally):
// executed after the moves, it dropped the row by its key, the one the move had just written, and
// the next sync with an incremental server view uploaded the file again (a duplicate on the server;
// found by the property test at MAILTWIN_SEEDS=2000, case 1957). The Forget now drops the old UID's
// row only (sync/moves.cpp, spare_rows_the_moves_write).
TEST(Moves, AMessageMovedOutAndBackOnTheServerKeepsItsRow) {
    AccountSync account(folder_names(2));
    fill_and_sync(account, 1);
    const auto uid = *id_of(account.server(0), 1);
    move_by_hand(account.server(0), account.server(1), uid);                         // another client
    move_by_hand(account.server(1), account.server(0), only_id(account.server(1)));  // and back
    local_move(account, 0, 1, 1, 0);                                                 // the reader
    const auto s = account.run();
    ASSERT_FALSE(s.error) << s.error->message;
    expect_once_everywhere(account, 1);
    const auto rows = account.rows(0).pairs;
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows.front().uid, only_id(account.server(0)).uid);
    EXPECT_EQ(rows.front().key, only_id(account.maildir(0)).key);
    EXPECT_TRUE(account.plan().changes_nothing());
}

}  // namespace
}  // namespace mailtwin::test
