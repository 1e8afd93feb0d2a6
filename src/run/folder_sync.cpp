#include "mailtwin/run/folder_sync.hpp"

#include <algorithm>
#include <set>
#include <type_traits>

#include "mailtwin/maildir/filename.hpp"
#include "mailtwin/maildir/stamp.hpp"
#include "mailtwin/results/engine_error.hpp"
#include "mailtwin/run/late_appends.hpp"
#include "mailtwin/run/own_changes.hpp"
#include "mailtwin/run/views.hpp"
#include "mailtwin/store/imap_store.hpp"
#include "mailtwin/sync/planner.hpp"

namespace mailtwin::engine {
namespace {

// The server's side of the folder as the plan saw it: the checkpoint's counters.
ServerCounters checkpoint_counters(const PlannedFolder& p) {
    const store::Checkpoint c = p.remote->checkpoint();
    return ServerCounters{c.uidvalidity, c.uidnext, c.highestmodseq, c.messages};
}

// What the folder looked like after the run's own writes, and those writes (own_changes.hpp).
struct AfterOwnWrites {
    ServerCounters checkpoint;
    net::FolderWrites writes;
    FolderAfterWrites after;
};

// The checkpoint: what the next run compares against. Taken from the views as they were BEFORE this
// run's own changes, so that changes others made meanwhile are never skipped; our own changes then
// show up next time as no-ops. A side whose changes were held back keeps its old checkpoint.
// The after-run counters (`status` compares the live folder with them) are the checkpoint's, unless
// `own` shows every later change on the server to be this run's own; that check reads the rows this
// run recorded, so it runs in the commit's transaction, after them.
util::Expected<void> save_checkpoint(StateBatch& batch, const state::FolderKey& where, const PlannedFolder& p,
                                     std::int64_t now, std::optional<AfterOwnWrites> own) {
    state::FolderState record = p.last.record.value_or(state::FolderState{});
    const auto& plan = p.result.plan;
    const store::Checkpoint remote = p.remote->checkpoint();
    if (!plan.hold_checkpoint[util::Side::remote]) {
        record.uidvalidity = remote.uidvalidity;
        record.highestmodseq = remote.highestmodseq;
        record.uidnext = remote.uidnext;
    }
    if (!plan.hold_checkpoint[util::Side::local] && p.job.root_present)
        record.scan_blob = p.local->checkpoint().local_stamp;
    record.local_path = p.job.local_dir.string();
    // The id that tells a later rename of the folder from a deletion (sync/folder_plan.hpp).
    if (p.job.status && p.job.status->mailbox_id) record.mailbox_id = *p.job.status->mailbox_id;
    record.last_sync = now;
    record.message_count = remote.messages;
    record.after_run_highestmodseq = record.highestmodseq;
    record.after_run_uidnext = record.uidnext;
    record.after_run_messages = record.message_count;
    record.skipped_remote = p.skipped.remote;
    record.skipped_local = p.skipped.local;
    // Queued after the folder's records, so a commit never holds the checkpoint without them.
    return batch.add([&batch, where, record, own = std::move(own)](state::WriteTxn& txn) -> util::Expected<void> {
        state::FolderState saved = record;
        if (own) {
            auto& db = batch.db();
            auto recorded = [&](model::Uid uid) -> std::optional<model::FlagSet> {
                auto row = db.get_by_uid(txn, where.account, where.folder, uid);
                if (!row || !*row) return std::nullopt;  // an unreadable row explains nothing either
                return (*row)->remote_flags;
            };
            if (only_own_changes(own->checkpoint, own->writes, own->after, recorded)) {
                saved.after_run_highestmodseq = own->after.counters.highestmodseq;
                saved.after_run_uidnext = own->after.counters.uidnext;
                saved.after_run_messages = own->after.counters.messages;
            }
        }
        return batch.db().save_folder(txn, where.account, where.folder, saved);
    });
}

// Execution and the move finder touch only the messages the plan names, so a planned folder keeps
// only those: every folder is planned before any executes (moves span folders), and holding all
// views at once cost 100k state rows and file names when 100 folders of 1,000 messages changed.
void keep_only_what_the_plan_names(PlannedFolder& p) {
    std::set<std::string> keys;
    std::set<model::Uid> uids;
    bool every_row = false;
    for (const auto& action : p.result.plan.actions)
        std::visit(
            [&](const auto& a) {
                using A = std::decay_t<decltype(a)>;
                if constexpr (std::is_same_v<A, sync::ResetUids>) every_row = true;  // rewrites every row
                if constexpr (requires { a.key; }) keys.insert(a.key);
                if constexpr (requires { a.uid; }) uids.insert(a.uid);
                if constexpr (std::is_same_v<A, sync::Refuse>)  // a withheld expunge may be half of a move
                    for (const auto& e : a.held) {
                        keys.insert(e.key);
                        uids.insert(e.uid);
                    }
            },
            action);
    auto& rows = p.last.pairs.pairs;
    if (!every_row)
        std::erase_if(rows, [&](const model::PairState& r) { return !keys.count(r.key) && !uids.count(r.uid); });
    rows.shrink_to_fit();
    auto& messages = p.views.local.messages;
    std::erase_if(messages, [&](const model::LocalMessage& m) { return !keys.count(m.key); });
    messages.shrink_to_fit();
    std::vector<store::MessageId> named;
    for (model::Uid uid : uids) named.push_back({uid, {}});
    for (const auto& key : keys) named.push_back({0, key});
    p.remote->retain(named, p.last.pairs);
    p.local->retain(named, p.last.pairs);
    p.views.remote.messages = {};
    p.views.remote.vanished = {};
}

// Why a folder whose plan was applied is not finished: messages that could not be carried (local or
// from the server) and claims of the server that cannot be. Such a folder fails (exit 1) and keeps
// its old checkpoint, so the next run lists both sides again and retries what was left out.
std::optional<util::Error> not_finished(const PlannedFolder& p, const ExecStats& stats) {
    std::vector<std::string> left = p.local->not_carried();
    left.insert(left.end(), stats.not_carried.begin(), stats.not_carried.end());
    std::string list;
    for (const auto& why : left) list += (list.empty() ? "" : "; ") + why;
    if (stats.server_fault) {
        util::Error e = *stats.server_fault;
        if (!list.empty()) e.message += ". Also not synced: " + list;
        return e;
    }
    if (left.empty()) return std::nullopt;
    return util::Error{EngineError::messages_not_carried,
                       std::to_string(left.size()) + (left.size() == 1 ? " message was" : " messages were") +
                           " not synced: " + list +
                           ". Nothing was recorded for them: fix the cause and run again (the other messages "
                           "were synced)"};
}

// Late APPENDs (late_appends.hpp): our own late copies are expunged instead of downloaded (or left on
// the server), and the uploads whose outcome is in doubt get their watches. Before the rows are
// trimmed to what the plan names.
util::Expected<void> plan_late_appends(state::StateDb& db, const state::FolderKey& where, PlannedFolder& p,
                                       std::int64_t now) {
    auto watches = load_late_append_watches(db, where);
    if (!watches) return util::unexpected(std::move(watches).error());
    auto& plan = p.result.plan;
    const bool reset = std::any_of(plan.actions.begin(), plan.actions.end(),
                                   [](const sync::Action& a) { return std::holds_alternative<sync::ResetUids>(a); });
    p.late_appends.drop =
        recognise_late_copies(plan, new_server_copies(p.views.remote, p.last.pairs), *watches, reset, now);
    // Every UID the listing did not show is at least the first new UID the uploads may get.
    const model::Uid first_new = p.remote->append_expectation().first_new_uid;
    const model::Uid above = first_new == 0 ? 0 : first_new - 1;
    p.late_appends.add = watches_for_unresolved_uploads(plan, p.last.pairs, where.folder, above, now);
    return {};
}

// Whether the plan asks the server to keep flags: only then does what it can keep matter.
bool asks_server_for_flags(const sync::Plan& plan) {
    for (const auto& action : plan.actions) {
        if (const auto* f = std::get_if<sync::SetFlags>(&action);
            f && f->side == util::Side::remote && f->add != model::FlagSet{})
            return true;
        if (const auto* u = std::get_if<sync::Upload>(&action); u && u->flags != model::FlagSet{}) return true;
    }
    return false;
}

// The folder read again after this run's last write to it, when it wrote there (own_changes.hpp).
// Not reading it is no failure of the folder: `status` then shows `*` until the next sync.
asio::awaitable<std::optional<AfterOwnWrites>> read_after_own_writes(net::Session& session, const PlannedFolder& p) {
    const net::WriteLog* log = session.writes();
    if (!log || p.result.plan.hold_checkpoint[util::Side::remote]) co_return std::nullopt;
    auto written = log->find(p.job.remote_name);
    if (written == log->end() || written->second.uncertain) co_return std::nullopt;
    const ServerCounters checkpoint = checkpoint_counters(p);
    auto after = co_await read_folder_after_writes(session, p.job.remote_name, checkpoint);
    if (!after) co_return std::nullopt;
    co_return AfterOwnWrites{checkpoint, written->second, std::move(*after)};
}

}  // namespace

asio::awaitable<PlannedFolder> plan_folder_job(net::Session& session, state::StateDb& db, const std::string& account,
                                               const FolderJob& job, const RunOptions& options) {
    PlannedFolder p;
    p.job = job;
    p.result.folder = job.remote_name;
    p.result.change = job.change;
    p.result.renamed_from = job.renamed_from;
    p.result.change_side = job.change_side;
    auto fail = [&p](util::Error e) {
        p.result.outcome = FolderOutcome::failed;
        p.result.error = std::move(e);
        return std::move(p);
    };
    auto last = load_folder(db, state::FolderKey{account, job.remote_name});
    if (!last) co_return fail(std::move(last).error());
    p.last = std::move(*last);
    auto local = store::MaildirStore::open(job.local_dir, job.root_present);
    if (!local) co_return fail(std::move(local).error());
    p.local = std::move(*local);
    p.remote = std::make_unique<store::ImapStore>(
        session,
        store::ImapStore::Options{job.remote_name, job.status, job.remote_exists, options.trash, options.dry_run});

    // Unreadable state records (state_rows.hpp): nothing of this folder may be taken as unchanged.
    const bool full = options.full || p.last.unreadable > 0;
    const auto checkpoint = checkpoint_of(p.last);
    const store::ViewRequest request{&p.last.pairs, checkpoint ? &*checkpoint : nullptr, full};
    for (store::FolderStore* side : p.stores().values)
        if (auto r = co_await side->view(p.views, request); !r) co_return fail(std::move(r).error());
    p.result.incremental = p.remote->incremental();

    auto wanted = sync::needs_identities(p.views.remote, p.views.local, p.last.pairs);
    if (!wanted.empty())
        if (auto r = co_await fill_identities(p.stores(), p.views, p.last.pairs, wanted); !r)
            co_return fail(std::move(r).error());
    p.result.plan = sync::plan_folder(p.views.remote, p.views.local, p.last.pairs, options.policy, options.now);
    if (!p.views.remote.storable && job.remote_exists && asks_server_for_flags(p.result.plan)) {
        // Planned without a SELECT (the server said nothing changed), so what it can keep
        // (PERMANENTFLAGS) is not known, and the plan asks it to keep flags. The SELECT its execution
        // needs anyway tells; the plan is made again with it (sync/server_flags.hpp).
        if (auto r = co_await p.remote->learn_storable(p.views); !r) co_return fail(std::move(r).error());
        p.result.plan = sync::plan_folder(p.views.remote, p.views.local, p.last.pairs, options.policy, options.now);
    }
    // Before the views are trimmed: the list carries over what the views do not show again.
    const bool same_uids = p.last.record && p.last.record->uidvalidity == p.views.remote.uidvalidity;
    p.skipped = skipped_after_plan(same_uids ? &*p.last.record : nullptr, p.views.remote, p.views.local, p.result.plan);
    if (auto r = plan_late_appends(db, state::FolderKey{account, job.remote_name}, p, options.now); !r)
        co_return fail(std::move(r).error());
    if (options.dry_run)  // a real run would fail the folder with these (not_finished)
        for (const auto& why : p.local->not_carried()) p.result.plan.warnings.push_back("would not be synced: " + why);
    if (p.last.unreadable > 0)
        p.result.plan.warnings.push_back(std::to_string(p.last.unreadable) +
                                         " state record(s) of this folder failed their checksum (changed on disk); "
                                         "they were treated as unknown and the folder re-paired by identity");
    keep_only_what_the_plan_names(p);
    p.result.outcome = options.dry_run ? FolderOutcome::planned : FolderOutcome::synced;
    co_return std::move(p);
}

asio::awaitable<FolderResult> execute_folder_job(net::Session& session, StateBatch& batch, const std::string& account,
                                                 PlannedFolder& p, const RunOptions& options) {
    FolderResult& result = p.result;
    if (result.outcome == FolderOutcome::failed || options.dry_run) co_return std::move(result);
    auto fail = [&result](util::Error e) {
        result.outcome = FolderOutcome::failed;
        result.error = std::move(e);
        return std::move(result);
    };
    const state::FolderKey where{account, p.job.remote_name};
    p.remote->use(session);  // the store selects the folder when an operation needs it
    if (p.last.unreadable > 0) {
        // First of the folder's records: the unreadable ones go, the plan's rows replace them.
        auto erased = batch.add([&batch, where](state::WriteTxn& txn) -> util::Expected<void> {
            auto n = batch.db().erase_unreadable(txn, where.account, where.folder);
            if (!n) return util::unexpected(std::move(n).error());
            return {};
        });
        if (!erased) co_return fail(std::move(erased).error());
    }
    // Queued before the plan: the APPEND step commits them with its intent rows, before the APPEND.
    if (auto r = queue_new_watches(batch, where, p.late_appends); !r) co_return fail(std::move(r).error());
    ExecContext ctx{p.stores(), batch, where, p.views, p.last.pairs, options.progress};
    auto stats = co_await execute_plan(ctx, result.plan);
    if (!stats) co_return fail(std::move(stats).error());
    if (auto r = queue_dropped_watches(batch, where, p.late_appends); !r) co_return fail(std::move(r).error());
    result.stats = *stats;
    // The summary and the exit code count the copies that were made, not those that were planned.
    result.plan.counters.downloads = stats->downloaded;
    result.plan.counters.uploads = stats->uploaded;
    if (auto left = not_finished(p, *stats)) co_return fail(std::move(*left));
    auto own = co_await read_after_own_writes(session, p);
    if (auto r = save_checkpoint(batch, where, p, options.now, std::move(own)); !r)
        co_return fail(std::move(r).error());
    result.outcome = FolderOutcome::synced;
    co_return std::move(result);
}

}  // namespace mailtwin::engine
