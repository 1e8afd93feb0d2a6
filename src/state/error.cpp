#include "mailtwin/state/error.hpp"

#include <lmdb.h>

namespace mailtwin::state {
namespace {

class Category final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "state"; }
    [[nodiscard]] std::string message(int value) const override {
        switch (static_cast<Errc>(value)) {
            case Errc::map_full:
                return "LMDB map full";
            case Errc::map_resized:
                return "LMDB map resized by another process";
            case Errc::key_exists:
                return "key exists";
            case Errc::not_found:
                return "not found";
            case Errc::corrupted:
                return "state database corrupted";
            case Errc::version_mismatch:
                return "not an LMDB file this library can read";
            case Errc::readers_full:
                return "too many LMDB readers";
            case Errc::bad_value_size:
                return "key or value too large for LMDB";
            case Errc::lmdb_other:
                return "LMDB error";
            case Errc::unknown_record_version:
                return "unknown record version";
            case Errc::truncated_record:
                return "truncated record";
            case Errc::trailing_bytes:
                return "record has trailing bytes";
            case Errc::checksum_mismatch:
                return "record fails its checksum";
            case Errc::newer_schema:
                return "state written by a newer mailtwin";
            case Errc::migration_failed:
                return "state migration failed";
            case Errc::key_too_long:
                return "key too long";
            case Errc::invalid_record:
                return "invalid record";
            case Errc::resize_blocked:
                return "map growth blocked by open transactions";
            case Errc::account_locked:
                return "account locked by another mailtwin";
            case Errc::lock_timeout:
                return "timed out waiting for the account lock";
            case Errc::folder_exists:
                return "the state already holds that folder";
        }
        return "unknown state error";
    }
};

Errc errc_for(int rc) noexcept {
    switch (rc) {
        case MDB_MAP_FULL:
            return Errc::map_full;
        case MDB_MAP_RESIZED:
            return Errc::map_resized;
        case MDB_KEYEXIST:
            return Errc::key_exists;
        case MDB_NOTFOUND:
            return Errc::not_found;
        case MDB_CORRUPTED:
        case MDB_PAGE_NOTFOUND:
        case MDB_PANIC:
            return Errc::corrupted;
        case MDB_VERSION_MISMATCH:
        case MDB_INVALID:
            return Errc::version_mismatch;
        case MDB_READERS_FULL:
            return Errc::readers_full;
        case MDB_BAD_VALSIZE:
            return Errc::bad_value_size;
        default:
            return Errc::lmdb_other;
    }
}

}  // namespace

const std::error_category& state_category() noexcept {
    static const Category category;
    return category;
}

util::Error lmdb_error(int rc, const std::string& what) {
    std::string message = what + ": " + mdb_strerror(rc);
    if (rc > 0) return util::system_error(rc, std::move(message));
    return util::Error{make_error_code(errc_for(rc)), std::move(message)};
}

util::Error error(Errc e, std::string message) { return util::Error{make_error_code(e), std::move(message)}; }

}  // namespace mailtwin::state
