#include "mailtwin/engine/folder_sync.hpp"

#include "mailtwin/engine/views.hpp"
#include "mailtwin/maildir/stamp.hpp"
#include "mailtwin/sync/planner.hpp"

namespace mailtwin::engine {
namespace {

// The checkpoint: what the next run compares against. Taken from the views as they were BEFORE this
// run's own changes, so that changes others made meanwhile are never skipped; our own changes then
// show up next time as no-ops. A side whose changes were held back keeps its old checkpoint.
util::Expected<void> save_checkpoint(state::StateDb& db, const FolderKey& where, const LoadedFolder& last,
                                     const RemoteSnapshot& remote, const LocalSnapshot& local, const sync::Plan& plan,
                                     const FolderJob& job, std::int64_t now) {
    state::FolderState record = last.record.value_or(state::FolderState{});
    if (!plan.hold_checkpoint[util::Side::remote]) {
        record.uidvalidity = remote.view.uidvalidity;
        record.highestmodseq = remote.view.highestmodseq;
        record.uidnext = remote.view.uidnext;
    }
    if (!plan.hold_checkpoint[util::Side::local] && job.root_present)
        record.scan_blob = maildir::encode_stamp(local.stamp);
    record.local_path = job.local_dir.string();
    record.last_sync = now;
    record.message_count = remote.selected.exists;
    return db.write([&](state::WriteTxn& txn) { return db.save_folder(txn, where.account, where.folder, record); });
}

}  // namespace

asio::awaitable<FolderResult> sync_folder(net::Session& session, state::StateDb& db, const std::string& account,
                                          const FolderJob& job, const RunOptions& options) {
    FolderResult result;
    result.folder = job.remote_name;
    auto fail = [&result](util::Error e) {
        result.outcome = FolderOutcome::failed;
        result.error = std::move(e);
        return result;
    };
    const FolderKey where{account, job.remote_name};
    auto last = load_folder(db, where);
    if (!last) co_return fail(std::move(last).error());
    auto keywords = KeywordMap::load(job.local_dir);
    if (!keywords) co_return fail(std::move(keywords).error());

    auto local = build_local_view(job.local_dir, *last, *keywords, options.full, job.root_present);
    if (!local) co_return fail(std::move(local).error());
    auto remote = co_await build_remote_view(session, job.remote_name, *last, options.full);
    if (!remote) co_return fail(std::move(remote).error());
    result.incremental = remote->incremental;

    auto request = sync::needs_identities(remote->view, local->view, last->pairs);
    if (!request.empty())
        if (auto r = co_await fill_identities(session, *remote, *local, job.local_dir, request); !r)
            co_return fail(std::move(r).error());

    result.plan = sync::plan_folder(remote->view, local->view, last->pairs, options.policy, options.now);
    if (options.dry_run) {
        result.outcome = FolderOutcome::planned;
        co_return result;
    }
    ExecContext ctx{session, db, where, job.local_dir, *keywords, *local, *last};
    auto stats = co_await execute_plan(ctx, result.plan);
    if (!stats) co_return fail(std::move(stats).error());
    result.stats = *stats;
    if (auto r = save_checkpoint(db, where, *last, *remote, *local, result.plan, job, options.now); !r)
        co_return fail(std::move(r).error());
    count_committed_step();
    result.outcome = FolderOutcome::synced;
    co_return result;
}

}  // namespace mailtwin::engine
