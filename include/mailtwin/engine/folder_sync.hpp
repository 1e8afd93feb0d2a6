#pragma once
// One folder, once: views, identities where needed, plan, execute, checkpoint.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mailtwin/engine/executor.hpp"
#include "mailtwin/net/session.hpp"
#include "mailtwin/state/state_db.hpp"
#include "mailtwin/sync/plan.hpp"
#include "mailtwin/sync/policy.hpp"

namespace mailtwin::engine {

struct RunOptions {
    sync::Policy policy;
    bool dry_run = false;
    bool full = false;
    std::int64_t now = 0;
};

struct FolderJob {
    std::string remote_name;  // UTF-8
    std::filesystem::path local_dir;
    bool root_present = true;
};

enum class FolderOutcome { unchanged, synced, planned, failed };

struct FolderResult {
    std::string folder;
    FolderOutcome outcome = FolderOutcome::synced;
    bool incremental = false;  // remote changes came from CONDSTORE/QRESYNC, not a full listing
    sync::Plan plan;
    ExecStats stats;
    std::optional<util::Error> error;
    [[nodiscard]] bool failed() const noexcept { return outcome == FolderOutcome::failed || plan.refused(); }
};

asio::awaitable<FolderResult> sync_folder(net::Session& session, state::StateDb& db, const std::string& account,
                                          const FolderJob& job, const RunOptions& options);

}  // namespace mailtwin::engine
