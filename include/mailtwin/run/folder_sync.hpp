#pragma once
// One folder in two phases, so that the account runner can look across folders in between (moves):
//   plan_folder_job     views, identities where needed, plan   (reads only)
//   execute_folder_job  apply the plan, then the checkpoint (records queued in the run's StateBatch)
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mailtwin/net/session.hpp"
#include "mailtwin/results/progress.hpp"
#include "mailtwin/run/executor.hpp"
#include "mailtwin/run/late_appends.hpp"
#include "mailtwin/run/skipped.hpp"
#include "mailtwin/state/state_db.hpp"
#include "mailtwin/store/imap_store.hpp"
#include "mailtwin/store/maildir_store.hpp"
#include "mailtwin/sync/plan.hpp"
#include "mailtwin/sync/policy.hpp"

namespace mailtwin::engine {

struct RunOptions {
    sync::Policy policy;
    bool dry_run = false;
    bool full = false;
    std::int64_t now = 0;
    std::string trash;             // remote folder receiving local deletions instead of an expunge ("" = expunge)
    Progress* progress = nullptr;  // live display of copies, or none
};

struct FolderJob {
    std::string remote_name;  // UTF-8
    std::filesystem::path local_dir;
    bool root_present = true;
    std::optional<imap::StatusData> status;  // LIST-STATUS at the start of the run, when the server has it
    // false in a dry run for a folder the real run would first create on the server: it is planned
    // against an empty server folder (everything local uploaded), without selecting it.
    bool remote_exists = true;
    // What the folder plan did to the folder before this job (its result reports it).
    FolderChange change = FolderChange::none;
    std::string renamed_from;
    std::string change_side;
};

// Everything the execution phase needs, kept between the phases.
struct PlannedFolder {
    FolderJob job;
    state::LoadedFolder last;
    std::unique_ptr<store::ImapStore> remote;    // the folder on the server
    std::unique_ptr<store::MaildirStore> local;  // the folder in the Maildir
    store::FolderViews views;                    // as planned (trimmed to what the plan names)
    FolderResult result;                         // plan filled in; outcome failed if planning failed
    LateAppends late_appends;                    // watches of uploads in doubt to add and drop (late_appends.hpp)
    SkippedMessages skipped;                     // what max_size keeps back, for the checkpoint (skipped.hpp)
    [[nodiscard]] util::PerSide<store::FolderStore*> stores() const { return {{remote.get(), local.get()}}; }
};

asio::awaitable<PlannedFolder> plan_folder_job(net::Session& session, state::StateDb& db, const std::string& account,
                                               const FolderJob& job, const RunOptions& options);
asio::awaitable<FolderResult> execute_folder_job(net::Session& session, StateBatch& batch, const std::string& account,
                                                 PlannedFolder& planned, const RunOptions& options);

}  // namespace mailtwin::engine
