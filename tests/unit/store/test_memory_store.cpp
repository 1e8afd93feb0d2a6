// MemoryStore (tests/support) against the FolderStore contract of store/store.hpp: the engine's tests
// rely on it behaving as the real stores promise to.
#include "support/memory_store.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fixtures/run_awaitable.hpp"
#include "mailtwin/store/identity.hpp"
#include "support/recording_sink.hpp"

namespace mailtwin::test {
namespace {

using util::Side;

model::FlagSet flags(std::uint8_t bits, std::set<std::string> keywords = {}) {
    model::FlagSet f(bits);
    f.keywords = std::move(keywords);
    return f;
}
constexpr auto k_seen = static_cast<std::uint8_t>(model::Flag::seen);
constexpr auto k_flagged = static_cast<std::uint8_t>(model::Flag::flagged);
constexpr auto k_answered = static_cast<std::uint8_t>(model::Flag::answered);

store::MessageId uid(model::Uid u) { return store::MessageId{u, {}}; }
store::MessageId key(std::string k) { return store::MessageId{0, std::move(k)}; }

std::string message(int n) {
    return make_message("m" + std::to_string(n) + "@example.org", "subject " + std::to_string(n),
                        "body of message " + std::to_string(n) + "\nsecond line");
}

class MemoryStoreTest : public ::testing::Test {
protected:
    util::Expected<store::FolderViews> view(MemoryStore& s, const store::Checkpoint* last, bool full = false) {
        store::FolderViews views;
        const store::ViewRequest request{&m_rows, last, full};
        auto r = run_awaitable(m_io, s.view(views, request));
        if (!r) return util::unexpected(std::move(r).error());
        return views;
    }
    template <typename T>
    T run(asio::awaitable<T> task) {
        return run_awaitable(m_io, std::move(task));
    }

    boost::asio::io_context m_io;
    model::FolderState m_rows;
};

// --- Views ---

TEST_F(MemoryStoreTest, RemoteFullViewListsEveryMessageWithSizeAsImapCountsIt) {
    MemoryStore server(Side::remote);
    server.add(message(1), flags(k_seen), 1000);
    server.add(message(2));
    auto v = view(server, nullptr);
    ASSERT_TRUE(v);
    const auto& rv = v->remote;
    EXPECT_EQ(rv.kind, model::RemoteViewKind::full);
    EXPECT_EQ(rv.uidvalidity, server.uidvalidity());
    EXPECT_EQ(rv.uidnext, 3u);
    EXPECT_EQ(rv.highestmodseq, server.highestmodseq());
    ASSERT_EQ(rv.messages.size(), 2u);
    EXPECT_EQ(rv.messages[0].uid, 1u);
    EXPECT_EQ(rv.messages[0].flags, flags(k_seen));
    EXPECT_EQ(rv.messages[0].internaldate, 1000);
    const std::string bytes = message(1);
    const auto lines = static_cast<std::uint64_t>(std::count(bytes.begin(), bytes.end(), '\n'));
    EXPECT_EQ(rv.messages[0].size, bytes.size() + lines);
    // No checkpoint: every message is new, so each comes with its identity.
    ASSERT_TRUE(rv.messages[1].identity);
    EXPECT_EQ(*rv.messages[1].identity, store::message_identity(message(2)));
    ASSERT_TRUE(rv.storable);
    EXPECT_TRUE(rv.storable->keeps_all());
    EXPECT_TRUE(v->local.messages.empty());  // the other half is left alone
}

TEST_F(MemoryStoreTest, RemoteViewFromACheckpointListsOnlyChangesAndVanishedUids) {
    MemoryStore server(Side::remote);
    server.add(message(1));
    server.add(message(2));
    server.add(message(3));
    ASSERT_TRUE(view(server, nullptr));
    const store::Checkpoint last = server.checkpoint();
    EXPECT_EQ(last.uidnext, 4u);
    EXPECT_EQ(last.messages, 3u);

    server.change_flags(uid(1), flags(k_flagged));
    server.erase(uid(2));
    server.add(message(4));
    auto v = view(server, &last);
    ASSERT_TRUE(v);
    const auto& rv = v->remote;
    EXPECT_EQ(rv.kind, model::RemoteViewKind::changes_since);
    EXPECT_EQ(rv.changed_since, last.highestmodseq);
    EXPECT_GT(rv.highestmodseq, last.highestmodseq);
    ASSERT_EQ(rv.messages.size(), 2u);  // uid 3 did not change
    EXPECT_EQ(rv.messages[0].uid, 1u);
    EXPECT_EQ(rv.messages[0].flags, flags(k_flagged));
    EXPECT_FALSE(rv.messages[0].identity);  // known to the checkpoint
    EXPECT_EQ(rv.messages[1].uid, 4u);
    EXPECT_TRUE(rv.messages[1].identity);  // new: comes with its identity
    EXPECT_EQ(rv.vanished, std::vector<model::Uid>{2});

    // Nothing since: an empty change list.
    const store::Checkpoint now = server.checkpoint();
    auto again = view(server, &now);
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->remote.messages.empty());
    EXPECT_TRUE(again->remote.vanished.empty());
}

TEST_F(MemoryStoreTest, RemoteViewIsFullWhenAskedOrWhenUidvalidityChanged) {
    MemoryStore server(Side::remote);
    server.add(message(1));
    server.add(message(2));
    ASSERT_TRUE(view(server, nullptr));
    const store::Checkpoint last = server.checkpoint();
    auto full = view(server, &last, true);
    ASSERT_TRUE(full);
    EXPECT_EQ(full->remote.kind, model::RemoteViewKind::full);
    EXPECT_EQ(full->remote.messages.size(), 2u);

    server.erase(uid(1));
    server.reset_uidvalidity();
    auto v = view(server, &last);
    ASSERT_TRUE(v);
    EXPECT_EQ(v->remote.kind, model::RemoteViewKind::full);
    EXPECT_NE(v->remote.uidvalidity, last.uidvalidity);
    ASSERT_EQ(v->remote.messages.size(), 1u);
    EXPECT_EQ(v->remote.messages[0].uid, 1u);
    EXPECT_TRUE(v->remote.vanished.empty());
    EXPECT_TRUE(v->remote.messages[0].identity);  // a new UIDVALIDITY: nothing is known
}

TEST_F(MemoryStoreTest, LocalViewIsUnchangedUntilSomethingChanges) {
    MemoryStore maildir(Side::local);
    const auto a = maildir.add(message(1), flags(k_seen), 1234);
    maildir.add(message(2));
    auto first = view(maildir, nullptr);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->local.kind, model::LocalViewKind::full);
    ASSERT_EQ(first->local.messages.size(), 2u);
    EXPECT_EQ(first->local.messages[0].key, a.key);
    EXPECT_EQ(first->local.messages[0].mtime, 1234);
    EXPECT_EQ(first->local.messages[0].size, crlf_size(message(1)));
    EXPECT_FALSE(first->local.messages[0].identity);  // a Maildir reads files only when asked
    EXPECT_TRUE(first->local.root_present);

    const store::Checkpoint last = maildir.checkpoint();
    EXPECT_FALSE(last.local_stamp.empty());
    auto same = view(maildir, &last);
    ASSERT_TRUE(same);
    EXPECT_EQ(same->local.kind, model::LocalViewKind::unchanged);
    EXPECT_TRUE(same->local.messages.empty());
    auto forced = view(maildir, &last, true);
    ASSERT_TRUE(forced);
    EXPECT_EQ(forced->local.kind, model::LocalViewKind::full);

    maildir.change_flags(a, flags(k_flagged));
    auto changed = view(maildir, &last);
    ASSERT_TRUE(changed);
    EXPECT_EQ(changed->local.kind, model::LocalViewKind::full);
    EXPECT_EQ(changed->local.messages[0].flags, flags(k_flagged));

    maildir.set_root_present(false);
    auto unmounted = view(maildir, nullptr);
    ASSERT_TRUE(unmounted);
    EXPECT_FALSE(unmounted->local.root_present);
}

TEST_F(MemoryStoreTest, ViewsComeWithTheIdentitiesConfigured) {
    MemoryStore maildir(Side::local);
    const auto a = maildir.add(message(1));
    const auto b = maildir.add(message(2));
    maildir.set_view_identities(ViewIdentities::new_only);
    m_rows.pairs.push_back(model::PairState{1, a.key, {}, {}, 0, std::nullopt, false});
    const store::Checkpoint never_scanned;  // a stamp no scan has
    auto v = view(maildir, &never_scanned);
    ASSERT_TRUE(v);
    ASSERT_EQ(v->local.messages.size(), 2u);
    EXPECT_FALSE(v->local.messages[0].identity);  // the state knows the key
    ASSERT_TRUE(v->local.messages[1].identity);
    EXPECT_EQ(v->local.messages[1].key, b.key);

    MemoryStore server(Side::remote);
    server.add(message(1));
    server.set_view_identities(ViewIdentities::none);
    auto none = view(server, nullptr);
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->remote.messages[0].identity);
}

// --- describe, set_flags, remove ---

TEST_F(MemoryStoreTest, DescribeGivesIdentityAndSizeInTheOrderAsked) {
    MemoryStore maildir(Side::local);
    const auto a = maildir.add(message(1));
    const auto b = maildir.add(message(2) + "more\n");
    auto d = run(maildir.describe({b, key("gone"), a}));
    ASSERT_TRUE(d);
    ASSERT_EQ(d->size(), 3u);
    EXPECT_EQ((*d)[0].identity, store::message_identity(message(2) + "more\n"));
    EXPECT_EQ((*d)[0].size, crlf_size(message(2) + "more\n"));
    EXPECT_TRUE((*d)[0].not_carried.empty());
    EXPECT_FALSE((*d)[1].identity);
    EXPECT_NE((*d)[1].not_carried.find("gone"), std::string::npos);
    EXPECT_EQ((*d)[2].identity, store::message_identity(message(1)));
    EXPECT_NE((*d)[0].identity, (*d)[2].identity);
}

TEST_F(MemoryStoreTest, IdentifyGivesTheIdentityOfEachMessageOrNoneWhenGone) {
    MemoryStore server(Side::remote);
    const auto a = server.add(message(1));
    const auto b = server.add(message(2));
    auto ids = run(server.identify({b, uid(77), a}));
    ASSERT_TRUE(ids);
    ASSERT_EQ(ids->size(), 3u);
    EXPECT_EQ((*ids)[0], store::message_identity(message(2)));
    EXPECT_FALSE((*ids)[1]);
    EXPECT_EQ((*ids)[2], store::message_identity(message(1)));
}

TEST_F(MemoryStoreTest, RemoteSetFlagsAppliesAddAndRemoveToWhatTheServerHolds) {
    MemoryStore server(Side::remote);
    const auto a = server.add(message(1), flags(k_seen | k_answered, {"$x"}));
    server.add(message(2));
    ASSERT_TRUE(view(server, nullptr));
    const store::Checkpoint last = server.checkpoint();
    // `now` is stale (another client added \Answered and $x): the server store ignores it.
    const store::FlagChange change{a, flags(k_flagged, {"$y"}), flags(k_seen), flags(k_seen)};
    auto n = run(server.set_flags({change, store::FlagChange{uid(99), flags(k_seen), {}, {}}}));
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 1u);
    EXPECT_EQ(server.find(a)->flags, flags(k_flagged | k_answered, {"$x", "$y"}));
    // Idempotent: the same change again changes nothing.
    auto again = run(server.set_flags({change}));
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, 0u);
    // The change shows in the next incremental view.
    auto v = view(server, &last);
    ASSERT_TRUE(v);
    ASSERT_EQ(v->remote.messages.size(), 1u);
    EXPECT_EQ(v->remote.messages[0].uid, a.uid);
}

TEST_F(MemoryStoreTest, LocalSetFlagsWritesTheWholeSetFromNow) {
    MemoryStore maildir(Side::local);
    const auto a = maildir.add(message(1), flags(k_seen | k_answered));
    // The Maildir store writes applied(now, add, remove): what `now` lacks is not kept.
    auto n = run(maildir.set_flags({store::FlagChange{a, flags(k_flagged, {"$y"}), flags(k_seen), flags(k_seen)}}));
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 1u);
    EXPECT_EQ(maildir.find(a)->flags, flags(k_flagged, {"$y"}));
}

TEST_F(MemoryStoreTest, RemoteKeepsOnlyStorableFlags) {
    MemoryStore server(Side::remote);
    model::StorableFlags storable;
    storable.any_keyword = false;
    storable.keywords = {"$keep"};
    server.set_storable(storable);
    const auto a = server.add(message(1), flags(k_seen, {"$keep", "$drop"}));
    EXPECT_EQ(server.find(a)->flags, flags(k_seen, {"$keep"}));
    auto n = run(server.set_flags({store::FlagChange{a, flags(0, {"$other"}), {}, {}}}));
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 0u);
    auto v = view(server, nullptr);
    ASSERT_TRUE(v);
    ASSERT_TRUE(v->remote.storable);
    EXPECT_EQ(*v->remote.storable, storable);
}

TEST_F(MemoryStoreTest, RemoveExpungesAndIgnoresWhatIsGone) {
    MemoryStore server(Side::remote);
    const auto a = server.add(message(1));
    const auto b = server.add(message(2));
    ASSERT_TRUE(view(server, nullptr));
    const store::Checkpoint last = server.checkpoint();
    ASSERT_TRUE(run(server.remove({store::Removal{a, false}, store::Removal{uid(42), true}})));
    ASSERT_TRUE(run(server.remove({store::Removal{a, false}})));  // again: nothing left to do
    EXPECT_EQ(server.find(a), nullptr);
    EXPECT_NE(server.find(b), nullptr);
    auto v = view(server, &last);
    ASSERT_TRUE(v);
    EXPECT_EQ(v->remote.vanished, std::vector<model::Uid>{a.uid});

    MemoryStore maildir(Side::local);
    const auto k = maildir.add(message(1));
    ASSERT_TRUE(run(maildir.remove({store::Removal{k, false}})));
    EXPECT_EQ(maildir.size(), 0u);
}

TEST_F(MemoryStoreTest, RetainRecordsWhatTheCallerStillNames) {
    MemoryStore server(Side::remote);
    server.retain({uid(3), uid(1)}, m_rows);
    EXPECT_EQ(server.retained(), (std::vector<store::MessageId>{uid(3), uid(1)}));
}

TEST(MemoryStoreTraits, RemoteWritesNeedACommittedIntentLocalOnesDoNot) {
    const MemoryStore server(Side::remote);
    EXPECT_TRUE(server.traits().write_needs_committed_intent);
    EXPECT_TRUE(server.traits().flags_known_only_after_write);
    EXPECT_EQ(server.side(), Side::remote);
    MemoryStore maildir(Side::local);
    EXPECT_FALSE(maildir.traits().write_needs_committed_intent);
    EXPECT_FALSE(maildir.traits().flags_known_only_after_write);
    maildir.set_traits(store::Traits{true, false});
    EXPECT_TRUE(maildir.traits().write_needs_committed_intent);
}

// --- read ---

TEST_F(MemoryStoreTest, ReadHandsEachMessageToTheSinkInChunks) {
    MemoryStore maildir(Side::local);
    const auto a = maildir.add(message(1));
    const auto b = maildir.add(message(2));
    maildir.set_read_chunk(7);
    RecordingSink sink;
    auto report = run(maildir.read({b, key("gone"), a}, sink));
    ASSERT_TRUE(report);
    ASSERT_EQ(report->not_carried.size(), 1u);
    EXPECT_NE(report->not_carried[0].find("gone"), std::string::npos);
    EXPECT_FALSE(report->fault);
    ASSERT_EQ(sink.received.size(), 2u);
    EXPECT_EQ(sink.received.at(0).bytes, message(2));
    EXPECT_EQ(sink.received.at(0).size, crlf_size(message(2)));
    EXPECT_EQ(sink.received.at(2).bytes, message(1));
    EXPECT_GT(sink.chunks, 4u);
    EXPECT_EQ(sink.pauses, 2u);  // a Maildir read waits after each message

    MemoryStore server(Side::remote);
    const auto u = server.add(message(3));
    RecordingSink streamed;
    ASSERT_TRUE(run(server.read({u}, streamed)));
    EXPECT_EQ(streamed.received.at(0).bytes, message(3));
    EXPECT_EQ(streamed.pauses, 0u);  // a streamed FETCH cannot wait
}

}  // namespace
}  // namespace mailtwin::test
