#pragma once
// Private to the run module (src/run/): one account's run as the files that do its phases share it.
//   folder_jobs.cpp   phase 0: connect, list, map folders both ways, create missing ones, skip the
//                     unchanged: the folder jobs
//   account_run.cpp   the workers of phases 1 and 3 (plan, execute) over up to max_connections
//                     connections, and how a finished folder is reported
//   account_sync.cpp  sync_account: the account's lock and state, the phases in order, moves between
//                     folders (phase 2), the run record
#include <memory>
#include <string>
#include <vector>

#include "mailtwin/config/config.hpp"
#include "mailtwin/net/connection.hpp"
#include "mailtwin/net/write_log.hpp"
#include "mailtwin/results/account_result.hpp"
#include "mailtwin/run/folder_sync.hpp"
#include "mailtwin/run/state_batch.hpp"
#include "mailtwin/state/state_db.hpp"

namespace mailtwin::engine {

struct AccountRun {
    const config::Config& config;
    const config::Account& account;
    const SyncRequest& request;
    const Reporter& reporter;
    state::StateDb& db;
    StateBatch& batch;  // the records of the execution phase (state_batch.hpp)
    net::ConnectionSettings settings;
    RunOptions options;
    AccountResult& result;
    asio::io_context& io;
    // Shared by the workers of each phase; lives until sync_account returns, longer than any coroutine.
    std::vector<FolderJob> jobs{};
    std::size_t next_job = 0;
    std::vector<std::unique_ptr<net::Connection>> connections{};  // kept open between the phases
    std::vector<PlannedFolder> planned{};
    bool streaming = false;  // no folder can be a move's source: execute each as soon as it is planned
    net::WriteLog writes{};  // what this run's commands did to each server folder (own_changes.hpp)

    void notice(const std::string& text) { notify(result, reporter, text); }
    void detail(const std::string& text) const {
        if (reporter.detail) reporter.detail(result.account, text);
    }
    // Reports a finished folder and keeps only its summary (keep_summary_only).
    void done(FolderResult r);

    static void notify(AccountResult& result, const Reporter& reporter, const std::string& text);
    // Once reported, a result needs only its counters, its refusals and whether it changed
    // anything: a first sync's 100,000 planned copies are not kept until the run ends.
    static void keep_summary_only(sync::Plan& plan);
};

// A folder that failed before it was planned, with why.
FolderResult failed_folder(const std::string& name, util::Error why);

// A folder that cannot be synced because of its name or local path: a failure of that folder only
// (exit 1), which says how to stop syncing it.
FolderResult skipped_folder(const std::string& name, const std::string& why, bool with_hint = true);

// Phase 0 (folder_jobs.cpp): run.jobs, the folders to plan; the listing connection is kept as
// run.connections.front(). A failure that stops the account is left in run.result.fatal.
asio::awaitable<void> list_folder_jobs(AccountRun& run);

// The connection of worker `slot`, opened (again) when it is missing or was lost.
asio::awaitable<util::Expected<net::Connection*>> connection_for(AccountRun& run, std::size_t slot);
// Phase 1 worker: plans run.jobs into run.planned (executing each at once when run.streaming).
asio::awaitable<void> planner(AccountRun& run, std::size_t slot);
// Phase 3 worker: executes run.planned.
asio::awaitable<void> executor(AccountRun& run, std::size_t slot);

}  // namespace mailtwin::engine
