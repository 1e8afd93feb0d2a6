// Record checksums (schema 3): a record whose bytes changed on disk is unreadable, never misread;
// the state database reports it, skips it on request, replaces and erases it without reading it, and
// files of schema 2 are migrated to checksummed records.
#include <gtest/gtest.h>

#include "fixtures/temp_dir.hpp"
#include "mailtwin/state/codec.hpp"
#include "mailtwin/state/error.hpp"
#include "mailtwin/state/keys.hpp"
#include "mailtwin/state/state_db.hpp"
#include "state_test_util.hpp"

namespace mailtwin::state {
namespace {

using mailtwin::test::TempDir;

FolderState sample_folder() {
    FolderState f;
    f.uidvalidity = 1234;
    f.highestmodseq = 99;
    f.uidnext = 42;
    f.local_path = "/home/u/Mail/INBOX";
    f.last_sync = 1700000000;
    f.message_count = 41;
    f.scan_blob = std::string("\x01\x02stamp", 7);
    // As a run that wrote nothing to the server leaves it, and as older records decode.
    f.after_run_highestmodseq = f.highestmodseq;
    f.after_run_uidnext = f.uidnext;
    f.after_run_messages = f.message_count;
    return f;
}

TEST(RecordChecksum, EveryChangedByteOfAMessageRecordIsCaught) {
    const MessageRecord m = test::sample_message(6);
    const std::string good = codec::encode(m);
    ASSERT_EQ(good[0], static_cast<char>(codec::k_message_version));
    for (std::size_t i = 0; i < good.size(); ++i)
        for (unsigned char flip : {0x01, 0x80, 0xFF}) {
            std::string bad = good;
            bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ flip);
            auto decoded = codec::decode_message(bad, 6);
            ASSERT_FALSE(decoded) << "byte " << i << " xor " << int(flip) << " went unnoticed";
            EXPECT_TRUE(is_unreadable_record(decoded.error())) << decoded.error().describe();
        }
}

TEST(RecordChecksum, AMessageRecordUnderAnotherUidFails) {
    const std::string bytes = codec::encode(test::sample_message(6));
    EXPECT_TRUE(codec::decode_message(bytes, 6));
    auto moved = codec::decode_message(bytes, 7);
    ASSERT_FALSE(moved);
    EXPECT_EQ(moved.error().code, make_error_code(Errc::checksum_mismatch));
}

TEST(RecordChecksum, EveryChangedByteOfAFolderRecordIsCaught) {
    const std::string good = codec::encode(sample_folder());
    ASSERT_EQ(*codec::decode_folder(good), sample_folder());
    for (std::size_t i = 0; i < good.size(); ++i) {
        std::string bad = good;
        bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ 0x10);
        auto decoded = codec::decode_folder(bad);
        ASSERT_FALSE(decoded) << "byte " << i << " went unnoticed";
        EXPECT_TRUE(is_unreadable_record(decoded.error()));
    }
}

TEST(RecordChecksum, RecordsWrittenBeforeChecksumsStillDecode) {
    const MessageRecord m = test::sample_message(9);
    EXPECT_EQ(*codec::decode_message(test::encode_message_v2(m), 9), m);
    EXPECT_EQ(*codec::decode_message(test::encode_message_v1(m), 9), m);
    EXPECT_EQ(*codec::decode_folder(test::encode_folder_v1(sample_folder())), sample_folder());
}

TEST(RecordChecksum, NewerSchemaErrorsAreNotUnreadableRecords) {
    EXPECT_FALSE(is_unreadable_record(util::Error{make_error_code(Errc::newer_schema), "x"}));
    EXPECT_FALSE(is_unreadable_record(util::Error{std::make_error_code(std::errc::io_error), "x"}));
    EXPECT_TRUE(is_unreadable_record(util::Error{make_error_code(Errc::checksum_mismatch), "x"}));
}

// Overwrites a stored value as a disk fault would: the bytes change, LMDB still reads the page.
void damage(StateDb& db, MDB_dbi dbi, const std::string& key) {
    ASSERT_TRUE(db.write([&](WriteTxn& txn) -> Expected<void> {
        auto raw = txn.get(dbi, key);
        if (!raw) return util::unexpected(std::move(raw).error());
        std::string bytes(**raw);
        bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x5A);
        auto put = txn.put(dbi, key, bytes);
        if (!put) return util::unexpected(std::move(put).error());
        return {};
    }));
}

schema::Dbis dbis_of(StateDb& db) {
    schema::Dbis out;
    EXPECT_TRUE(db.write([&](WriteTxn& txn) -> Expected<void> {
        auto d = schema::open_dbis(txn);
        if (!d) return util::unexpected(std::move(d).error());
        out = *d;
        return {};
    }));
    return out;
}

TEST(RecordChecksum, UnreadableRecordsAreReportedSkippedReplacedAndErased) {
    TempDir dir;
    auto db = StateDb::open(dir / "state.mdb");
    ASSERT_TRUE(db) << db.error().describe();
    ASSERT_TRUE(db->write([&](WriteTxn& txn) -> Expected<void> {
        for (model::Uid uid = 1; uid <= 5; ++uid)
            if (auto r = db->put_message(txn, "acc", "INBOX", test::sample_message(uid)); !r) return r;
        if (auto r = db->put_keyed(txn, "acc", "INBOX", test::sample_keyed("up-1", false)); !r) return r;
        return db->save_folder(txn, "acc", "INBOX", sample_folder());
    }));
    const auto dbis = dbis_of(*db);
    damage(*db, dbis.messages, keys::message("acc", "INBOX", 3));
    damage(*db, dbis.keyed, keys::keyed("acc", "INBOX", "up-1"));

    // Without a visitor for them, an unreadable record fails the listing; with one it is skipped.
    EXPECT_FALSE(db->for_each_message("acc", "INBOX", [](const MessageRecord&) { return true; }));
    std::vector<model::Uid> seen;
    std::size_t unreadable = 0;
    auto txn = db->begin_read();
    ASSERT_TRUE(txn);
    ASSERT_TRUE(db->for_each_message(
        *txn, "acc", "INBOX",
        [&](const MessageRecord& r) {
            seen.push_back(r.uid);
            return true;
        },
        [&](std::string_view, const util::Error& e) {
            EXPECT_TRUE(is_unreadable_record(e));
            ++unreadable;
        }));
    ASSERT_TRUE(db->for_each_keyed(
        *txn, "acc", "INBOX", [](const MessageRecord&) { return true; },
        [&](std::string_view, const util::Error&) { ++unreadable; }));
    txn->abort();
    EXPECT_EQ(seen, (std::vector<model::Uid>{1, 2, 4, 5}));
    EXPECT_EQ(unreadable, 2U);

    // Its index entry finds nothing (the record cannot say it holds that key); a valid record that
    // takes the key later is found past the stale entry.
    const std::string key3 = test::sample_message(3).local_key;
    EXPECT_FALSE(db->get_by_local_key("acc", "INBOX", key3)->has_value());

    ASSERT_TRUE(db->write([&](WriteTxn& w) -> Expected<void> {
        auto n = db->erase_unreadable(w, "acc", "INBOX");
        if (!n) return util::unexpected(std::move(n).error());
        EXPECT_EQ(*n, 2U);
        MessageRecord again = test::sample_message(8);
        again.local_key = key3;
        return db->put_message(w, "acc", "INBOX", again);
    }));
    EXPECT_EQ((*db->get_by_local_key("acc", "INBOX", key3))->uid, 8U);
    EXPECT_TRUE(db->for_each_message("acc", "INBOX", [](const MessageRecord&) { return true; }));
    EXPECT_FALSE(db->get_keyed("acc", "INBOX", "up-1")->has_value());
    EXPECT_EQ(**db->load_folder("acc", "INBOX"), sample_folder());

    // An unreadable record is replaced and removed without being read.
    damage(*db, dbis.messages, keys::message("acc", "INBOX", 4));
    ASSERT_TRUE(db->write([&](WriteTxn& w) -> Expected<void> {
        if (auto r = db->put_message(w, "acc", "INBOX", test::sample_message(4)); !r) return r;
        return {};
    }));
    EXPECT_EQ(**db->get_by_uid("acc", "INBOX", 4), test::sample_message(4));
    damage(*db, dbis.messages, keys::message("acc", "INBOX", 5));
    ASSERT_TRUE(db->write([&](WriteTxn& w) -> Expected<void> {
        auto erased = db->erase_message(w, "acc", "INBOX", 5);
        if (!erased) return util::unexpected(std::move(erased).error());
        EXPECT_TRUE(*erased);
        return {};
    }));
    EXPECT_FALSE(db->get_by_uid("acc", "INBOX", 5)->has_value());

    // A damaged folder record is unreadable and erased too.
    damage(*db, dbis.folders, keys::folder("acc", "INBOX"));
    auto folder = db->load_folder("acc", "INBOX");
    ASSERT_FALSE(folder);
    EXPECT_TRUE(is_unreadable_record(folder.error()));
    ASSERT_TRUE(db->write([&](WriteTxn& w) -> Expected<void> {
        auto n = db->erase_unreadable(w, "acc", "INBOX");
        if (!n) return util::unexpected(std::move(n).error());
        EXPECT_EQ(*n, 1U);
        return {};
    }));
    EXPECT_FALSE(db->load_folder("acc", "INBOX")->has_value());
}

TEST(RecordChecksum, SchemaTwoFilesAreRewrittenWithChecksums) {
    TempDir dir;
    {
        auto db = StateDb::open(dir / "state.mdb");
        ASSERT_TRUE(db);
        const auto dbis = dbis_of(*db);
        // Records as schema 2 wrote them (no checksum), then the file marked as schema 2.
        ASSERT_TRUE(db->write([&](WriteTxn& txn) -> Expected<void> {
            for (model::Uid uid = 1; uid <= 3; ++uid)
                if (auto r = db->put_message(txn, "acc", "INBOX", test::sample_message(uid)); !r) return r;
            for (model::Uid uid = 1; uid <= 3; ++uid) {
                auto p = txn.put(dbis.messages, keys::message("acc", "INBOX", uid),
                                 test::encode_message_v2(test::sample_message(uid)));
                if (!p) return util::unexpected(std::move(p).error());
            }
            auto keyed = txn.put(dbis.keyed, keys::keyed("acc", "INBOX", "up-2"),
                                 test::encode_message_v2(test::sample_keyed("up-2", true)));
            if (!keyed) return util::unexpected(std::move(keyed).error());
            if (auto p = txn.put(dbis.folders, keys::folder("acc", "INBOX"), test::encode_folder_v1(sample_folder()));
                !p)
                return util::unexpected(std::move(p).error());
            auto v = txn.put(dbis.meta, schema::k_schema_version_key, codec::encode_meta_u64(2));
            if (!v) return util::unexpected(std::move(v).error());
            return {};
        }));
    }
    auto db = StateDb::open(dir / "state.mdb");
    ASSERT_TRUE(db) << db.error().describe();
    const auto dbis = dbis_of(*db);
    auto txn = db->begin_read();
    ASSERT_TRUE(txn);
    for (model::Uid uid = 1; uid <= 3; ++uid) {
        auto raw = txn->get(dbis.messages, keys::message("acc", "INBOX", uid));
        ASSERT_TRUE(raw && raw->has_value());
        EXPECT_EQ((**raw)[0], static_cast<char>(codec::k_message_version));
        EXPECT_EQ(*codec::decode_message(**raw, uid), test::sample_message(uid));
    }
    auto keyed = txn->get(dbis.keyed, keys::keyed("acc", "INBOX", "up-2"));
    ASSERT_TRUE(keyed && keyed->has_value());
    EXPECT_EQ((**keyed)[0], static_cast<char>(codec::k_message_version));
    auto folder = txn->get(dbis.folders, keys::folder("acc", "INBOX"));
    ASSERT_TRUE(folder && folder->has_value());
    EXPECT_EQ((**folder)[0], static_cast<char>(codec::k_folder_version));
    txn->abort();
    EXPECT_EQ(**db->load_folder("acc", "INBOX"), sample_folder());
    EXPECT_EQ(**db->get_keyed("acc", "INBOX", "up-2"), test::sample_keyed("up-2", true));
}

}  // namespace
}  // namespace mailtwin::state
