// MemoryStore's moves between folders (move, message_ids, find_arrived) against store/store.hpp:
// what the engine's move tests rely on.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fixtures/run_awaitable.hpp"
#include "support/memory_store.hpp"

namespace mailtwin::test {
namespace {

using util::Side;

constexpr auto k_seen = static_cast<std::uint8_t>(model::Flag::seen);
constexpr auto k_flagged = static_cast<std::uint8_t>(model::Flag::flagged);

store::MessageId uid(model::Uid u) { return store::MessageId{u, {}}; }
store::MessageId key(std::string k) { return store::MessageId{0, std::move(k)}; }

std::string message(int n) {
    return make_message("m" + std::to_string(n) + "@example.org", "subject " + std::to_string(n),
                        "body of message " + std::to_string(n));
}

class MemoryStoreMoves : public ::testing::Test {
protected:
    template <typename T>
    T run(asio::awaitable<T> task) {
        return run_awaitable(m_io, std::move(task));
    }
    // A view of `s`, so that its checkpoint (and find_arrived's floor) is as a sync would leave it.
    void view(MemoryStore& s) {
        store::FolderViews views;
        ASSERT_TRUE(run(s.view(views, store::ViewRequest{&m_rows, nullptr, false})));
    }

    boost::asio::io_context m_io;
    model::FolderState m_rows;
};

TEST_F(MemoryStoreMoves, RemoteMoveGivesTheTargetsNextUidAndKeepsFlagsAndDate) {
    MemoryStore inbox(Side::remote);
    MemoryStore archive(Side::remote);
    MemoryStore trash(Side::remote);
    archive.add(message(9));  // UID 1 there: the moved copy gets 2
    const auto a = inbox.add(message(1), model::FlagSet(k_seen), 1000);
    const auto b = inbox.add(message(2), model::FlagSet(k_flagged), 2000);
    const auto c = inbox.add(message(3));
    const std::vector<store::MoveGroup> groups{{&archive, {a, c}}, {&trash, {b}}};
    auto moved = run(inbox.move(groups));
    ASSERT_TRUE(moved) << moved.error().message;
    ASSERT_EQ(moved->size(), 2u);
    EXPECT_EQ((*moved)[0], (std::vector<std::optional<store::MessageId>>{uid(2), uid(3)}));
    EXPECT_EQ((*moved)[1], (std::vector<std::optional<store::MessageId>>{uid(1)}));
    EXPECT_EQ(inbox.size(), 0u);
    const auto* first = archive.find(uid(2));
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(first->bytes, message(1));
    EXPECT_EQ(first->flags, model::FlagSet(k_seen));
    EXPECT_EQ(first->internaldate, 1000);
    ASSERT_NE(trash.find(uid(1)), nullptr);
    EXPECT_EQ(trash.find(uid(1))->flags, model::FlagSet(k_flagged));
}

TEST_F(MemoryStoreMoves, RemoteMoveShowsAsVanishedInTheSourcesNextIncrementalView) {
    MemoryStore inbox(Side::remote);
    MemoryStore archive(Side::remote);
    const auto a = inbox.add(message(1));
    store::FolderViews before;
    ASSERT_TRUE(run(inbox.view(before, store::ViewRequest{&m_rows, nullptr, false})));
    const store::Checkpoint last = inbox.checkpoint();
    ASSERT_TRUE(run(inbox.move({{&archive, {a}}})));
    store::FolderViews after;
    ASSERT_TRUE(run(inbox.view(after, store::ViewRequest{&m_rows, &last, false})));
    EXPECT_EQ(after.remote.vanished, std::vector<model::Uid>{a.uid});
}

TEST_F(MemoryStoreMoves, RemoteMoveOfAUidNoLongerThereMovesNothingAndSaysNothing) {
    MemoryStore inbox(Side::remote);
    MemoryStore archive(Side::remote);
    auto moved = run(inbox.move({{&archive, {uid(7)}}}));
    ASSERT_TRUE(moved);
    EXPECT_EQ((*moved)[0], (std::vector<std::optional<store::MessageId>>{std::nullopt}));
    EXPECT_EQ(archive.size(), 0u);
}

TEST_F(MemoryStoreMoves, WithoutCopyUidTheNewIdIsUnknownAndFindArrivedFindsTheOneNewCopy) {
    MemoryStore inbox(Side::remote);
    MemoryStore archive(Side::remote);
    inbox.set_move_reports_ids(false);
    archive.add(message(1));  // an older copy with the same Message-ID: below the view's UIDNEXT
    view(archive);
    const auto a = inbox.add(message(1));
    const auto b = inbox.add(message(2));
    auto moved = run(inbox.move({{&archive, {a, b}}}));
    ASSERT_TRUE(moved);
    EXPECT_EQ((*moved)[0], (std::vector<std::optional<store::MessageId>>{std::nullopt, std::nullopt}));
    auto found = run(archive.find_arrived({"<m1@example.org>", "<m2@example.org>", "<m3@example.org>", ""}));
    ASSERT_TRUE(found);
    EXPECT_EQ(*found, (std::vector<std::optional<store::MessageId>>{uid(2), uid(3), std::nullopt, std::nullopt}));
}

TEST_F(MemoryStoreMoves, FindArrivedLeavesTwoNewCopiesOfOneMessageIdUnknown) {
    MemoryStore inbox(Side::remote);
    MemoryStore archive(Side::remote);
    inbox.set_move_reports_ids(false);
    view(archive);
    const auto a = inbox.add(message(1));
    const auto b = inbox.add(message(1));
    ASSERT_TRUE(run(inbox.move({{&archive, {a, b}}})));
    auto found = run(archive.find_arrived({"<m1@example.org>"}));
    ASSERT_TRUE(found);
    EXPECT_EQ(*found, (std::vector<std::optional<store::MessageId>>{std::nullopt}));
}

TEST_F(MemoryStoreMoves, LocalMoveKeepsTheKeyAndFlags) {
    MemoryStore inbox(Side::local);
    MemoryStore archive(Side::local);
    archive.set_key_prefix("a");
    const auto a = inbox.add(message(1), model::FlagSet(k_seen));
    archive.add(message(2));
    auto moved = run(inbox.move({{&archive, {a}}}));
    ASSERT_TRUE(moved) << moved.error().message;
    EXPECT_EQ((*moved)[0], (std::vector<std::optional<store::MessageId>>{a}));
    EXPECT_EQ(inbox.find(a), nullptr);
    ASSERT_NE(archive.find(a), nullptr);
    EXPECT_EQ(archive.find(a)->flags, model::FlagSet(k_seen));
    EXPECT_EQ(archive.size(), 2u);
}

TEST_F(MemoryStoreMoves, LocalMoveOfAKeyNoLongerThereFails) {
    MemoryStore inbox(Side::local);
    MemoryStore archive(Side::local);
    EXPECT_FALSE(run(inbox.move({{&archive, {key("gone")}}})));
}

TEST_F(MemoryStoreMoves, LocalFindArrivedFindsNothing) {
    MemoryStore archive(Side::local);
    archive.add(message(1));
    auto found = run(archive.find_arrived({"<m1@example.org>"}));
    ASSERT_TRUE(found);
    EXPECT_EQ(*found, (std::vector<std::optional<store::MessageId>>{std::nullopt}));
}

TEST_F(MemoryStoreMoves, MoveToAStoreOfAnotherSideOrToItselfFails) {
    MemoryStore inbox(Side::remote);
    MemoryStore files(Side::local);
    const auto a = inbox.add(message(1));
    EXPECT_FALSE(run(inbox.move({{&files, {a}}})));
    EXPECT_FALSE(run(inbox.move({{&inbox, {a}}})));
    EXPECT_EQ(inbox.size(), 1u);
}

TEST_F(MemoryStoreMoves, MessageIdsReadTheHeaderFieldOrNothing) {
    MemoryStore files(Side::local);
    const auto a = files.add(message(1));
    const auto b = files.add("Subject: no id\n\nbody\n");
    auto ids = run(files.message_ids({a, b, key("gone")}));
    ASSERT_TRUE(ids);
    EXPECT_EQ(*ids, (std::vector<std::optional<std::string>>{"<m1@example.org>", std::nullopt, std::nullopt}));
}

TEST_F(MemoryStoreMoves, RefusedMoveMovesNothing) {
    MemoryStore inbox(Side::remote);
    MemoryStore archive(Side::remote);
    const auto a = inbox.add(message(1));
    inbox.fail_after(1, Fault::refuse);
    EXPECT_FALSE(run(inbox.move({{&archive, {a}}})));
    EXPECT_EQ(inbox.size(), 1u);
    EXPECT_EQ(archive.size(), 0u);
    EXPECT_EQ(inbox.faults_fired(), 1u);
    EXPECT_TRUE(run(inbox.move({{&archive, {a}}})));  // the fault fires once
    EXPECT_EQ(archive.size(), 1u);
}

TEST_F(MemoryStoreMoves, MoveDoneThenFailedLeavesTheMessageMoved) {
    MemoryStore inbox(Side::local);
    MemoryStore archive(Side::local);
    const auto a = inbox.add(message(1));
    inbox.fail_after(1, Fault::done_then_fail);
    EXPECT_FALSE(run(inbox.move({{&archive, {a}}})));
    EXPECT_EQ(inbox.size(), 0u);
    EXPECT_NE(archive.find(a), nullptr);
}

TEST_F(MemoryStoreMoves, MessageIdsAndFindArrivedAreCountedOperations) {
    MemoryStore inbox(Side::remote);
    inbox.add(message(1));
    const std::size_t before = inbox.operations();
    inbox.fail_after(1);
    EXPECT_FALSE(run(inbox.message_ids({uid(1)})));
    inbox.fail_after(1);
    EXPECT_FALSE(run(inbox.find_arrived({"<m1@example.org>"})));
    EXPECT_EQ(inbox.operations(), before + 2);
}

}  // namespace
}  // namespace mailtwin::test
