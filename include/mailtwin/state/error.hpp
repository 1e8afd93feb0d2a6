#pragma once
// The state module's one error enum and category. LMDB's own return codes (MDB_*) are mapped onto
// named values so callers compare by value; errno values from LMDB keep the generic category.
#include <string>
#include <system_error>

#include "mailtwin/util/error.hpp"

namespace mailtwin::state {

enum class Errc {
    // LMDB conditions (mdb_strerror text is kept in the Error message).
    map_full = 1,      // MDB_MAP_FULL: Env::write grows the map and re-runs the step
    map_resized,       // MDB_MAP_RESIZED: another process grew the map; adopted on txn begin
    key_exists,        // MDB_KEYEXIST
    not_found,         // MDB_NOTFOUND where absence is an error
    corrupted,         // MDB_CORRUPTED, MDB_PAGE_NOTFOUND, MDB_PANIC
    version_mismatch,  // MDB_VERSION_MISMATCH, MDB_INVALID: not an LMDB file this library reads
    readers_full,      // MDB_READERS_FULL
    bad_value_size,    // MDB_BAD_VALSIZE: key or dup value too long
    lmdb_other,        // any other MDB_* code
    // Decoding stored bytes.
    unknown_record_version,  // a value's version byte is one this build does not read
    truncated_record,        // a value or key ends before its layout does
    trailing_bytes,          // a value is longer than its layout
    checksum_mismatch,       // a value's checksum does not match its bytes: changed on disk
    // Schema and API use.
    newer_schema,      // the meta schema version is above what this build understands
    migration_failed,  // a migrate_from_N step failed
    key_too_long,      // account/folder/local key would exceed LMDB's key size
    invalid_record,    // a record the schema cannot store (e.g. uid 0)
    resize_blocked,    // map growth waited too long for this process's open transactions
    // Account lock.
    account_locked,  // another process holds <state_dir>/<account>.lock (app: exit code 4)
    lock_timeout,    // wait mode gave up
    // API use (added last so the values above keep their numbers).
    folder_exists,  // StateDb::rename_folder: the new name already has rows
};

const std::error_category& state_category() noexcept;

inline std::error_code make_error_code(Errc e) noexcept { return {static_cast<int>(e), state_category()}; }

// The Error for an LMDB return code: MDB_* codes map to Errc, positive values are errno.
[[nodiscard]] util::Error lmdb_error(int rc, const std::string& what);

// Shorthand for an Error in this category.
[[nodiscard]] util::Error error(Errc e, std::string message);

}  // namespace mailtwin::state

template <>
struct std::is_error_code_enum<mailtwin::state::Errc> : std::true_type {};
