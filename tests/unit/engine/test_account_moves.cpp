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

}  // namespace
}  // namespace mailtwin::test
