#pragma once
// The named databases of the state environment and the schema version with its migration path.
// Database names and layouts are part of the documented schema (docs/state-schema.md).
#include <cstdint>
#include <string_view>

#include "mailtwin/state/lmdb.hpp"

namespace mailtwin::state::schema {

// Version 1: folders, messages, by_local_key, by_message_id, intents as documented.
// Version 2: adds keyed (rows without a uid) and the v2 messages record (row_flags: detached).
// Version 3: every folders, messages and keyed record ends with a checksum (codec.hpp); the
// migration rewrites the records of version 2 with it.
// Version 4: adds runs (one record per account: what its last runs found, folder by folder) and
// the v3 folders record (server counters after the run, messages skipped by max_size); the
// migration creates runs, and folders records become v3 when next written.
// Version 5: drops by_message_id (written with every message record, never read: the engine finds
// messages by identity in its views, not through the state); no record layout changes.
// Version 6: the v4 folders record (the server's MAILBOXID, RFC 8474); nothing is rewritten (older
// folders records decode without an id and become v4 when next written), but a version-5 build must
// refuse the file rather than read a v4 record as damaged.
inline constexpr std::uint64_t k_version = 6;

inline constexpr const char* k_meta_db = "meta";
inline constexpr const char* k_folders_db = "folders";
inline constexpr const char* k_messages_db = "messages";
inline constexpr const char* k_by_local_key_db = "by_local_key";  // MDB_DUPSORT
inline constexpr const char* k_intents_db = "intents";            // late-append watches (run/late_appends.hpp)
inline constexpr const char* k_keyed_db = "keyed";                // since version 2
inline constexpr const char* k_runs_db = "runs";                  // since version 4

inline constexpr std::string_view k_schema_version_key = "schema_version";
inline constexpr std::string_view k_intent_seq_key = "intent_seq";

// The databases of the current version.
struct Dbis {
    Dbi meta, folders, messages, by_local_key, intents, keyed, runs;
};

// Opens (creating) every database in `txn`. The handles become usable outside it once it commits.
Expected<Dbis> open_dbis(WriteTxn& txn);

// The stored schema version: the meta value, or for a database without one, the current version
// when it holds no messages or folders (a fresh file) and 0 otherwise (written before meta existed).
Expected<std::uint64_t> stored_version(Txn& txn, const Dbis& dbis);

// Brings the schema to k_version inside `txn`: runs migrate_from_N for N = stored .. k_version-1 and
// records the new version, only when it changed: opening a current file writes nothing, so a run
// that finds nothing to do commits no transaction for it. A stored version above k_version fails
// with Errc::newer_schema ("state written by a newer mailtwin"); nothing is changed then. `where`
// names the file in messages.
Expected<void> migrate(WriteTxn& txn, const Dbis& dbis, std::string_view where);

// Empties and rebuilds by_local_key from messages (the migration from version 0).
Expected<void> rebuild_indexes(WriteTxn& txn, const Dbis& dbis);

}  // namespace mailtwin::state::schema
