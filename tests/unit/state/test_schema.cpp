#include "mailtwin/state/schema.hpp"

#include <gtest/gtest.h>

#include <tuple>
#include <utility>

#include "fixtures/temp_dir.hpp"
#include "mailtwin/state/bytes.hpp"
#include "mailtwin/state/codec.hpp"
#include "mailtwin/state/error.hpp"
#include "mailtwin/state/keys.hpp"
#include "mailtwin/state/state_db.hpp"
#include "state_test_util.hpp"

namespace mailtwin::state {
namespace {

using mailtwin::test::TempDir;

// Schema versions 1 to 4 kept a Message-ID index beside by_local_key (dropped in version 5).
constexpr const char* k_by_message_id_db = "by_message_id";

// by_message_id key of those versions: str16 account, the 16 hash bytes; values keys::ref().
std::string message_id_key(std::string_view account, const MessageIdHash& hash) {
    ByteWriter w;
    w.str16(account);
    for (auto b : hash) w.u8(b);
    return w.take();
}

// The databases of the old versions, opened by name as those builds did.
struct OldDbis {
    Dbi meta, folders, messages, by_local_key, by_message_id, intents, keyed, runs;
};

// Versions 0 and 1: `keyed` and `runs` did not exist yet, so a fabricated old file must not have them.
Expected<OldDbis> open_v1_dbis(WriteTxn& txn) {
    OldDbis d;
    for (auto [dbi, name, flags] :
         {std::tuple{&d.meta, schema::k_meta_db, 0U}, std::tuple{&d.folders, schema::k_folders_db, 0U},
          std::tuple{&d.messages, schema::k_messages_db, 0U},
          std::tuple{&d.by_local_key, schema::k_by_local_key_db, unsigned{MDB_DUPSORT}},
          std::tuple{&d.by_message_id, k_by_message_id_db, unsigned{MDB_DUPSORT}},
          std::tuple{&d.intents, schema::k_intents_db, 0U}}) {
        auto opened = Dbi::open(txn, name, flags | MDB_CREATE);
        if (!opened) return util::unexpected(std::move(opened).error());
        *dbi = *opened;
    }
    return d;
}

// Version 4: every database of version 1, plus keyed and runs.
Expected<OldDbis> open_v4_dbis(WriteTxn& txn) {
    auto d = open_v1_dbis(txn);
    if (!d) return d;
    for (auto [dbi, name] : {std::pair{&d->keyed, schema::k_keyed_db}, std::pair{&d->runs, schema::k_runs_db}}) {
        auto opened = Dbi::open(txn, name, MDB_CREATE);
        if (!opened) return util::unexpected(std::move(opened).error());
        *dbi = *opened;
    }
    return d;
}

// Hand-writes a database in an older (or newer) layout: v1 message records, `version` in meta if
// given. Version 1 files also hold their index entries; version 0 (and unmarked) files none, but
// one stale entry, as a database from before the indexes were kept could.
void fabricate(const std::filesystem::path& file, std::optional<std::uint64_t> version) {
    const bool indexed = version && *version >= 1;
    auto env = Env::open(file);
    ASSERT_TRUE(env) << env.error().describe();
    auto r = env->write([&](WriteTxn& txn) -> Expected<void> {
        auto dbis = open_v1_dbis(txn);
        if (!dbis) return util::unexpected(std::move(dbis).error());
        for (model::Uid uid = 1; uid <= 20; ++uid) {
            const MessageRecord m = test::sample_message(uid);
            auto p = txn.put(dbis->messages, keys::message("acc", "INBOX", uid), test::encode_message_v1(m));
            if (!p) return util::unexpected(std::move(p).error());
            if (!indexed) continue;
            auto by_key = txn.put(dbis->by_local_key, keys::local_key("acc", m.local_key), keys::ref("INBOX", uid));
            if (!by_key) return util::unexpected(std::move(by_key).error());
            auto by_mid =
                txn.put(dbis->by_message_id, message_id_key("acc", *m.message_id_hash), keys::ref("INBOX", uid));
            if (!by_mid) return util::unexpected(std::move(by_mid).error());
        }
        if (!indexed) {
            auto stale = txn.put(dbis->by_message_id, message_id_key("acc", test::mid_hash(999)), keys::ref("Gone", 1));
            if (!stale) return util::unexpected(std::move(stale).error());
        }
        if (version) {
            auto v = txn.put(dbis->meta, schema::k_schema_version_key, codec::encode_meta_u64(*version));
            if (!v) return util::unexpected(std::move(v).error());
        }
        return {};
    });
    ASSERT_TRUE(r) << r.error().describe();
}

// Whether the file has a database named `name`, checked without creating it.
bool has_database(const std::filesystem::path& file, const char* name) {
    auto env = Env::open(file);
    EXPECT_TRUE(env) << env.error().describe();
    if (!env) return false;
    auto txn = env->begin_read();
    EXPECT_TRUE(txn);
    if (!txn) return false;
    auto dbi = Dbi::open(*txn, name, 0);
    if (!dbi) {
        EXPECT_EQ(dbi.error().code, make_error_code(Errc::not_found)) << dbi.error().describe();
    }
    return dbi.has_value();
}

// The first byte (record version) of the stored messages value, read raw.
int stored_message_version(StateDb& db, model::Uid uid) {
    int version = -1;
    auto r = db.write([&](WriteTxn& txn) -> Expected<void> {
        auto dbis = schema::open_dbis(txn);
        if (!dbis) return util::unexpected(std::move(dbis).error());
        auto raw = txn.get(dbis->messages, keys::message("acc", "INBOX", uid));
        if (!raw) return util::unexpected(std::move(raw).error());
        if (raw->has_value() && !(*raw)->empty()) version = static_cast<unsigned char>((**raw)[0]);
        return {};
    });
    EXPECT_TRUE(r);
    return version;
}

std::uint64_t version_of(StateDb& db) {
    std::uint64_t version = 0;
    auto r = db.write([&](WriteTxn& txn) -> Expected<void> {
        auto dbis = schema::open_dbis(txn);
        if (!dbis) return util::unexpected(std::move(dbis).error());
        auto v = schema::stored_version(txn, *dbis);
        if (!v) return util::unexpected(std::move(v).error());
        version = *v;
        return {};
    });
    EXPECT_TRUE(r);
    return version;
}

TEST(Schema, FreshDatabaseStartsAtTheCurrentVersion) {
    TempDir dir;
    {
        auto db = StateDb::open(dir / "state.mdb");
        ASSERT_TRUE(db) << db.error().describe();
        EXPECT_EQ(version_of(*db), schema::k_version);
    }
    EXPECT_EQ(schema::k_version, 6U);
    // Checked after closing: one Env per file per process.
    EXPECT_TRUE(has_database(dir / "state.mdb", schema::k_keyed_db));
    EXPECT_TRUE(has_database(dir / "state.mdb", schema::k_runs_db));
    EXPECT_FALSE(has_database(dir / "state.mdb", k_by_message_id_db));
}

TEST(Schema, VersionZeroIsMigratedByRebuildingTheLocalKeyIndex) {
    for (std::optional<std::uint64_t> marker : {std::optional<std::uint64_t>{0}, std::optional<std::uint64_t>{}}) {
        TempDir dir;
        fabricate(dir / "state.mdb", marker);
        {
            auto db = StateDb::open(dir / "state.mdb");
            ASSERT_TRUE(db) << db.error().describe();
            EXPECT_EQ(version_of(*db), schema::k_version);
            for (model::Uid uid : {1U, 12U, 20U}) {
                auto by_key = db->get_by_local_key("acc", "INBOX", test::sample_message(uid).local_key);
                ASSERT_TRUE(by_key && by_key->has_value());
                EXPECT_EQ(**by_key, test::sample_message(uid));
                EXPECT_EQ(test::local_key_refs(*db, "acc", test::sample_message(uid).local_key),
                          (std::vector<MessageRef>{{"INBOX", uid}}));
            }
        }
        EXPECT_FALSE(has_database(dir / "state.mdb", k_by_message_id_db)) << "the stale index goes with its database";
    }
}

TEST(Schema, Version1IsMigratedByAddingKeyedAndChecksummingItsRecords) {
    TempDir dir;
    fabricate(dir / "state.mdb", 1);
    ASSERT_FALSE(has_database(dir / "state.mdb", schema::k_keyed_db)) << "a version-1 file has no keyed database";
    {
        auto db = StateDb::open(dir / "state.mdb");
        ASSERT_TRUE(db) << db.error().describe();
        EXPECT_EQ(version_of(*db), 6U);
        // Version 2 -> 3 rewrites the records with their checksums (v3); read as not detached.
        EXPECT_EQ(stored_message_version(*db, 5), 3);
        auto m = db->get_by_uid("acc", "INBOX", 5);
        ASSERT_TRUE(m && m->has_value()) << (m ? "" : m.error().describe());
        EXPECT_EQ(**m, test::sample_message(5));
        EXPECT_FALSE((*m)->detached);
        std::size_t n = 0;
        ASSERT_TRUE(db->for_each_message("acc", "INBOX", [&](const MessageRecord& r) {
            EXPECT_EQ(r, test::sample_message(r.uid));
            ++n;
            return true;
        }));
        EXPECT_EQ(n, 20U);
        // The v1 local key index is kept as it was.
        EXPECT_EQ((*db->get_by_local_key("acc", "INBOX", test::sample_message(9).local_key))->uid, 9U);

        // Rewriting a record writes v3; the new database takes rows at once.
        MessageRecord detached = test::sample_message(5);
        detached.detached = true;
        ASSERT_TRUE(db->write([&](WriteTxn& txn) -> Expected<void> {
            if (auto r = db->put_message(txn, "acc", "INBOX", detached); !r) return r;
            return db->put_keyed(txn, "acc", "INBOX", test::sample_keyed("upload-1", false));
        }));
        EXPECT_EQ(stored_message_version(*db, 5), 3);
        EXPECT_TRUE((*db->get_by_uid("acc", "INBOX", 5))->detached);
        EXPECT_TRUE(db->get_keyed("acc", "INBOX", "upload-1")->has_value());
    }
    ASSERT_TRUE(has_database(dir / "state.mdb", schema::k_keyed_db));
    ASSERT_TRUE(has_database(dir / "state.mdb", schema::k_runs_db));
    ASSERT_FALSE(has_database(dir / "state.mdb", k_by_message_id_db));
    auto again = StateDb::open(dir / "state.mdb");
    ASSERT_TRUE(again) << again.error().describe();
    EXPECT_EQ(version_of(*again), 6U);
    EXPECT_EQ(**again->get_keyed("acc", "INBOX", "upload-1"), test::sample_keyed("upload-1", false));
}

// The id of the last committed write transaction: it grows by one per commit that wrote pages.
std::size_t last_txn_id(const std::filesystem::path& file) {
    auto env = Env::open(file);
    EXPECT_TRUE(env) << env.error().describe();
    if (!env) return 0;
    MDB_envinfo info{};
    mdb_env_info(env->handle(), &info);
    return info.me_last_txnid;
}

TEST(Schema, Version3IsMigratedByAddingRunsAndAReopenWritesNothing) {
    TempDir dir;
    fabricate(dir / "state.mdb", 3);
    ASSERT_FALSE(has_database(dir / "state.mdb", schema::k_runs_db));
    {
        auto db = StateDb::open(dir / "state.mdb");
        ASSERT_TRUE(db) << db.error().describe();
        EXPECT_EQ(version_of(*db), 6U);
        AccountRuns runs;
        runs.last_run = 5;
        runs.folders["INBOX"].checked_ok = 5;
        ASSERT_TRUE(db->write([&](WriteTxn& txn) { return db->save_runs(txn, "acc", runs); }));
        auto txn = db->begin_read();
        ASSERT_TRUE(txn);
        EXPECT_EQ(**db->load_runs(*txn, "acc"), runs);
        EXPECT_FALSE(db->load_runs(*txn, "other")->has_value());
    }
    // A file at the current version: opening it commits no transaction (a sync that finds nothing to
    // do writes only its run record).
    const std::size_t before = last_txn_id(dir / "state.mdb");
    ASSERT_TRUE(StateDb::open(dir / "state.mdb"));
    EXPECT_EQ(last_txn_id(dir / "state.mdb"), before);
}

// The rows of a version-4 file. Version 5 changed no record layout and version 6 only the folders
// record's (v4 adds the MAILBOXID): the folder is written as v3 (test::encode_folder_v3), the other
// rows by the current encoders, which write the bytes that build wrote (it left the folders record's
// two mtime fields 0, as they are now).
struct V4Rows {
    FolderState folder;
    std::vector<MessageRecord> messages;
    MessageRecord keyed;
    Intent watch;  // a late-append watch, id 1
    AccountRuns runs;
};

V4Rows v4_rows() {
    V4Rows rows;
    rows.folder.uidvalidity = 77;
    rows.folder.highestmodseq = 900;
    rows.folder.uidnext = 7;
    rows.folder.local_path = "/home/u/Mail/INBOX";
    rows.folder.last_sync = 1'700'000'000;
    rows.folder.message_count = 6;
    rows.folder.scan_blob = std::string("\x01stamp", 6);
    rows.folder.after_run_highestmodseq = 905;
    rows.folder.after_run_uidnext = 8;
    rows.folder.after_run_messages = 7;
    rows.folder.skipped_remote = {3};
    rows.folder.skipped_local = {"big.local"};
    for (model::Uid uid = 1; uid <= 6; ++uid) rows.messages.push_back(test::sample_message(uid));
    rows.messages[1].detached = true;
    rows.messages[4].local_key.clear();  // a download in flight: its guard row has no key yet
    rows.keyed = test::sample_keyed("upload-in-doubt", false);
    rows.watch.id = 1;
    rows.watch.folder = "INBOX";
    rows.watch.uid = 6;
    rows.watch.local_key = "upload-in-doubt";
    rows.watch.message_id_hash = test::mid_hash(42);
    rows.watch.content_hash = ContentHash{};
    rows.watch.created = 1'700'000'100;
    rows.runs.last_run = 1'700'000'000;
    rows.runs.folders["INBOX"].checked_ok = 1'700'000'000;
    return rows;
}

// Hand-writes a version-4 file: every database of that version, by_message_id included, with its
// index entries, the intent counter and the schema marker.
void fabricate_v4(const std::filesystem::path& file, const V4Rows& rows) {
    auto env = Env::open(file);
    ASSERT_TRUE(env) << env.error().describe();
    auto r = env->write([&](WriteTxn& txn) -> Expected<void> {
        auto dbis = open_v4_dbis(txn);
        if (!dbis) return util::unexpected(std::move(dbis).error());
        std::vector<std::tuple<MDB_dbi, std::string, std::string>> puts = {
            {dbis->folders, keys::folder("acc", "INBOX"), test::encode_folder_v3(rows.folder)},
            {dbis->keyed, keys::keyed("acc", "INBOX", rows.keyed.local_key), codec::encode(rows.keyed)},
            {dbis->intents, keys::intent("acc", rows.watch.id), codec::encode(rows.watch)},
            {dbis->runs, keys::account_prefix("acc"), codec::encode(rows.runs)},
            {dbis->meta, std::string(schema::k_intent_seq_key), codec::encode_meta_u64(rows.watch.id)},
            {dbis->meta, std::string(schema::k_schema_version_key), codec::encode_meta_u64(4)},
        };
        for (const auto& m : rows.messages) {
            const std::string ref = keys::ref("INBOX", m.uid);
            puts.emplace_back(dbis->messages, keys::message("acc", "INBOX", m.uid), codec::encode(m));
            if (!m.local_key.empty()) puts.emplace_back(dbis->by_local_key, keys::local_key("acc", m.local_key), ref);
            if (m.message_id_hash)
                puts.emplace_back(dbis->by_message_id, message_id_key("acc", *m.message_id_hash), ref);
        }
        for (const auto& [dbi, key, value] : puts)
            if (auto p = txn.put(dbi, key, value); !p) return util::unexpected(std::move(p).error());
        return {};
    });
    ASSERT_TRUE(r) << r.error().describe();
}

TEST(Schema, Version4IsMigratedByDroppingTheMessageIdIndexAndReadsBackEveryRow) {
    TempDir dir;
    const V4Rows rows = v4_rows();
    fabricate_v4(dir / "state.mdb", rows);
    ASSERT_TRUE(has_database(dir / "state.mdb", k_by_message_id_db));
    {
        auto db = StateDb::open(dir / "state.mdb");
        ASSERT_TRUE(db) << db.error().describe();
        EXPECT_EQ(version_of(*db), 6U);
        auto txn = db->begin_read();
        ASSERT_TRUE(txn);
        auto folder = db->load_folder(*txn, "acc", "INBOX");
        ASSERT_TRUE(folder && folder->has_value()) << (folder ? "absent" : folder.error().describe());
        EXPECT_EQ(**folder, rows.folder);
        std::vector<MessageRecord> messages;
        ASSERT_TRUE(db->for_each_message(*txn, "acc", "INBOX", [&](const MessageRecord& m) {
            messages.push_back(m);
            return true;
        }));
        EXPECT_EQ(messages, rows.messages);
        for (const auto& m : rows.messages) {
            if (m.local_key.empty()) continue;
            auto by_key = db->get_by_local_key(*txn, "acc", "INBOX", m.local_key);
            ASSERT_TRUE(by_key && by_key->has_value()) << m.local_key;
            EXPECT_EQ(**by_key, m);
        }
        EXPECT_EQ(**db->get_keyed(*txn, "acc", "INBOX", rows.keyed.local_key), rows.keyed);
        EXPECT_EQ(*db->list_intents(*txn, "acc"), std::vector<Intent>{rows.watch});
        EXPECT_EQ(**db->load_runs(*txn, "acc"), rows.runs);
        txn->abort();

        // Writing goes on as before: the watch counter continues, a message's index entry follows it.
        IntentId next = 0;
        ASSERT_TRUE(db->write([&](WriteTxn& w) -> Expected<void> {
            auto id = db->add_intent(w, "acc", rows.watch);
            if (!id) return util::unexpected(std::move(id).error());
            next = *id;
            return db->put_message(w, "acc", "INBOX", test::sample_message(7));
        }));
        EXPECT_EQ(next, 2U);
        EXPECT_EQ(test::local_key_refs(*db, "acc", test::sample_message(7).local_key),
                  (std::vector<MessageRef>{{"INBOX", 7}}));
    }
    EXPECT_FALSE(has_database(dir / "state.mdb", k_by_message_id_db));
    const std::size_t before = last_txn_id(dir / "state.mdb");
    {
        auto again = StateDb::open(dir / "state.mdb");
        ASSERT_TRUE(again) << again.error().describe();
        EXPECT_EQ(**again->get_by_uid("acc", "INBOX", 2), rows.messages[1]);
    }
    EXPECT_EQ(last_txn_id(dir / "state.mdb"), before) << "migrated once; a reopen writes nothing";
}

// The folders value stored under acc/INBOX, raw.
std::string raw_folder(StateDb& db) {
    std::string out;
    auto r = db.write([&](WriteTxn& txn) -> Expected<void> {
        auto dbis = schema::open_dbis(txn);
        if (!dbis) return util::unexpected(std::move(dbis).error());
        auto raw = txn.get(dbis->folders, keys::folder("acc", "INBOX"));
        if (!raw) return util::unexpected(std::move(raw).error());
        if (raw->has_value()) out = std::string(**raw);
        return {};
    });
    EXPECT_TRUE(r) << r.error().describe();
    return out;
}

TEST(Schema, Version5IsMigratedWithoutRewritingAndItsFoldersHaveNoMailboxId) {
    TempDir dir;
    const V4Rows rows = v4_rows();
    fabricate_v4(dir / "state.mdb", rows);
    {  // What version 5 made of it: the same rows without by_message_id.
        auto env = Env::open(dir / "state.mdb");
        ASSERT_TRUE(env);
        auto r = env->write([&](WriteTxn& txn) -> Expected<void> {
            auto index = Dbi::open(txn, k_by_message_id_db, MDB_DUPSORT);
            if (!index) return util::unexpected(std::move(index).error());
            if (int rc = mdb_drop(txn.handle(), index->handle(), 1); rc != 0)
                return util::unexpected(lmdb_error(rc, "dropping by_message_id"));
            auto meta = Dbi::open(txn, schema::k_meta_db, 0);
            if (!meta) return util::unexpected(std::move(meta).error());
            auto put = txn.put(*meta, schema::k_schema_version_key, codec::encode_meta_u64(5));
            if (!put) return util::unexpected(std::move(put).error());
            return {};
        });
        ASSERT_TRUE(r) << r.error().describe();
    }
    ASSERT_FALSE(has_database(dir / "state.mdb", k_by_message_id_db));
    {
        auto db = StateDb::open(dir / "state.mdb");
        ASSERT_TRUE(db) << db.error().describe();
        EXPECT_EQ(version_of(*db), 6U);
        EXPECT_EQ(raw_folder(*db), test::encode_folder_v3(rows.folder)) << "the migration rewrites nothing";
        auto folder = db->load_folder("acc", "INBOX");
        ASSERT_TRUE(folder && folder->has_value());
        EXPECT_EQ(**folder, rows.folder);
        EXPECT_TRUE((*folder)->mailbox_id.empty());
        EXPECT_EQ(**db->get_by_uid("acc", "INBOX", 2), rows.messages[1]);

        FolderState with_id = rows.folder;
        with_id.mailbox_id = "F2212ea87";
        ASSERT_TRUE(db->write([&](WriteTxn& txn) { return db->save_folder(txn, "acc", "INBOX", with_id); }));
        EXPECT_EQ(raw_folder(*db)[0], '\x04') << "written again, the record is the current version";
        EXPECT_EQ(**db->load_folder("acc", "INBOX"), with_id);
    }
    const std::size_t before = last_txn_id(dir / "state.mdb");
    ASSERT_TRUE(StateDb::open(dir / "state.mdb"));
    EXPECT_EQ(last_txn_id(dir / "state.mdb"), before) << "migrated once; a reopen writes nothing";
}

TEST(Schema, NewerVersionRefusesToOpenAndChangesNothing) {
    TempDir dir;
    fabricate(dir / "state.mdb", schema::k_version + 1);
    auto db = StateDb::open(dir / "state.mdb");
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().code, make_error_code(Errc::newer_schema));
    EXPECT_NE(db.error().message.find("state written by a newer mailtwin"), std::string::npos) << db.error().message;
    EXPECT_NE(db.error().message.find("schema version 7"), std::string::npos) << db.error().message;
    EXPECT_NE(db.error().message.find("understands up to 6"), std::string::npos) << db.error().message;
    EXPECT_FALSE(has_database(dir / "state.mdb", schema::k_keyed_db)) << "a refused open creates nothing";

    auto env = Env::open(dir / "state.mdb");
    ASSERT_TRUE(env);
    auto r = env->write([&](WriteTxn& txn) -> Expected<void> {
        auto dbis = schema::open_dbis(txn);
        if (!dbis) return util::unexpected(std::move(dbis).error());
        auto v = schema::stored_version(txn, *dbis);
        EXPECT_TRUE(v);
        EXPECT_EQ(*v, schema::k_version + 1);
        return {};
    });
    EXPECT_TRUE(r);
}

TEST(Schema, UndecodableMetaVersionIsAnError) {
    TempDir dir;
    {
        auto env = Env::open(dir / "state.mdb");
        ASSERT_TRUE(env);
        ASSERT_TRUE(env->write([&](WriteTxn& txn) -> Expected<void> {
            auto dbis = schema::open_dbis(txn);
            if (!dbis) return util::unexpected(std::move(dbis).error());
            auto p = txn.put(dbis->meta, schema::k_schema_version_key, std::string("\x07garbage"));
            if (!p) return util::unexpected(std::move(p).error());
            return {};
        }));
    }
    auto db = StateDb::open(dir / "state.mdb");
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().code, make_error_code(Errc::unknown_record_version));
}

}  // namespace
}  // namespace mailtwin::state
