#include "mailtwin/state/state_db.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>

#include "fixtures/temp_dir.hpp"
#include "mailtwin/state/error.hpp"
#include "state_test_util.hpp"

namespace mailtwin::state {
namespace {

using mailtwin::test::TempDir;
using test::mid_hash;
using test::sample_message;

FolderState sample_folder() {
    FolderState f;
    f.uidvalidity = 1234567;
    f.highestmodseq = (std::uint64_t{1} << 40) + 7;
    f.uidnext = 501;
    f.local_path = "/home/u/Mail/work/INBOX";
    f.last_sync = 1'700'000'100;
    f.message_count = 42;
    f.scan_blob = std::string("\0\x01\xff", 3);
    return f;
}

class StateDbTest : public ::testing::Test {
protected:
    void SetUp() override { reopen(); }
    void reopen() {
        m_db.reset();
        auto db = StateDb::open(m_dir / "state" / "state.mdb");
        ASSERT_TRUE(db) << db.error().describe();
        m_db.emplace(std::move(*db));
    }
    StateDb& db() { return *m_db; }
    void write(const std::function<Expected<void>(WriteTxn&)>& step) {
        auto r = db().write(step);
        ASSERT_TRUE(r) << r.error().describe();
    }
    void put(const std::string& folder, const MessageRecord& m) {
        write([&](WriteTxn& txn) { return db().put_message(txn, "acc", folder, m); });
    }
    std::vector<model::Uid> uids(const std::string& folder) {
        std::vector<model::Uid> out;
        auto r = db().for_each_message("acc", folder, [&](const MessageRecord& m) {
            out.push_back(m.uid);
            return true;
        });
        EXPECT_TRUE(r);
        return out;
    }

    TempDir m_dir;
    std::optional<StateDb> m_db;
};

TEST_F(StateDbTest, EveryRecordTypeSurvivesReopen) {
    const FolderState folder = sample_folder();
    Intent intent;  // a late-append watch
    intent.kind = IntentKind::append;
    intent.folder = "INBOX";
    intent.uid = 9;
    intent.local_key = "k9";
    intent.message_id_hash = mid_hash(9);
    intent.created = 1'700'000'200;
    IntentId id = 0;
    write([&](WriteTxn& txn) -> Expected<void> {
        if (auto r = db().save_folder(txn, "acc", "INBOX", folder); !r) return r;
        if (auto r = db().put_message(txn, "acc", "INBOX", sample_message(3)); !r) return r;
        auto added = db().add_intent(txn, "acc", intent);
        if (!added) return util::unexpected(std::move(added).error());
        id = *added;
        return {};
    });
    reopen();
    auto f = db().load_folder("acc", "INBOX");
    ASSERT_TRUE(f && f->has_value());
    EXPECT_EQ(**f, folder);
    auto m = db().get_by_uid("acc", "INBOX", 3);
    ASSERT_TRUE(m && m->has_value());
    EXPECT_EQ(**m, sample_message(3));
    auto intents = db().list_intents("acc");
    ASSERT_TRUE(intents);
    ASSERT_EQ(intents->size(), 1U);
    intent.id = id;
    EXPECT_EQ(intents->front(), intent);
    auto folders = db().list_folders("acc");
    ASSERT_TRUE(folders);
    EXPECT_EQ(*folders, std::vector<std::string>{"INBOX"});
}

TEST_F(StateDbTest, MissingThingsAreEmptyNotErrors) {
    auto f = db().load_folder("acc", "Nope");
    ASSERT_TRUE(f);
    EXPECT_FALSE(f->has_value());
    auto m = db().get_by_uid("acc", "Nope", 1);
    ASSERT_TRUE(m);
    EXPECT_FALSE(m->has_value());
    auto l = db().get_by_local_key("acc", "Nope", "x");
    ASSERT_TRUE(l);
    EXPECT_FALSE(l->has_value());
    auto k = db().get_keyed("acc", "Nope", "x");
    ASSERT_TRUE(k);
    EXPECT_FALSE(k->has_value());
    auto w = db().list_intents("acc");
    ASSERT_TRUE(w);
    EXPECT_TRUE(w->empty());
}

TEST_F(StateDbTest, LocalKeyIndexFollowsPutUpdateErase) {
    MessageRecord m = sample_message(7);
    put("INBOX", m);
    auto by_key = db().get_by_local_key("acc", "INBOX", m.local_key);
    ASSERT_TRUE(by_key && by_key->has_value());
    EXPECT_EQ((*by_key)->uid, 7U);
    EXPECT_EQ(test::local_key_refs(db(), "acc", m.local_key), (std::vector<MessageRef>{{"INBOX", 7}}));

    // Update: a new local key; the old index entry must go.
    MessageRecord updated = m;
    updated.local_key = "renamed-key";
    put("INBOX", updated);
    EXPECT_FALSE(db().get_by_local_key("acc", "INBOX", m.local_key)->has_value());
    EXPECT_TRUE(test::local_key_refs(db(), "acc", m.local_key).empty());
    EXPECT_EQ((*db().get_by_local_key("acc", "INBOX", "renamed-key"))->uid, 7U);

    // Same record again: still exactly one index entry.
    put("INBOX", updated);
    EXPECT_EQ(test::local_key_refs(db(), "acc", "renamed-key").size(), 1U);

    bool erased = false;
    write([&](WriteTxn& txn) -> Expected<void> {
        auto r = db().erase_message(txn, "acc", "INBOX", 7);
        if (!r) return util::unexpected(std::move(r).error());
        erased = *r;
        return {};
    });
    EXPECT_TRUE(erased);
    EXPECT_FALSE(db().get_by_uid("acc", "INBOX", 7)->has_value());
    EXPECT_FALSE(db().get_by_local_key("acc", "INBOX", "renamed-key")->has_value());
    EXPECT_TRUE(test::local_key_refs(db(), "acc", "renamed-key").empty());
}

TEST_F(StateDbTest, LocalKeyLookupIsPerFolderOverAnAccountWideIndex) {
    MessageRecord inbox = sample_message(1);
    MessageRecord copy = sample_message(9);
    copy.local_key = inbox.local_key;  // the same file name in another folder
    put("INBOX", inbox);
    put("Archive", copy);
    EXPECT_EQ((*db().get_by_local_key("acc", "INBOX", inbox.local_key))->uid, 1U);
    EXPECT_EQ((*db().get_by_local_key("acc", "Archive", inbox.local_key))->uid, 9U);
    EXPECT_FALSE(db().get_by_local_key("acc", "Arch", inbox.local_key)->has_value());
    EXPECT_EQ(test::local_key_refs(db(), "acc", inbox.local_key),
              (std::vector<MessageRef>{{"Archive", 9}, {"INBOX", 1}}));
    EXPECT_FALSE(db().get_by_local_key("other", "INBOX", inbox.local_key)->has_value());
}

TEST_F(StateDbTest, ForEachIsInUidOrderAndStaysInItsFolder) {
    for (model::Uid uid : {300U, 2U, 70000U, 1U, 256U, 65536U}) put("INBOX", sample_message(uid));
    put("INBOX2", sample_message(5));
    put("INBO", sample_message(6));
    write([&](WriteTxn& txn) { return db().put_message(txn, "acc2", "INBOX", sample_message(4)); });
    EXPECT_EQ(uids("INBOX"), (std::vector<model::Uid>{1, 2, 256, 300, 65536, 70000}));
    EXPECT_EQ(uids("INBOX2"), std::vector<model::Uid>{5});
    EXPECT_EQ(uids("INBO"), std::vector<model::Uid>{6});
    std::vector<model::Uid> first_two;
    ASSERT_TRUE(db().for_each_message("acc", "INBOX", [&](const MessageRecord& m) {
        first_two.push_back(m.uid);
        return first_two.size() < 2;
    }));
    EXPECT_EQ(first_two, (std::vector<model::Uid>{1, 2}));
}

TEST_F(StateDbTest, EraseFolderRemovesMessagesAndIndexEntries) {
    write([&](WriteTxn& txn) { return db().save_folder(txn, "acc", "Old", sample_folder()); });
    for (model::Uid uid = 1; uid <= 50; ++uid) put("Old", sample_message(uid));
    put("Keep", sample_message(1000));
    bool erased = false;
    write([&](WriteTxn& txn) -> Expected<void> {
        auto r = db().erase_folder(txn, "acc", "Old");
        if (!r) return util::unexpected(std::move(r).error());
        erased = *r;
        return {};
    });
    EXPECT_TRUE(erased);
    EXPECT_FALSE(db().load_folder("acc", "Old")->has_value());
    EXPECT_TRUE(uids("Old").empty());
    EXPECT_TRUE(test::local_key_refs(db(), "acc", sample_message(7).local_key).empty());
    EXPECT_EQ(uids("Keep"), std::vector<model::Uid>{1000});
    EXPECT_EQ(test::local_key_refs(db(), "acc", sample_message(1000).local_key).size(), 1U);
}

TEST_F(StateDbTest, LateAppendWatchesGetFreshIdsAndAreRemovedById) {
    Intent append;  // a late-append watch
    append.kind = IntentKind::append;
    append.folder = "INBOX";
    append.uid = 40;
    append.local_key = "new-local";
    append.content_hash = ContentHash{};
    append.created = 5;
    IntentId first = 0;
    IntentId second = 0;
    // Two watches of the same message (its upload was interrupted twice), committed together ...
    write([&](WriteTxn& txn) -> Expected<void> {
        auto a = db().add_intent(txn, "acc", append);
        auto b = db().add_intent(txn, "acc", append);
        if (!a || !b) return util::unexpected(error(Errc::invalid_record, "add_intent"));
        first = *a;
        second = *b;
        return {};
    });
    EXPECT_NE(first, second);
    EXPECT_EQ(db().list_intents("acc")->size(), 2U);
    EXPECT_TRUE(db().list_intents("other")->empty());
    // ... then one is dropped, in the same step as a row (as the late copy's expunge is recorded).
    write([&](WriteTxn& txn) -> Expected<void> {
        MessageRecord m = sample_message(77);
        m.local_key = "new-local";
        if (auto r = db().put_message(txn, "acc", "INBOX", m); !r) return r;
        auto removed = db().remove_intent(txn, "acc", first);
        if (!removed) return util::unexpected(std::move(removed).error());
        EXPECT_TRUE(*removed);
        return {};
    });
    auto left = db().list_intents("acc");
    ASSERT_TRUE(left);
    ASSERT_EQ(left->size(), 1U);
    EXPECT_EQ(left->front().id, second);
    // Ids are never reused, even after removal and reopen.
    write([&](WriteTxn& txn) -> Expected<void> {
        auto removed = db().remove_intent(txn, "acc", second);
        if (!removed) return util::unexpected(std::move(removed).error());
        return {};
    });
    reopen();
    IntentId third = 0;
    write([&](WriteTxn& txn) -> Expected<void> {
        auto c = db().add_intent(txn, "acc", append);
        if (!c) return util::unexpected(std::move(c).error());
        third = *c;
        return {};
    });
    EXPECT_GT(third, second);
}

TEST_F(StateDbTest, RejectsUidZeroAndOverlongNames) {
    auto zero = db().write([&](WriteTxn& txn) { return db().put_message(txn, "acc", "INBOX", sample_message(0)); });
    ASSERT_FALSE(zero);
    EXPECT_EQ(zero.error().code, make_error_code(Errc::invalid_record));
    const std::string long_name(600, 'f');
    auto too_long = db().load_folder("acc", long_name);
    ASSERT_FALSE(too_long);
    EXPECT_EQ(too_long.error().code, make_error_code(Errc::key_too_long));
}

TEST_F(StateDbTest, ReaderSnapshotDoesNotSeeALaterStep) {
    put("INBOX", sample_message(1));
    auto snapshot = db().begin_read();
    ASSERT_TRUE(snapshot);
    put("INBOX", sample_message(2));
    auto old_view = db().get_by_uid(*snapshot, "acc", "INBOX", 2);
    ASSERT_TRUE(old_view);
    EXPECT_FALSE(old_view->has_value());
    snapshot->abort();
    EXPECT_TRUE(db().get_by_uid("acc", "INBOX", 2)->has_value());
}

TEST_F(StateDbTest, StepKilledMidwayLeavesPreviousCommittedState) {
    for (model::Uid uid = 1; uid <= 10; ++uid) put("INBOX", sample_message(uid));
    m_db.reset();
    const auto file = m_dir / "state" / "state.mdb";
    const int status = test::run_in_child([&] {
        auto child = StateDb::open(file);
        if (!child) return 1;
        (void)child->write([&](WriteTxn& txn) -> Expected<void> {
            for (model::Uid uid = 11; uid <= 3000; ++uid)
                if (auto r = child->put_message(txn, "acc", "INBOX", sample_message(uid)); !r) return r;
            (void)child->erase_folder(txn, "acc", "INBOX");
            ::raise(SIGKILL);  // dies inside the step: nothing of it may survive
            return {};
        });
        return 2;
    });
    ASSERT_TRUE(test::killed_by(status, SIGKILL));
    reopen();
    EXPECT_EQ(uids("INBOX").size(), 10U);
    EXPECT_TRUE(test::local_key_refs(db(), "acc", sample_message(11).local_key).empty());
    EXPECT_EQ(test::local_key_refs(db(), "acc", sample_message(10).local_key).size(), 1U);
}

TEST_F(StateDbTest, StepKilledAfterCommitIsKept) {
    m_db.reset();
    const auto file = m_dir / "state" / "state.mdb";
    const int status = test::run_in_child([&] {
        auto child = StateDb::open(file);
        if (!child) return 1;
        auto r = child->write([&](WriteTxn& txn) -> Expected<void> {
            for (model::Uid uid = 1; uid <= 3000; ++uid)
                if (auto p = child->put_message(txn, "acc", "INBOX", sample_message(uid)); !p) return p;
            return {};
        });
        if (!r) return 2;
        ::raise(SIGKILL);
        return 3;
    });
    ASSERT_TRUE(test::killed_by(status, SIGKILL));
    reopen();
    EXPECT_EQ(uids("INBOX").size(), 3000U);
    EXPECT_EQ(test::local_key_refs(db(), "acc", sample_message(2999).local_key).size(), 1U);
}

TEST(StateDbGrowth, TinyMapGrowsAndKeepsEverything) {
    TempDir dir;
    Env::Options options;
    options.map_size = 64 * 1024;
    {
        auto db = StateDb::open(dir / "state.mdb", options);
        ASSERT_TRUE(db) << db.error().describe();
        for (model::Uid batch = 0; batch < 20; ++batch) {
            auto r = db->write([&](WriteTxn& txn) -> Expected<void> {
                for (model::Uid uid = batch * 250 + 1; uid <= (batch + 1) * 250; ++uid)
                    if (auto p = db->put_message(txn, "acc", "INBOX", sample_message(uid)); !p) return p;
                return {};
            });
            ASSERT_TRUE(r) << r.error().describe();
        }
        EXPECT_GE(db->env().map_size(), std::size_t{64 * 1024 * 8});
    }
    auto db = StateDb::open(dir / "state.mdb", options);
    ASSERT_TRUE(db);
    std::size_t n = 0;
    ASSERT_TRUE(db->for_each_message("acc", "INBOX", [&](const MessageRecord& m) {
        EXPECT_EQ(m, sample_message(m.uid));
        ++n;
        return true;
    }));
    EXPECT_EQ(n, 5000U);
    EXPECT_EQ(test::local_key_refs(*db, "acc", sample_message(4321).local_key).size(), 1U);
}

}  // namespace
}  // namespace mailtwin::state
