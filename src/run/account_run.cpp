#include "account_run.hpp"

#include "mailtwin/maildir/tmp_cleanup.hpp"
#include "mailtwin/results/engine_error.hpp"
#include "mailtwin/run/forget.hpp"
#include "mailtwin/state/error.hpp"

namespace mailtwin::engine {
namespace {

// Rows the state cannot decode: forgetting them (and matching the folder afresh) is the way out.
bool is_damaged_state(const util::Error& e) {
    using state::Errc;
    return e.code == Errc::corrupted || e.code == Errc::unknown_record_version || e.code == Errc::truncated_record ||
           e.code == Errc::trailing_bytes;
}

// Executes one planned folder on the worker's connection and reports it.
asio::awaitable<void> execute_one(AccountRun& run, std::size_t slot, PlannedFolder& p) {
    if (p.result.outcome == FolderOutcome::failed || run.request.dry_run) {
        run.done(std::move(p.result));
        co_return;
    }
    // A plan that changes nothing still records its checkpoint; it sends no command.
    auto conn = co_await connection_for(run, slot);
    if (!conn) {
        p.result.outcome = FolderOutcome::failed;
        p.result.error = std::move(conn).error();
        run.done(std::move(p.result));
        co_return;
    }
    net::Session session(**conn, &run.writes);
    try {
        if (!p.result.plan.changes_nothing()) (void)maildir::clean_tmp(p.job.local_dir);
        run.done(co_await execute_folder_job(session, run.batch, run.account.name, p, run.options));
    } catch (const std::filesystem::filesystem_error& e) {
        run.done(skipped_folder(p.job.remote_name,
                                "its local path " + e.path1().string() + " cannot be used: " + e.code().message()));
    }
}

}  // namespace

void AccountRun::notify(AccountResult& result, const Reporter& reporter, const std::string& text) {
    result.notices.push_back(text);
    if (reporter.notice) reporter.notice(result.account, text);
}

void AccountRun::done(FolderResult r) {
    if (r.error && is_damaged_state(*r.error))
        r.error->message +=
            "; to start this folder's state afresh (mail is not touched): " + forget_command(account.name, r.folder);
    if (reporter.folder_done) reporter.folder_done(account.name, r);
    keep_summary_only(r.plan);
    result.folders.push_back(std::move(r));
}

void AccountRun::keep_summary_only(sync::Plan& plan) {
    std::vector<sync::Action> kept;
    bool change_kept = false;
    for (auto& a : plan.actions) {
        if (std::holds_alternative<sync::Refuse>(a)) {
            kept.push_back(std::move(a));
        } else if (!std::holds_alternative<sync::Skip>(a) && !change_kept) {
            kept.push_back(std::move(a));  // keeps changes_nothing() false
            change_kept = true;
        }
    }
    plan.actions = std::move(kept);
}

FolderResult failed_folder(const std::string& name, util::Error why) {
    FolderResult r;
    r.folder = name;
    r.outcome = FolderOutcome::failed;
    r.error = std::move(why);
    return r;
}

FolderResult skipped_folder(const std::string& name, const std::string& why, bool with_hint) {
    FolderResult r;
    r.folder = name;
    r.outcome = FolderOutcome::failed;
    r.error = util::Error{EngineError::folder_unmappable, "folder \"" + name + "\" skipped: " + why +
                                                              (with_hint ? "; to stop syncing it, add \"!" + name +
                                                                               "\" to folders in the account's "
                                                                               "[sync] table"
                                                                         : "")};
    return r;
}

// A lost connection costs the folder it happened in, not the rest of the run: the next folder opens it again.
asio::awaitable<util::Expected<net::Connection*>> connection_for(AccountRun& run, std::size_t slot) {
    auto& conn = run.connections[slot];
    if (conn && conn->is_open()) co_return conn.get();
    conn = std::make_unique<net::Connection>(run.io.get_executor(), run.settings);
    if (auto r = co_await conn->open(); !r) {
        conn.reset();
        co_return util::unexpected(std::move(r).error());
    }
    co_return conn.get();
}

// Phase 1 worker: plans folders until none is left. When no folder can be the source of a move
// (none was synced before: a first sync), each folder is executed as soon as it is planned and
// its plan dropped, so a first pull of 100,000 messages never holds 100,000 planned copies.
asio::awaitable<void> planner(AccountRun& run, std::size_t slot) {
    while (run.next_job < run.jobs.size()) {
        const std::size_t index = run.next_job++;
        const FolderJob& job = run.jobs[index];
        auto& planned = run.planned[index];
        auto conn = co_await connection_for(run, slot);
        if (!conn) {
            planned.job = job;
            planned.result.folder = job.remote_name;
            planned.result.outcome = FolderOutcome::failed;
            planned.result.error = std::move(conn).error();
        } else {
            net::Session session(**conn, &run.writes);
            try {
                planned = co_await plan_folder_job(session, run.db, run.account.name, job, run.options);
            } catch (const std::filesystem::filesystem_error& e) {
                // One folder's path trouble (a name the filesystem refuses) fails that folder alone.
                planned = PlannedFolder{};
                planned.job = job;
                planned.result = skipped_folder(
                    job.remote_name, "its local path " + e.path1().string() + " cannot be used: " + e.code().message());
            }
            run.db.env().release_mapped_pages();  // the rows are decoded: their pages are not needed
        }
        if (run.streaming) {
            co_await execute_one(run, slot, planned);
            planned = PlannedFolder{};
        }
    }
}

// Phase 3 worker: executes planned folders until none is left, reporting each as it finishes.
asio::awaitable<void> executor(AccountRun& run, std::size_t slot) {
    while (run.next_job < run.planned.size()) co_await execute_one(run, slot, run.planned[run.next_job++]);
}
}  // namespace mailtwin::engine
