#include "mailtwin/engine/account_sync.hpp"

#include <ctime>
#include <map>
#include <set>

#include "mailtwin/config/loader.hpp"
#include "mailtwin/engine/account_checks.hpp"
#include "mailtwin/engine/engine_error.hpp"
#include "mailtwin/engine/folder_collisions.hpp"
#include "mailtwin/engine/folder_filter.hpp"
#include "mailtwin/engine/folder_map.hpp"
#include "mailtwin/engine/forget.hpp"
#include "mailtwin/engine/internal_error.hpp"
#include "mailtwin/engine/local_layout.hpp"
#include "mailtwin/engine/moves.hpp"
#include "mailtwin/engine/notmuch_sync.hpp"
#include "mailtwin/engine/policy_from_config.hpp"
#include "mailtwin/engine/remote_list.hpp"
#include "mailtwin/engine/run_record.hpp"
#include "mailtwin/engine/secret.hpp"
#include "mailtwin/engine/state_rows.hpp"
#include "mailtwin/engine/views.hpp"
#include "mailtwin/maildir/folder.hpp"
#include "mailtwin/maildir/layout.hpp"
#include "mailtwin/maildir/scan.hpp"
#include "mailtwin/maildir/stamp.hpp"
#include "mailtwin/maildir/tmp_cleanup.hpp"
#include "mailtwin/state/account_lock.hpp"
#include "mailtwin/state/error.hpp"

namespace mailtwin::engine {
namespace {

// Rows the state cannot decode: forgetting them (and matching the folder afresh) is the way out.
bool is_damaged_state(const util::Error& e) {
    using state::Errc;
    return e.code == Errc::corrupted || e.code == Errc::unknown_record_version || e.code == Errc::truncated_record ||
           e.code == Errc::trailing_bytes;
}

void notify(AccountResult& result, const Reporter& reporter, const std::string& text) {
    result.notices.push_back(text);
    if (reporter.notice) reporter.notice(result.account, text);
}

// One notmuch tag step (notmuch_sync.hpp). Its failure fails no folder: the mail is synced all the
// same, and the next step catches up.
void notmuch_step(const config::Account& account, const std::filesystem::path& state_dir, AccountResult& result,
                  const Reporter& reporter) {
    auto step = sync_notmuch_tags(account, state_dir);
    if (!step) {
        result.errors.push_back(std::move(step).error());
        return;
    }
    for (auto& problem : step->problems) result.errors.push_back(std::move(problem));
    for (const auto& note : step->notes) notify(result, reporter, "notmuch: " + note);
    if (auto line = describe(*step); !line.empty()) notify(result, reporter, line);
}

// A folder as both sides and the state know it.
struct FolderPlan {
    std::string name;
    bool remote = false;
    bool selectable = true;
    bool local = false;
    bool known = false;  // the state has synced it before
    std::optional<imap::StatusData> status;
};

// The folder is as it was at the last sync on both sides: two stats and a LIST-STATUS line told us.
bool unchanged_since_last_sync(state::StateDb& db, const std::string& account, const FolderPlan& f,
                               const std::filesystem::path& dir) {
    if (!f.status || !f.status->highestmodseq || !f.status->uidvalidity) return false;
    auto record = db.load_folder(account, f.name);
    if (!record || !*record) return false;
    if (!store::remote_unchanged(*f.status, checkpoint_of(**record))) return false;
    const auto& rec = **record;
    auto stamp = maildir::decode_stamp(rec.scan_blob);
    if (!stamp) return false;
    maildir::ScanOptions options;
    options.remembered = *stamp;
    auto scan = maildir::scan_folder(dir, options);
    return scan && scan->unchanged;
}

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
    void done(FolderResult r) {
        if (r.error && is_damaged_state(*r.error))
            r.error->message += "; to start this folder's state afresh (mail is not touched): " +
                                forget_command(account.name, r.folder);
        if (reporter.folder_done) reporter.folder_done(account.name, r);
        keep_summary_only(r.plan);
        result.folders.push_back(std::move(r));
    }
    // Once reported, a result needs only its counters, its refusals and whether it changed
    // anything: a first sync's 100,000 planned copies are not kept until the run ends.
    static void keep_summary_only(sync::Plan& plan) {
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
};

// A folder that cannot be synced because of its name or local path: a failure of that folder only
// (exit 1), which says how to stop syncing it.
FolderResult skipped_folder(const std::string& name, const std::string& why, bool with_hint = true) {
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

// The connection of worker `slot`, opened (again) when it is missing or was lost: a lost connection
// costs the folder it happened in, not the rest of the run.
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

asio::awaitable<void> run_account(AccountRun& run) {
    auto conn = std::make_unique<net::Connection>(run.io.get_executor(), run.settings);
    if (auto r = co_await conn->open(); !r) {
        run.result.fatal = std::move(r).error();
        run.result.failure = AccountFailure::connection;
        co_return;
    }
    net::Session session(*conn, &run.writes);
    auto remote_listing = co_await list_remote(session, true);
    if (!remote_listing) {
        run.result.fatal = std::move(remote_listing).error();
        run.result.failure = AccountFailure::connection;
        co_return;
    }
    const std::vector<net::FolderInfo>* listed = &remote_listing->folders;
    const FolderNaming& naming = remote_listing->naming;
    // `trash = "Trash"` on a server whose folders live under "INBOX.": the user means INBOX.Trash.
    if (auto& trash = run.options.trash; !trash.empty()) {
        auto is_listed = [&](const std::string& name) {
            return std::any_of(listed->begin(), listed->end(), [&](const auto& f) { return f.name == name; });
        };
        if (!is_listed(trash) && is_listed(naming.to_remote(trash))) trash = naming.to_remote(trash);
    }
    const auto& acc = run.account;
    const auto& sync_cfg = acc.sync;
    const FolderSelection selection(sync_cfg, naming, *listed);
    auto selected = [&](const std::string& name) {
        if (!run.request.folders.empty()) {
            // --folder takes the server's name or the local one (without the personal prefix).
            const std::string local = naming.stripped(name);
            return std::find_if(run.request.folders.begin(), run.request.folders.end(), [&](const std::string& f) {
                       return f == name || f == local;
                   }) != run.request.folders.end();
        }
        return selection.selected(name);  // \Noselect folders are skipped below, with the plan in hand
    };

    std::map<std::string, FolderPlan> folders;
    for (const auto& f : *listed) {
        if (!selected(f.name)) continue;
        auto& p = folders[f.name];
        p.name = f.name;
        p.remote = true;
        p.selectable = f.selectable;
        p.status = f.status;
    }
    auto known = run.db.list_folders(acc.name);
    if (!known) {
        run.result.fatal = std::move(known).error();
        run.result.failure = AccountFailure::other;
        co_return;
    }
    for (const auto& name : *known)
        if (selected(name)) {
            auto& p = folders[name];
            p.name = name;
            p.known = true;
        }

    // A missing root while the state remembers mail is an unmounted disk or a typo, never "the user
    // deleted everything": nothing may be deleted on the server because of it.
    const maildir::Layout layout = local_layout(acc);
    // Local names go back to the remote folders (listed or remembered) that own them; with a personal
    // namespace prefix, folders outside it keep their full names and could clash with personal ones.
    std::vector<std::string> remote_names;
    for (const auto& f : *listed) remote_names.push_back(f.name);
    remote_names.insert(remote_names.end(), known->begin(), known->end());
    const NameClaims claims = naming.claim_local_names(remote_names);
    const bool root_exists = std::filesystem::is_directory(acc.maildir);
    if (!root_exists && !known->empty()) {
        run.result.fatal = util::Error{EngineError::maildir_root_missing,
                                       "the Maildir root " + acc.maildir.string() +
                                           " is missing, but the state says it held mail: is the disk mounted? "
                                           "Nothing was changed. If the Maildir is gone for good and you want to "
                                           "download everything afresh, first run: " +
                                           forget_command(acc.name)};
        run.result.failure = AccountFailure::other;
        co_return;
    }
    if (!root_exists && !run.request.dry_run) {
        std::error_code ec;
        std::filesystem::create_directories(acc.maildir, ec);
        if (ec) {
            run.result.fatal =
                util::Error{EngineError::maildir_unusable, "cannot create the Maildir root " + acc.maildir.string() +
                                                               " (accounts." + acc.name + ".maildir): " + ec.message()};
            run.result.failure = AccountFailure::config;
            co_return;
        }
    }
    std::vector<std::string> local_names;  // every local folder, selected or not: for --folder's check
    if (root_exists) {
        auto local = naming.list_local(layout, claims);
        if (local) {
            for (const auto& lf : local->folders) {
                local_names.push_back(lf.remote_name);
                if (selected(lf.remote_name)) {
                    auto& p = folders[lf.remote_name];
                    p.name = lf.remote_name;
                    p.local = true;
                }
            }
            for (const auto& skipped : local->skipped) run.notice("local folder skipped: " + skipped.message);
        }
    }
    if (!run.request.folders.empty()) {
        // A --folder that matches nothing is a typo, not "nothing to do": say so, with the near names.
        std::vector<std::string> names;
        for (const auto* list : {&remote_names, &local_names})
            for (const auto& n : *list) {
                names.push_back(n);
                names.push_back(naming.stripped(n));
            }
        if (auto unmatched = unmatched_folders(acc.name, run.request.folders, names)) {
            run.result.fatal = std::move(*unmatched);
            run.result.failure = AccountFailure::config;
            co_return;
        }
    }

    auto& jobs = run.jobs;
    bool any_known = false;
    const bool may_create_remote = sync_cfg.direction != config::Direction::pull;
    const bool may_create_local = sync_cfg.direction != config::Direction::push;
    std::vector<MappedFolder> mapped;
    // Directories another tool keeps a folder in that the layout refuses (the server folder "v1.2"
    // in offlineimap's v1.2/ under layout = "dotted"): no other folder is synced through them. Every
    // name counts, the excluded ones too: excluding "v1.2" must not make its directory "v1/2".
    std::map<std::filesystem::path, std::string> taken;
    for (const auto& name : remote_names)
        if (auto path = naming.taken_path(layout, name)) taken.emplace(path->lexically_normal(), name);
    for (const auto& [name, f] : folders) {
        if ((f.remote && !f.selectable) || claims.clashing.contains(name)) continue;
        if (auto dir = naming.local_path(layout, name)) mapped.push_back({name, *dir});
    }
    const auto collisions = colliding_folders(mapped);
    for (auto& [name, f] : folders) {
        // A folder whose local path the filesystem refuses fails alone; every other folder syncs.
        try {
            if (f.remote && !f.selectable) continue;  // \Noselect: a hierarchy node, not a mailbox
            if (claims.clashing.contains(name)) {
                run.notice("folder \"" + name + "\" skipped: its local name is taken by the personal folder \"" +
                           naming.to_remote(*naming.to_local(name)) + "\"");
                continue;
            }
            auto dir = naming.local_path(layout, name);
            if (!dir) {
                run.done(skipped_folder(name, dir.error().message, false));  // the message has its own advice
                continue;
            }
            if (auto t = taken.find(dir->lexically_normal()); t != taken.end()) {
                util::Error why{EngineError::folder_name_collision, describe_taken(name, t->second, *dir)};
                run.done(FolderResult{name, FolderOutcome::failed, false, {}, {}, std::move(why)});
                continue;
            }
            if (auto c = collisions.find(name); c != collisions.end()) {
                // folder_collisions.hpp: never synced, and a failure (exit 1) until the names differ.
                FolderResult failed{
                    name,  FolderOutcome::failed,
                    false, {},
                    {},    util::Error{EngineError::folder_name_collision, describe_collision(name, c->second, *dir)}};
                run.done(std::move(failed));
                continue;
            }
            bool remote_exists = f.remote;
            if (!f.remote) {
                if (!may_create_remote) {
                    run.notice("local folder \"" + name +
                               "\" not synced: direction = \"pull\" never creates server folders");
                    continue;
                }
                // A folder deleted on one side is never silently deleted on the other: recreate, and say so.
                run.notice(std::string(f.known
                                           ? "folder \"" + name + "\" was deleted on the server; recreating it there"
                                           : "creating server folder \"" + name + "\"") +
                           (run.request.dry_run ? " (dry run: not done)" : ""));
                if (!run.request.dry_run) {
                    if (auto r = co_await session.create_folder(name); !r) {
                        FolderResult failed{name, FolderOutcome::failed, false, {}, {}, std::move(r).error()};
                        run.done(std::move(failed));
                        continue;
                    }
                    remote_exists = true;
                }
            }
            std::error_code is_dir_error;
            if (!f.local && !std::filesystem::is_directory(*dir / "cur", is_dir_error)) {
                if (!may_create_local) {
                    run.notice("server folder \"" + name +
                               "\" not synced: direction = \"push\" never creates local folders");
                    continue;
                }
                if (f.known) run.notice("folder \"" + name + "\" was deleted locally; recreating " + dir->string());
                if (!run.request.dry_run)
                    if (auto r = maildir::create_folder(*dir); !r) {
                        FolderResult failed{name, FolderOutcome::failed, false, {}, {}, std::move(r).error()};
                        run.done(std::move(failed));
                        continue;
                    }
            }
            if (!run.options.full && f.known && f.remote && f.local &&
                unchanged_since_last_sync(run.db, acc.name, f, *dir)) {
                FolderResult same;
                same.folder = name;
                same.outcome = FolderOutcome::unchanged;
                run.done(std::move(same));
                continue;
            }
            jobs.push_back(FolderJob{name, *dir, true, f.status, remote_exists});
            any_known = any_known || f.known;
        } catch (const std::filesystem::filesystem_error& e) {
            run.done(skipped_folder(name,
                                    "its local path " + e.path1().string() + " cannot be used: " + e.code().message()));
        }
    }
    run.streaming = !any_known;

    // The connection that listed the folders serves the first worker of the next phases.
    run.connections.front() = std::move(conn);
}

}  // namespace

AccountResult sync_account(const config::Config& config, const config::Account& account, const SyncRequest& request,
                           const Reporter& reporter) {
    AccountResult result;
    result.account = account.name;
    const auto& state_dir = config.general.state_dir;
    std::error_code ec;
    std::filesystem::create_directories(state_dir, ec);
    if (ec) {
        result.fatal = util::system_error(ec.value(), "cannot create the state directory " + state_dir.string());
        result.failure = AccountFailure::other;
        return result;
    }
    if (auto problem = maildir_root_problem(account)) {
        result.fatal = std::move(*problem);
        result.failure = AccountFailure::config;
        return result;
    }
    auto lock = state::AccountLock::acquire(state_dir, account.name);
    if (!lock) {
        result.failure =
            lock.error().code == state::Errc::account_locked ? AccountFailure::locked : AccountFailure::other;
        result.fatal = std::move(lock).error();
        return result;
    }
    auto db = state::StateDb::open(state_dir / "state.mdb");
    if (!db) {
        result.fatal = std::move(db).error();
        // The way back from a damaged state file (tests/reliability/local): the state is a cache of
        // what both sides held, so removing it loses nothing; --full cannot help, it needs the file.
        // One account's rows can be dropped with `mailtwin forget`, but only through a file LMDB opens.
        result.fatal->message += "; if the file is damaged, remove (or move away) " +
                                 (state_dir / "state.mdb").string() + " and " +
                                 (state_dir / "state.mdb-lock").string() +
                                 ": they hold the state of every account, and each account's next sync rebuilds "
                                 "it by matching messages on both sides, without duplicates (--full cannot repair "
                                 "it; " +
                                 forget_command(account.name) + " drops one account's state from a file that opens)";
        result.failure = AccountFailure::other;
        return result;
    }
    auto secret = resolve_secret(account.imap);
    if (!secret) {
        result.fatal = std::move(secret).error();
        result.failure = AccountFailure::connection;
        return result;
    }
    // Tags changed in notmuch become keyword letters first, so that this sync carries them; the
    // keywords it brings become tags after it. A dry run changes nothing, in notmuch neither.
    const bool notmuch_tags = account.sync.notmuch_tags && !request.dry_run;
    if (notmuch_tags) notmuch_step(account, state_dir, result, reporter);
    asio::io_context io;
    RunOptions options;
    options.policy = policy_from_config(account.sync, request.force, request.full);
    options.dry_run = request.dry_run;
    options.full = request.full;
    options.now = static_cast<std::int64_t>(std::time(nullptr));
    options.trash = account.sync.trash;
    options.progress = request.progress;
    StateBatch batch(*db);
    AccountRun run{config,  account, request, reporter, *db, batch, connection_settings(account, *secret),
                   options, result,  io};
    const std::size_t max_workers = static_cast<std::size_t>(std::max(1, config.general.max_connections));
    run.connections.resize(max_workers);
    auto guard = [&result](std::exception_ptr e) {
        if (auto failed = internal_error(e, "syncing the account")) {
            result.fatal = std::move(*failed);
            result.failure = AccountFailure::other;
        }
    };
    auto run_phase = [&io] {
        io.restart();
        io.run();
    };
    // Phase 0: connect, list, map folders both ways, skip the unchanged ones.
    asio::co_spawn(io, run_account(run), guard);
    run_phase();
    if (!result.fatal && !run.jobs.empty()) {
        const std::size_t workers = std::min(max_workers, run.jobs.size());
        // Phase 1: plan every changed folder (reads only).
        run.planned.resize(run.jobs.size());
        run.next_job = 0;
        for (std::size_t i = 0; i < workers; ++i) asio::co_spawn(io, planner(run, i), guard);
        run_phase();
    }
    if (!result.fatal && !run.jobs.empty() && !run.streaming) {
        const std::size_t workers = std::min(max_workers, run.jobs.size());
        // Phase 2: moves between folders, found across the plans, done first.
        const FolderStores stores = stores_of(run.planned);
        sync::Moves moves;
        asio::co_spawn(
            io,
            [&]() -> asio::awaitable<void> { moves = co_await find_moves(stores, run.planned, run.options.policy); },
            guard);
        run_phase();
        // One line per message moved: details (-v); the folders' lines count them ("moved in N").
        for (const auto& line : describe_moves(moves, run.planned))
            run.detail((request.dry_run ? "plan: " : "") + line);
        if (request.dry_run) count_planned_moves(moves, run.planned);
        if (!moves.empty() && !request.dry_run) {
            asio::co_spawn(
                io,
                [&]() -> asio::awaitable<void> {
                    auto conn = co_await connection_for(run, 0);
                    util::Expected<void> r =
                        conn ? util::Expected<void>{} : util::Expected<void>(util::unexpected(conn.error()));
                    if (conn) {
                        net::Session session(**conn, &run.writes);
                        for (auto& p : run.planned)
                            if (p.remote) p.remote->use(session);
                        r = co_await execute_moves(stores, batch, account.name, run.planned, moves);
                    }
                    if (!r) {
                        // The moves left their plans, so nothing else touches those messages this run.
                        // Their targets fail too: a target's plan lost the copies the moves replaced,
                        // and its checkpoint, saved, would hide the moved-in messages from the next
                        // run (never copied, while the source's next run expunges what it holds).
                        for (const auto& m : moves.local) run.planned[m.from].result.error = r.error();
                        for (const auto& m : moves.remote) run.planned[m.from].result.error = r.error();
                        for (const auto& m : moves.local) run.planned[m.to].result.error = r.error();
                        for (const auto& m : moves.remote) run.planned[m.to].result.error = r.error();
                        for (auto& p : run.planned)
                            if (p.result.error) p.result.outcome = FolderOutcome::failed;
                    }
                },
                guard);
            run_phase();
        }
        // Phase 3: execute the plans.
        run.next_job = 0;
        for (std::size_t i = 0; i < workers; ++i) asio::co_spawn(io, executor(run, i), guard);
        run_phase();
    }
    // The run record (run_record.hpp) goes with what is still queued: for a run that found nothing
    // changed, this is its only write transaction.
    util::Expected<void> committed = {};
    if (!request.dry_run)
        committed = batch.add([&batch, name = account.name, now = options.now,
                               run_result = result](state::WriteTxn& txn) -> util::Expected<void> {
            auto& state = batch.db();
            auto before = state.load_runs(txn, name);
            if (!before && !state::is_unreadable_record(before.error())) return util::unexpected(before.error());
            auto known = state.list_folders(txn, name);
            if (!known) return util::unexpected(known.error());
            const std::optional<state::AccountRuns> last = before ? *before : std::nullopt;  // unreadable: afresh
            return state.save_runs(txn, name, merge_run(last, now, run_result, *known));
        });
    // What is still queued records work already done on both sides; a failure here only makes the
    // next run re-check that work (state_batch.hpp), but the user should hear of it.
    if (committed) committed = batch.commit();
    if (!committed && !result.fatal) {
        result.fatal = std::move(committed).error();
        result.fatal->message = "could not record this run in the state database: " + result.fatal->message +
                                "; the next run checks that work again, without duplicates";
        result.failure = AccountFailure::other;
    }
    for (auto& conn : run.connections)
        if (conn) asio::co_spawn(io, conn->logout(), asio::detached);
    run_phase();
    if (notmuch_tags && !result.fatal) notmuch_step(account, state_dir, result, reporter);
    return result;
}

}  // namespace mailtwin::engine
