#include "mailtwin/engine/folder_sync.hpp"

#include <algorithm>
#include <set>
#include <type_traits>

#include "mailtwin/engine/engine_error.hpp"
#include "mailtwin/engine/late_appends.hpp"
#include "mailtwin/engine/own_changes.hpp"
#include "mailtwin/engine/views.hpp"
#include "mailtwin/maildir/filename.hpp"
#include "mailtwin/maildir/stamp.hpp"
#include "mailtwin/sync/planner.hpp"

namespace mailtwin::engine {
namespace {

// The server's side of the folder as the plan saw it: the checkpoint's counters.
ServerCounters checkpoint_counters(const PlannedFolder& p) {
    return ServerCounters{p.remote.view.uidvalidity, p.remote.view.uidnext, p.remote.view.highestmodseq,
                          p.remote.selected.exists};
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
util::Expected<void> save_checkpoint(StateBatch& batch, const FolderKey& where, const PlannedFolder& p,
                                     std::int64_t now, std::optional<AfterOwnWrites> own) {
    state::FolderState record = p.last.record.value_or(state::FolderState{});
    const auto& plan = p.result.plan;
    if (!plan.hold_checkpoint[util::Side::remote]) {
        record.uidvalidity = p.remote.view.uidvalidity;
        record.highestmodseq = p.remote.view.highestmodseq;
        record.uidnext = p.remote.view.uidnext;
    }
    if (!plan.hold_checkpoint[util::Side::local] && p.job.root_present)
        record.scan_blob = maildir::encode_stamp(p.local.stamp);
    record.local_path = p.job.local_dir.string();
    record.last_sync = now;
    record.message_count = p.remote.selected.exists;
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
    auto& messages = p.local.view.messages;
    std::erase_if(messages, [&](const model::LocalMessage& m) { return !keys.count(m.key); });
    messages.shrink_to_fit();
    std::erase_if(p.local.file_names, [&](const auto& entry) { return !keys.count(entry.first); });
    // An unchanged Maildir folder was not listed: its files are named as the last sync left them,
    // which spares each rename or deletion a search of the directory.
    if (p.local.view.kind == model::LocalViewKind::unchanged)
        for (const auto& r : rows)
            if (!r.key.empty() && r.local_flags.keywords.empty() && keys.count(r.key))
                p.local.file_names.emplace(r.key,
                                           maildir::render_file_name(r.key, p.keywords->to_maildir(r.local_flags)));
    p.remote.view.messages = {};
    p.remote.view.vanished = {};
}

// The lowest UID a message appended to the folder now may have: new UIDs only grow (RFC 3501
// 2.3.1.1), so it is above every UID the view or (same UIDVALIDITY) the state knows, and at least
// UIDNEXT. Computed before the rows are trimmed to what the plan names.
net::AppendExpectation append_expectation(const PlannedFolder& p) {
    net::AppendExpectation e;
    e.uidvalidity = p.remote.view.uidvalidity;
    model::Uid floor = std::max(p.remote.view.uidnext, p.remote.selected.uidnext);
    auto above = [&floor](model::Uid uid) {
        if (uid != 0 && uid != 0xFFFFFFFFu) floor = std::max(floor, uid + 1);
    };
    for (const auto& m : p.remote.view.messages) above(m.uid);
    if (p.last.pairs.uidvalidity == p.remote.view.uidvalidity)
        for (const auto& r : p.last.pairs.pairs) above(r.uid);
    e.first_new_uid = floor;
    return e;
}

// Why a folder whose plan was applied is not finished: messages that could not be carried (local or
// from the server) and claims of the server that cannot be. Such a folder fails (exit 1) and keeps
// its old checkpoint, so the next run lists both sides again and retries what was left out.
std::optional<util::Error> not_finished(const PlannedFolder& p, const ExecStats& stats) {
    std::vector<std::string> left = p.local.not_carried;
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
util::Expected<void> plan_late_appends(state::StateDb& db, const FolderKey& where, PlannedFolder& p, std::int64_t now) {
    auto watches = load_late_append_watches(db, where);
    if (!watches) return util::unexpected(std::move(watches).error());
    auto& plan = p.result.plan;
    const bool reset = std::any_of(plan.actions.begin(), plan.actions.end(),
                                   [](const sync::Action& a) { return std::holds_alternative<sync::ResetUids>(a); });
    p.late_appends.drop =
        recognise_late_copies(plan, new_server_copies(p.remote.view, p.last.pairs), *watches, reset, now);
    // Every UID the listing did not show is at least the first new UID the uploads may get.
    const model::Uid above = p.append_expect.first_new_uid == 0 ? 0 : p.append_expect.first_new_uid - 1;
    p.late_appends.add = watches_for_unresolved_uploads(plan, p.last.pairs, where.folder, above, now);
    return {};
}

bool needs_selected_folder(const sync::Plan& plan, net::Session& session) {
    for (const auto& action : plan.actions) {
        if (std::holds_alternative<sync::Download>(action)) return true;
        if (const auto* f = std::get_if<sync::SetFlags>(&action); f && f->side == util::Side::remote) return true;
        if (const auto* e = std::get_if<sync::Expunge>(&action); e && e->side == util::Side::remote) return true;
        // Without UIDPLUS the new UIDs are found by a search in the selected folder; the flags an
        // upload carried are read back there (appended_flags.hpp).
        if (const auto* u = std::get_if<sync::Upload>(&action))
            if (!session.connection().capabilities().uidplus() || u->flags != model::FlagSet{}) return true;
    }
    return false;
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

util::Error uidvalidity_changed(const std::string& folder) {
    return util::Error{std::make_error_code(std::errc::resource_unavailable_try_again),
                       "UIDVALIDITY of " + folder + " changed during the run; run again"};
}

}  // namespace

asio::awaitable<PlannedFolder> plan_folder_job(net::Session& session, state::StateDb& db, const std::string& account,
                                               const FolderJob& job, const RunOptions& options) {
    PlannedFolder p;
    p.job = job;
    p.result.folder = job.remote_name;
    auto fail = [&p](util::Error e) {
        p.result.outcome = FolderOutcome::failed;
        p.result.error = std::move(e);
        return std::move(p);
    };
    auto last = load_folder(db, FolderKey{account, job.remote_name});
    if (!last) co_return fail(std::move(last).error());
    p.last = std::move(*last);
    auto keywords = maildir::KeywordMap::load(job.local_dir);
    if (!keywords) co_return fail(std::move(keywords).error());
    p.keywords = std::make_unique<maildir::KeywordMap>(std::move(*keywords));

    // Unreadable state records (state_rows.hpp): nothing of this folder may be taken as unchanged.
    const bool full = options.full || p.last.unreadable > 0;
    auto local = build_local_view(job.local_dir, p.last, *p.keywords, full, job.root_present);
    if (!local) co_return fail(std::move(local).error());
    p.local = std::move(*local);
    if (!job.remote_exists) {
        p.remote = RemoteSnapshot{};  // not created yet (dry run): an empty folder with a new UIDVALIDITY
    } else if (!full && job.status && p.last.record && remote_unchanged(*job.status, *p.last.record)) {
        p.remote = unchanged_remote_view(*job.status, *p.last.record);  // changed locally only: no SELECT
    } else {
        auto remote = co_await build_remote_view(session, job.remote_name, p.last, full);
        if (!remote) co_return fail(std::move(remote).error());
        p.remote = std::move(*remote);
    }
    p.result.incremental = p.remote.incremental;

    auto request = sync::needs_identities(p.remote.view, p.local.view, p.last.pairs);
    if (!request.empty())
        if (auto r = co_await fill_identities(session, job.remote_name, p.remote, p.local, p.last.pairs, job.local_dir,
                                              request);
            !r)
            co_return fail(std::move(r).error());
    p.result.plan = sync::plan_folder(p.remote.view, p.local.view, p.last.pairs, options.policy, options.now);
    if (!p.remote.view.storable && job.remote_exists && asks_server_for_flags(p.result.plan)) {
        // Planned without a SELECT (the server said nothing changed), so what it can keep
        // (PERMANENTFLAGS) is not known, and the plan asks it to keep flags. The SELECT its execution
        // needs anyway tells; the plan is made again with it (sync/server_flags.hpp).
        auto sel = co_await session.select(job.remote_name, std::nullopt, options.dry_run);  // EXAMINE in a dry run
        if (!sel) co_return fail(std::move(sel).error());
        if (sel->uidvalidity != p.remote.view.uidvalidity) co_return fail(uidvalidity_changed(job.remote_name));
        p.remote.view.storable = storable_flags(sel->permanent_flags);
        p.result.plan = sync::plan_folder(p.remote.view, p.local.view, p.last.pairs, options.policy, options.now);
    }
    p.append_expect = append_expectation(p);
    // Before the views are trimmed: the list carries over what the views do not show again.
    const bool same_uids = p.last.record && p.last.record->uidvalidity == p.remote.view.uidvalidity;
    p.skipped = skipped_after_plan(same_uids ? &*p.last.record : nullptr, p.remote.view, p.local.view, p.result.plan);
    if (auto r = plan_late_appends(db, FolderKey{account, job.remote_name}, p, options.now); !r)
        co_return fail(std::move(r).error());
    if (options.dry_run)  // a real run would fail the folder with these (not_finished)
        for (const auto& why : p.local.not_carried) p.result.plan.warnings.push_back("would not be synced: " + why);
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
    const FolderKey where{account, p.job.remote_name};
    // Another folder's work may have selected something else on this connection since planning, or
    // planning did not need to select it. APPEND alone needs no selected folder (with UIDPLUS).
    if (needs_selected_folder(result.plan, session) && session.selected() != p.job.remote_name) {
        auto sel = co_await session.select(p.job.remote_name);
        if (!sel) co_return fail(std::move(sel).error());
        if (sel->uidvalidity != p.remote.view.uidvalidity) co_return fail(uidvalidity_changed(p.job.remote_name));
    }
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
    ExecContext ctx{session,     batch.db(), batch,  where,         p.job.local_dir,
                    *p.keywords, p.local,    p.last, options.trash, options.progress};
    ctx.append_expect = p.append_expect;
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
