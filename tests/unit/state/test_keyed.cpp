// The keyed database: planner rows without a uid, stored by (account, folder, local key).
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "fixtures/temp_dir.hpp"
#include "mailtwin/state/error.hpp"
#include "mailtwin/state/keys.hpp"
#include "mailtwin/state/state_db.hpp"
#include "state_test_util.hpp"

namespace mailtwin::state {
namespace {

using mailtwin::test::TempDir;
using test::sample_keyed;
using test::sample_message;

class KeyedTest : public ::testing::Test {
protected:
    void SetUp() override { reopen(); }
    void reopen() {
        m_db.reset();
        auto db = StateDb::open(m_dir / "state.mdb");
        ASSERT_TRUE(db) << db.error().describe();
        m_db.emplace(std::move(*db));
    }
    StateDb& db() { return *m_db; }
    void write(const std::function<Expected<void>(WriteTxn&)>& step) {
        auto r = db().write(step);
        ASSERT_TRUE(r) << r.error().describe();
    }
    void put(const std::string& folder, const MessageRecord& m, const std::string& account = "acc") {
        write([&](WriteTxn& txn) { return db().put_keyed(txn, account, folder, m); });
    }
    std::vector<std::string> keys_in(const std::string& folder, const std::string& account = "acc") {
        std::vector<std::string> out;
        auto r = db().for_each_keyed(account, folder, [&](const MessageRecord& m) {
            EXPECT_EQ(m.uid, 0U);
            out.push_back(m.local_key);
            return true;
        });
        EXPECT_TRUE(r) << r.error().describe();
        return out;
    }
    std::optional<MessageRecord> get(const std::string& folder, const std::string& key) {
        auto r = db().get_keyed("acc", folder, key);
        EXPECT_TRUE(r) << r.error().describe();
        return r ? *r : std::nullopt;
    }
    Expected<bool> erase(const std::string& folder, const std::string& key) {
        Expected<bool> out = false;
        auto r = db().write([&](WriteTxn& txn) -> Expected<void> {
            out = db().erase_keyed(txn, "acc", folder, key);
            if (!out) return util::unexpected(out.error());
            return {};
        });
        if (!r) return util::unexpected(std::move(r).error());
        return out;
    }

    TempDir m_dir;
    std::optional<StateDb> m_db;
};

TEST_F(KeyedTest, RowsSurviveReopenWithTheirDetachedBit) {
    const MessageRecord upload = sample_keyed("1700000001.M1P1.host", false);
    const MessageRecord orphan = sample_keyed("1700000002.M2P1.host", true);
    write([&](WriteTxn& txn) -> Expected<void> {
        if (auto r = db().put_keyed(txn, "acc", "INBOX", upload); !r) return r;
        return db().put_keyed(txn, "acc", "INBOX", orphan);
    });
    reopen();
    EXPECT_EQ(get("INBOX", upload.local_key), upload);
    EXPECT_EQ(get("INBOX", orphan.local_key), orphan);
    EXPECT_TRUE(get("INBOX", orphan.local_key)->detached);
    EXPECT_FALSE(get("INBOX", upload.local_key)->detached);
    EXPECT_FALSE(get("INBOX", "absent").has_value());
    EXPECT_FALSE(get("Other", upload.local_key).has_value());
    EXPECT_FALSE(get("INBOX", "").has_value());
}

TEST_F(KeyedTest, PutReplacesAndEraseReportsWhetherARowWasThere) {
    put("INBOX", sample_keyed("k1", false));
    MessageRecord changed = sample_keyed("k1", true);
    changed.size = 4242;
    changed.message_id_hash.reset();
    put("INBOX", changed);
    EXPECT_EQ(get("INBOX", "k1"), changed);
    EXPECT_EQ(keys_in("INBOX"), std::vector<std::string>{"k1"});

    auto first = erase("INBOX", "k1");
    ASSERT_TRUE(first) << first.error().describe();
    EXPECT_TRUE(*first);
    auto second = erase("INBOX", "k1");
    ASSERT_TRUE(second);
    EXPECT_FALSE(*second);
    auto empty_key = erase("INBOX", "");
    ASSERT_TRUE(empty_key);
    EXPECT_FALSE(*empty_key);
    EXPECT_FALSE(get("INBOX", "k1").has_value());
    EXPECT_TRUE(keys_in("INBOX").empty());
}

TEST_F(KeyedTest, ForEachWalksOneFolderInLocalKeyOrderAndCanStop) {
    for (const char* k : {"ba", "b", "aa", "a", "c"}) put("INBOX", sample_keyed(k, false));
    put("INBOX2", sample_keyed("x", false));
    put("INBO", sample_keyed("y", false));
    put("INBOX", sample_keyed("z", false), "acc2");
    // Byte order of the local key, not length first: the key's last component is unprefixed.
    EXPECT_EQ(keys_in("INBOX"), (std::vector<std::string>{"a", "aa", "b", "ba", "c"}));
    EXPECT_EQ(keys_in("INBOX2"), std::vector<std::string>{"x"});
    EXPECT_EQ(keys_in("INBO"), std::vector<std::string>{"y"});
    EXPECT_EQ(keys_in("INBOX", "acc2"), std::vector<std::string>{"z"});
    EXPECT_TRUE(keys_in("Nope").empty());

    std::vector<std::string> first_two;
    ASSERT_TRUE(db().for_each_keyed("acc", "INBOX", [&](const MessageRecord& m) {
        first_two.push_back(m.local_key);
        return first_two.size() < 2;
    }));
    EXPECT_EQ(first_two, (std::vector<std::string>{"a", "aa"}));
}

TEST_F(KeyedTest, KeyedRowsAreSeparateFromMessagesAndTheirIndex) {
    const MessageRecord pair = sample_message(3);
    MessageRecord pending = sample_keyed(pair.local_key, false);
    pending.message_id_hash = test::mid_hash(3000);
    write([&](WriteTxn& txn) -> Expected<void> {
        if (auto r = db().put_message(txn, "acc", "INBOX", pair); !r) return r;
        return db().put_keyed(txn, "acc", "INBOX", pending);
    });
    EXPECT_EQ(**db().get_by_uid("acc", "INBOX", 3), pair);
    EXPECT_EQ(get("INBOX", pair.local_key), pending);
    EXPECT_EQ(test::local_key_refs(db(), "acc", pair.local_key), (std::vector<MessageRef>{{"INBOX", 3}}));
    std::vector<model::Uid> uids;
    ASSERT_TRUE(db().for_each_message("acc", "INBOX", [&](const MessageRecord& m) {
        uids.push_back(m.uid);
        return true;
    }));
    EXPECT_EQ(uids, std::vector<model::Uid>{3});

    // The row learns its uid: one step moves it from keyed to messages.
    write([&](WriteTxn& txn) -> Expected<void> {
        auto erased = db().erase_keyed(txn, "acc", "INBOX", pending.local_key);
        if (!erased) return util::unexpected(std::move(erased).error());
        MessageRecord known = pending;
        known.uid = 44;
        return db().put_message(txn, "acc", "INBOX", known);
    });
    EXPECT_FALSE(get("INBOX", pair.local_key).has_value());
    EXPECT_EQ(test::local_key_refs(db(), "acc", pair.local_key),
              (std::vector<MessageRef>{{"INBOX", 3}, {"INBOX", 44}}));
    EXPECT_EQ((*db().get_by_uid("acc", "INBOX", 44))->message_id_hash, test::mid_hash(3000));
}

TEST_F(KeyedTest, RefusesAUidAnEmptyKeyAndOverlongKeys) {
    auto with_uid = db().write([&](WriteTxn& txn) { return db().put_keyed(txn, "acc", "INBOX", sample_message(5)); });
    ASSERT_FALSE(with_uid);
    EXPECT_EQ(with_uid.error().code, make_error_code(Errc::invalid_record));
    EXPECT_NE(with_uid.error().message.find("uid 5"), std::string::npos) << with_uid.error().message;

    auto no_key =
        db().write([&](WriteTxn& txn) { return db().put_keyed(txn, "acc", "INBOX", sample_keyed("", false)); });
    ASSERT_FALSE(no_key);
    EXPECT_EQ(no_key.error().code, make_error_code(Errc::invalid_record));

    // Each name fits alone; together they exceed LMDB's key limit.
    const std::string folder(300, 'f');
    const std::string local(300, 'k');
    ASSERT_TRUE(keys::check_names("acc", folder, local));
    auto too_long =
        db().write([&](WriteTxn& txn) { return db().put_keyed(txn, "acc", folder, sample_keyed(local, false)); });
    ASSERT_FALSE(too_long);
    EXPECT_EQ(too_long.error().code, make_error_code(Errc::key_too_long));
    auto get_long = db().get_keyed("acc", folder, local);
    ASSERT_FALSE(get_long);
    EXPECT_EQ(get_long.error().code, make_error_code(Errc::key_too_long));

    EXPECT_TRUE(keys_in("INBOX").empty()) << "a refused put stores nothing";
}

TEST_F(KeyedTest, EraseFolderTakesItsKeyedRows) {
    for (const char* k : {"a", "b", "c"}) put("Old", sample_keyed(k, false));
    put("OldX", sample_keyed("a", false));
    put("Old", sample_keyed("a", false), "acc2");
    // A folder with nothing but keyed rows still counts as having state.
    bool erased = false;
    write([&](WriteTxn& txn) -> Expected<void> {
        auto r = db().erase_folder(txn, "acc", "Old");
        if (!r) return util::unexpected(std::move(r).error());
        erased = *r;
        return {};
    });
    EXPECT_TRUE(erased);
    EXPECT_TRUE(keys_in("Old").empty());
    EXPECT_EQ(keys_in("OldX"), std::vector<std::string>{"a"});
    EXPECT_EQ(keys_in("Old", "acc2"), std::vector<std::string>{"a"});

    write([&](WriteTxn& txn) -> Expected<void> {
        auto r = db().erase_folder(txn, "acc", "Old");
        if (!r) return util::unexpected(std::move(r).error());
        erased = *r;
        return {};
    });
    EXPECT_FALSE(erased);
}

TEST_F(KeyedTest, TxnOverloadsSeeTheirOwnTxn) {
    put("INBOX", sample_keyed("before", false));
    auto snapshot = db().begin_read();
    ASSERT_TRUE(snapshot);
    write([&](WriteTxn& txn) -> Expected<void> {
        if (auto r = db().put_keyed(txn, "acc", "INBOX", sample_keyed("after", true)); !r) return r;
        // Visible inside the step that wrote it.
        auto seen = db().get_keyed(txn, "acc", "INBOX", "after");
        if (!seen) return util::unexpected(std::move(seen).error());
        EXPECT_TRUE(seen->has_value());
        std::size_t n = 0;
        auto walked = db().for_each_keyed(txn, "acc", "INBOX", [&](const MessageRecord&) {
            ++n;
            return true;
        });
        EXPECT_EQ(n, 2U);
        return walked;
    });
    // The earlier snapshot does not see the later step.
    auto old_view = db().get_keyed(*snapshot, "acc", "INBOX", "after");
    ASSERT_TRUE(old_view);
    EXPECT_FALSE(old_view->has_value());
    std::vector<std::string> old_keys;
    ASSERT_TRUE(db().for_each_keyed(*snapshot, "acc", "INBOX", [&](const MessageRecord& m) {
        old_keys.push_back(m.local_key);
        return true;
    }));
    EXPECT_EQ(old_keys, std::vector<std::string>{"before"});
    snapshot->abort();
    EXPECT_EQ(keys_in("INBOX"), (std::vector<std::string>{"after", "before"}));
}

}  // namespace
}  // namespace mailtwin::state
