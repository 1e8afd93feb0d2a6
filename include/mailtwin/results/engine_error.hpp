#pragma once
// Errors of the engine itself (above the stores): configuration met at run time, safety refusals.
#include <system_error>
#include <type_traits>

namespace mailtwin::engine {

enum class EngineError {
    password_command_failed = 1,  // password_cmd failed, timed out or printed nothing (exit code 3)
    maildir_root_missing,         // the Maildir root vanished although the state says it held mail
    folder_unmappable,            // a remote folder name has no safe local path
    maildir_unusable,             // the account's maildir setting names a place that cannot hold a Maildir (exit 2)
    folder_not_found,             // sync --folder NAME matches no folder of the account (exit 2)
    unexpected,                   // an exception escaped a step: a bug, reported with what it said
    messages_not_carried,         // some messages of a folder could not be read, staged or sent
    folder_name_collision,        // two server folders map to one local folder
    notmuch_failed,               // the notmuch tag sync could not run (notmuch_sync.hpp); mail is still synced
    folder_rename_conflict,       // a folder renamed onto a name the other side has (sync/folder_plan.hpp)
    folder_deletion_refused,      // folder deletions over max_delete_percent of the account, without --force
};

const std::error_category& engine_error_category() noexcept;

inline std::error_code make_error_code(EngineError e) noexcept {
    return {static_cast<int>(e), engine_error_category()};
}

}  // namespace mailtwin::engine

template <>
struct std::is_error_code_enum<mailtwin::engine::EngineError> : std::true_type {};
