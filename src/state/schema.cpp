#include "mailtwin/state/schema.hpp"

#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "indexes.hpp"
#include "mailtwin/state/bytes.hpp"
#include "mailtwin/state/codec.hpp"
#include "mailtwin/state/error.hpp"

namespace mailtwin::state::schema {
namespace {

using Migration = Expected<void> (*)(WriteTxn&, const Dbis&);

// Version 0 is the layout before the secondary indexes were kept (and before meta held a version):
// folders and messages records as in version 1, indexes missing or stale. Bring it up by
// rebuilding by_local_key from messages (a stale by_message_id goes with migrate_from_4).
Expected<void> migrate_from_0(WriteTxn& txn, const Dbis& dbis) { return rebuild_indexes(txn, dbis); }

// Version 2 adds the keyed database and the v2 messages record. The v1 records already in messages
// stay as they are: the decoder reads both versions (a v1 record is not detached) and put_message
// rewrites a record as v2 when it next changes. So the step is creating keyed. open_dbis opens it
// with MDB_CREATE too, because a fresh file skips the migrations; in one txn LMDB hands back the same
// handle for the same name, so the order of the two does not matter.
Expected<void> migrate_from_1(WriteTxn& txn, const Dbis& /*dbis*/) {
    auto keyed = Dbi::open(txn, k_keyed_db, MDB_CREATE);
    if (!keyed) return util::unexpected(std::move(keyed).error());
    return {};
}

// Re-encodes every record of `dbi` with `recode` (decode, then encode at the current version). A
// record that does not decode is left as it is: loading it later reports it, and the engine treats
// it as unknown (a rewrite would hide the damage under a valid checksum).
template <typename Recode>
Expected<void> rewrite_all(WriteTxn& txn, MDB_dbi dbi, Recode recode) {
    std::vector<std::pair<std::string, std::string>> rewritten;
    {
        auto cursor = Cursor::open(txn, dbi);
        if (!cursor) return util::unexpected(std::move(cursor).error());
        for (auto e = cursor->get(MDB_FIRST);; e = cursor->get(MDB_NEXT)) {
            if (!e) return util::unexpected(std::move(e).error());
            if (!e->has_value()) break;
            if (auto value = recode((*e)->key, (*e)->value))
                rewritten.emplace_back(std::string((*e)->key), std::move(*value));
        }
    }
    for (const auto& [key, value] : rewritten)
        if (auto put = txn.put(dbi, key, value); !put) return util::unexpected(std::move(put).error());
    return {};
}

// Version 3 adds the record checksums: the records of version 2 are written again with them.
Expected<void> migrate_from_2(WriteTxn& txn, const Dbis& dbis) {
    auto folders =
        rewrite_all(txn, dbis.folders, [](std::string_view, std::string_view value) -> std::optional<std::string> {
            auto f = codec::decode_folder(value);
            return f ? std::optional<std::string>(codec::encode(*f)) : std::nullopt;
        });
    if (!folders) return folders;
    auto messages =
        rewrite_all(txn, dbis.messages, [](std::string_view key, std::string_view value) -> std::optional<std::string> {
            ByteReader k(key);
            k.str16();
            k.str16();
            const model::Uid uid = k.u32();
            if (k.failed() || !k.at_end()) return std::nullopt;
            auto m = codec::decode_message(value, uid);
            return m ? std::optional<std::string>(codec::encode(*m)) : std::nullopt;
        });
    if (!messages) return messages;
    return rewrite_all(txn, dbis.keyed, [](std::string_view, std::string_view value) -> std::optional<std::string> {
        auto m = codec::decode_message(value, 0);
        return m ? std::optional<std::string>(codec::encode(*m)) : std::nullopt;
    });
}

// Version 4 adds the runs database; the v3 folders record that comes with it is written as folders
// change (the decoder reads v1 and v2). Created here and in open_dbis, as keyed was.
Expected<void> migrate_from_3(WriteTxn& txn, const Dbis& /*dbis*/) {
    auto runs = Dbi::open(txn, k_runs_db, MDB_CREATE);
    if (!runs) return util::unexpected(std::move(runs).error());
    return {};
}

// The Message-ID index of versions 1 to 4: account + 16 hash bytes -> refs (folder, uid), DUPSORT.
constexpr const char* k_old_by_message_id_db = "by_message_id";

// Version 5 drops the Message-ID index: written with every message record, read by nothing but its
// own lookup, which the engine never called (it matches messages by identity in its views). A file
// that never had it (a version-0 file without indexes) has nothing to drop.
Expected<void> migrate_from_4(WriteTxn& txn, const Dbis& /*dbis*/) {
    auto index = Dbi::open(txn, k_old_by_message_id_db, MDB_DUPSORT);
    if (!index) {
        if (index.error().code == make_error_code(Errc::not_found)) return {};
        return util::unexpected(std::move(index).error());
    }
    if (int rc = mdb_drop(txn.handle(), index->handle(), 1); rc != 0)
        return util::unexpected(lmdb_error(rc, "dropping the by_message_id index"));
    return {};
}

// Version 6 adds the v4 folders record (the server's MAILBOXID). Nothing to rewrite: the decoder
// reads v1 to v3 (no id) and a folders record becomes v4 when next written. The version is raised so
// that a version-5 build refuses the file as newer instead of taking a v4 record for a damaged one
// (an unreadable folder record is erased and its folder matched afresh, state_db.hpp).
Expected<void> migrate_from_5(WriteTxn& /*txn*/, const Dbis& /*dbis*/) { return {}; }

// k_migrations[N] migrates version N to N + 1; all of them run in the one open-time write txn, so a
// crash mid-migration leaves the old version intact and the next open starts again.
constexpr Migration k_migrations[] = {migrate_from_0, migrate_from_1, migrate_from_2,
                                      migrate_from_3, migrate_from_4, migrate_from_5};
static_assert(std::size(k_migrations) == k_version, "one migration per version step");

Expected<bool> empty(Txn& txn, MDB_dbi dbi) {
    auto cursor = Cursor::open(txn, dbi);
    if (!cursor) return util::unexpected(std::move(cursor).error());
    auto first = cursor->get(MDB_FIRST);
    if (!first) return util::unexpected(std::move(first).error());
    return !first->has_value();
}

}  // namespace

Expected<Dbis> open_dbis(WriteTxn& txn) {
    Dbis d;
    struct Spec {
        Dbi* dbi;
        const char* name;
        unsigned flags;
    };
    const Spec specs[] = {
        {&d.meta, k_meta_db, MDB_CREATE},         {&d.folders, k_folders_db, MDB_CREATE},
        {&d.messages, k_messages_db, MDB_CREATE}, {&d.by_local_key, k_by_local_key_db, MDB_CREATE | MDB_DUPSORT},
        {&d.intents, k_intents_db, MDB_CREATE},   {&d.keyed, k_keyed_db, MDB_CREATE},
        {&d.runs, k_runs_db, MDB_CREATE},
    };
    for (const auto& s : specs) {
        auto dbi = Dbi::open(txn, s.name, s.flags);
        if (!dbi) return util::unexpected(std::move(dbi).error());
        *s.dbi = *dbi;
    }
    return d;
}

Expected<std::uint64_t> stored_version(Txn& txn, const Dbis& dbis) {
    auto raw = txn.get(dbis.meta, k_schema_version_key);
    if (!raw) return util::unexpected(std::move(raw).error());
    if (raw->has_value()) return codec::decode_meta_u64(**raw);
    auto no_messages = empty(txn, dbis.messages);
    if (!no_messages) return util::unexpected(std::move(no_messages).error());
    auto no_folders = empty(txn, dbis.folders);
    if (!no_folders) return util::unexpected(std::move(no_folders).error());
    return (*no_messages && *no_folders) ? k_version : std::uint64_t{0};
}

Expected<void> migrate(WriteTxn& txn, const Dbis& dbis, std::string_view where) {
    auto version = stored_version(txn, dbis);
    if (!version) return util::unexpected(std::move(version).error());
    auto marked = txn.get(dbis.meta, k_schema_version_key);
    if (!marked) return util::unexpected(std::move(marked).error());
    // Already current and recorded: nothing to write (a fresh file records its version here once).
    if (*version == k_version && marked->has_value()) return {};
    if (*version > k_version)
        return util::unexpected(error(
            Errc::newer_schema, "state written by a newer mailtwin: " + std::string(where) + " has schema version " +
                                    std::to_string(*version) + ", this mailtwin understands up to " +
                                    std::to_string(k_version) +
                                    "; upgrade mailtwin, or move the file away to rebuild the state by matching"));
    for (std::uint64_t v = *version; v < k_version; ++v) {
        if (auto r = k_migrations[v](txn, dbis); !r)
            return util::unexpected(error(Errc::migration_failed, "migrating " + std::string(where) + " from schema " +
                                                                      std::to_string(v) + ": " + r.error().describe()));
    }
    auto put = txn.put(dbis.meta, k_schema_version_key, codec::encode_meta_u64(k_version));
    if (!put) return util::unexpected(std::move(put).error());
    return {};
}

Expected<void> rebuild_indexes(WriteTxn& txn, const Dbis& dbis) {
    if (int rc = mdb_drop(txn.handle(), dbis.by_local_key.handle(), 0); rc != 0)
        return util::unexpected(lmdb_error(rc, "emptying the by_local_key index"));
    auto cursor = Cursor::open(txn, dbis.messages);
    if (!cursor) return util::unexpected(std::move(cursor).error());
    for (auto e = cursor->get(MDB_FIRST);; e = cursor->get(MDB_NEXT)) {
        if (!e) return util::unexpected(std::move(e).error());
        if (!e->has_value()) return {};
        ByteReader key((*e)->key);
        const std::string account(key.str16());
        const std::string folder(key.str16());
        const model::Uid uid = key.u32();
        if (key.failed() || !key.at_end())
            return util::unexpected(error(Errc::truncated_record, "malformed messages key"));
        auto record = codec::decode_message((*e)->value, uid);
        if (!record) return util::unexpected(std::move(record).error());
        if (auto r = detail::add_index_entries(txn, dbis, account, folder, *record); !r) return r;
    }
}

}  // namespace mailtwin::state::schema
