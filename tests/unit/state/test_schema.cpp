#include "mailtwin/state/schema.hpp"

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

// Hand-writes a database in an older (or newer) layout: records only, `version` in meta if given,
// plus one stale index entry that a version-0 database could hold.
void fabricate(const std::filesystem::path& file, std::optional<std::uint64_t> version) {
    auto env = Env::open(file);
    ASSERT_TRUE(env) << env.error().describe();
    auto r = env->write([&](WriteTxn& txn) -> Expected<void> {
        auto dbis = schema::open_dbis(txn);
        if (!dbis) return util::unexpected(std::move(dbis).error());
        for (model::Uid uid = 1; uid <= 20; ++uid) {
            auto p = txn.put(dbis->messages, keys::message("acc", "INBOX", uid), codec::encode(test::sample_message(uid)));
            if (!p) return util::unexpected(std::move(p).error());
        }
        auto stale = txn.put(dbis->by_message_id, keys::message_id("acc", test::mid_hash(999)), keys::ref("Gone", 1));
        if (!stale) return util::unexpected(std::move(stale).error());
        if (version) {
            auto v = txn.put(dbis->meta, schema::k_schema_version_key, codec::encode_meta_u64(*version));
            if (!v) return util::unexpected(std::move(v).error());
        }
        return {};
    });
    ASSERT_TRUE(r) << r.error().describe();
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
    auto db = StateDb::open(dir / "state.mdb");
    ASSERT_TRUE(db) << db.error().describe();
    EXPECT_EQ(version_of(*db), schema::k_version);
    EXPECT_EQ(schema::k_version, 1U);
}

TEST(Schema, VersionZeroIsMigratedByRebuildingIndexes) {
    for (std::optional<std::uint64_t> marker : {std::optional<std::uint64_t>{0}, std::optional<std::uint64_t>{}}) {
        TempDir dir;
        fabricate(dir / "state.mdb", marker);
        auto db = StateDb::open(dir / "state.mdb");
        ASSERT_TRUE(db) << db.error().describe();
        EXPECT_EQ(version_of(*db), schema::k_version);
        auto refs = db->find_by_message_id_hash("acc", test::mid_hash(7));
        ASSERT_TRUE(refs);
        EXPECT_EQ(*refs, (std::vector<MessageRef>{{"INBOX", 7}}));
        auto by_key = db->get_by_local_key("acc", "INBOX", test::sample_message(12).local_key);
        ASSERT_TRUE(by_key && by_key->has_value());
        EXPECT_EQ((*by_key)->uid, 12U);
        EXPECT_TRUE(db->find_by_message_id_hash("acc", test::mid_hash(999))->empty()) << "stale entry dropped";
    }
}

TEST(Schema, NewerVersionRefusesToOpenAndChangesNothing) {
    TempDir dir;
    fabricate(dir / "state.mdb", schema::k_version + 1);
    auto db = StateDb::open(dir / "state.mdb");
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().code, make_error_code(Errc::newer_schema));
    EXPECT_NE(db.error().message.find("state written by a newer mailtwin"), std::string::npos) << db.error().message;
    EXPECT_NE(db.error().message.find("schema version 2"), std::string::npos) << db.error().message;

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
