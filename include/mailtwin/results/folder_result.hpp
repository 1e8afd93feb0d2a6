#pragma once
// What one folder's sync did, or would do (a dry run): data only, for the reports, the exit code,
// the run record and watch. Filled by the run module (run/folder_sync.hpp, run/executor.hpp).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mailtwin/sync/plan.hpp"
#include "mailtwin/util/error.hpp"

namespace mailtwin::engine {

struct ExecStats {
    std::size_t downloaded = 0;
    std::uint64_t bytes_downloaded = 0;
    std::size_t uploaded = 0;
    std::uint64_t bytes_uploaded = 0;
    std::size_t flags_set = 0;
    std::size_t expunged = 0;
    std::size_t state_steps = 0;  // record bodies queued
    // Messages this run could not carry, each with its path or UID and why. They are not recorded
    // (the next run tries them again) and make the folder fail; the counts above leave them out.
    std::vector<std::string> not_carried;
    // A claim of the server that cannot be (net/server_claims.hpp): the folder fails with it.
    std::optional<util::Error> server_fault;
};

enum class FolderOutcome { unchanged, synced, planned, failed };

// What the folder plan did to the folder itself before its messages were synced
// (sync/folder_plan.hpp): renamed to follow the other side, created again after a deletion, or
// deleted to follow the other side (then no message was synced: the folder is gone).
enum class FolderChange { none, renamed, recreated, deleted };

struct FolderResult {
    std::string folder;
    FolderOutcome outcome = FolderOutcome::synced;
    bool incremental = false;  // remote changes came from CONDSTORE/QRESYNC, not a full listing
    sync::Plan plan;
    ExecStats stats;
    std::optional<util::Error> error;
    std::size_t moved_in = 0;  // messages that arrived by a move from another folder
    FolderChange change = FolderChange::none;
    std::string renamed_from;  // renamed: the old name
    std::string change_side;   // renamed, recreated, deleted: "server" or "Maildir", where it was done
    [[nodiscard]] bool failed() const noexcept { return outcome == FolderOutcome::failed || plan.refused(); }
};

}  // namespace mailtwin::engine
