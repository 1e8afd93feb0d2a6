#include "mailtwin/run/account_sync.hpp"

#include <ctime>

#include "account_run.hpp"
#include "mailtwin/notmuch/notmuch_sync.hpp"
#include "mailtwin/results/internal_error.hpp"
#include "mailtwin/run/forget.hpp"
#include "mailtwin/run/moves.hpp"
#include "mailtwin/run/run_record.hpp"
#include "mailtwin/settings/account_checks.hpp"
#include "mailtwin/settings/connection_settings.hpp"
#include "mailtwin/settings/policy_from_config.hpp"
#include "mailtwin/settings/secret.hpp"
#include "mailtwin/state/account_lock.hpp"
#include "mailtwin/state/error.hpp"

namespace mailtwin::engine {
namespace {

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
    for (const auto& note : step->notes) AccountRun::notify(result, reporter, "notmuch: " + note);
    if (auto line = describe(*step); !line.empty()) AccountRun::notify(result, reporter, line);
}

// What the account needs before any connection: its state directory, a usable Maildir root, its
// lock, the state file and the secret. Each failure is the account's (`result.fatal`).
struct OpenedAccount {
    state::AccountLock lock;
    state::StateDb db;
    std::string secret;
};

std::optional<OpenedAccount> open_account(const std::filesystem::path& state_dir, const config::Account& account,
                                          AccountResult& result) {
    auto fail = [&result](util::Error why, AccountFailure failure) {
        result.fatal = std::move(why);
        result.failure = failure;
        return std::nullopt;
    };
    std::error_code ec;
    std::filesystem::create_directories(state_dir, ec);
    if (ec)
        return fail(util::system_error(ec.value(), "cannot create the state directory " + state_dir.string()),
                    AccountFailure::other);
    if (auto problem = maildir_root_problem(account)) return fail(std::move(*problem), AccountFailure::config);
    auto lock = state::AccountLock::acquire(state_dir, account.name);
    if (!lock) {
        const bool locked = lock.error().code == state::Errc::account_locked;
        return fail(std::move(lock).error(), locked ? AccountFailure::locked : AccountFailure::other);
    }
    auto db = state::StateDb::open(state_dir / "state.mdb");
    if (!db) {
        auto why = std::move(db).error();
        // The way back from a damaged state file (tests/reliability/local): the state is a cache of
        // what both sides held, so removing it loses nothing; --full cannot help, it needs the file.
        // One account's rows can be dropped with `mailtwin forget`, but only through a file LMDB opens.
        why.message += "; if the file is damaged, remove (or move away) " + (state_dir / "state.mdb").string() +
                       " and " + (state_dir / "state.mdb-lock").string() +
                       ": they hold the state of every account, and each account's next sync rebuilds "
                       "it by matching messages on both sides, without duplicates (--full cannot repair "
                       "it; " +
                       forget_command(account.name) + " drops one account's state from a file that opens)";
        return fail(std::move(why), AccountFailure::other);
    }
    auto secret = resolve_secret(account.imap);
    if (!secret) return fail(std::move(secret).error(), AccountFailure::connection);
    return OpenedAccount{std::move(*lock), std::move(*db), std::move(*secret)};
}

RunOptions run_options(const config::Account& account, const SyncRequest& request) {
    RunOptions options;
    options.policy = policy_from_config(account.sync, request.force, request.full);
    options.dry_run = request.dry_run;
    options.full = request.full;
    options.now = static_cast<std::int64_t>(std::time(nullptr));
    options.trash = account.sync.trash;
    options.progress = request.progress;
    return options;
}

// Phase 2: moves between folders, found across the plans and done before them. They leave their
// plans, so nothing else touches those messages this run; a failure fails their folders.
asio::awaitable<void> execute_moves_phase(AccountRun& run, const FolderStores& stores, const sync::Moves& moves) {
    auto conn = co_await connection_for(run, 0);
    util::Expected<void> r = conn ? util::Expected<void>{} : util::Expected<void>(util::unexpected(conn.error()));
    if (conn) {
        net::Session session(**conn, &run.writes);
        for (auto& p : run.planned)
            if (p.remote) p.remote->use(session);
        r = co_await execute_moves(stores, run.batch, run.account.name, run.planned, moves);
    }
    if (r) co_return;
    // Their targets fail too: a target's plan lost the copies the moves replaced, and its
    // checkpoint, saved, would hide the moved-in messages from the next run (never copied, while
    // the source's next run expunges what it holds).
    for (const auto& m : moves.local) run.planned[m.from].result.error = run.planned[m.to].result.error = r.error();
    for (const auto& m : moves.remote) run.planned[m.from].result.error = run.planned[m.to].result.error = r.error();
    for (auto& p : run.planned)
        if (p.result.error) p.result.outcome = FolderOutcome::failed;
}

// Phases 0 to 3 on `io`, each run to its end before the next starts.
void run_phases(AccountRun& run, std::size_t max_workers) {
    auto& io = run.io;
    auto& result = run.result;
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
    asio::co_spawn(io, list_folder_jobs(run), guard);
    run_phase();
    if (result.fatal || run.jobs.empty()) return;
    const std::size_t workers = std::min(max_workers, run.jobs.size());
    // Phase 1: plan every changed folder (reads only).
    run.planned.resize(run.jobs.size());
    run.next_job = 0;
    for (std::size_t i = 0; i < workers; ++i) asio::co_spawn(io, planner(run, i), guard);
    run_phase();
    if (result.fatal || run.streaming) return;
    const FolderStores stores = stores_of(run.planned);
    sync::Moves moves;
    asio::co_spawn(
        io, [&]() -> asio::awaitable<void> { moves = co_await find_moves(stores, run.planned, run.options.policy); },
        guard);
    run_phase();
    // One line per message moved: details (-v); the folders' lines count them ("moved in N").
    for (const auto& line : describe_moves(moves, run.planned))
        run.detail((run.request.dry_run ? "plan: " : "") + line);
    if (run.request.dry_run) count_planned_moves(moves, run.planned);
    if (!moves.empty() && !run.request.dry_run) {
        asio::co_spawn(io, execute_moves_phase(run, stores, moves), guard);
        run_phase();
    }
    // Phase 3: execute the plans.
    run.next_job = 0;
    for (std::size_t i = 0; i < workers; ++i) asio::co_spawn(io, executor(run, i), guard);
    run_phase();
}

// The run record (run_record.hpp) goes with what is still queued: for a run that found nothing
// changed, this is its only write transaction. A dry run records no run.
void record_run(StateBatch& batch, const std::string& account, std::int64_t now, bool dry_run, AccountResult& result) {
    util::Expected<void> committed = {};
    if (!dry_run)
        committed =
            batch.add([&batch, name = account, now, run_result = result](state::WriteTxn& txn) -> util::Expected<void> {
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
    if (committed || result.fatal) return;
    result.fatal = std::move(committed).error();
    result.fatal->message = "could not record this run in the state database: " + result.fatal->message +
                            "; the next run checks that work again, without duplicates";
    result.failure = AccountFailure::other;
}

}  // namespace

AccountResult sync_account(const config::Config& config, const config::Account& account, const SyncRequest& request,
                           const Reporter& reporter) {
    AccountResult result;
    result.account = account.name;
    const auto& state_dir = config.general.state_dir;
    auto opened = open_account(state_dir, account, result);
    if (!opened) return result;
    // Tags changed in notmuch become keyword letters first, so that this sync carries them; the
    // keywords it brings become tags after it. A dry run changes nothing, in notmuch neither.
    const bool notmuch_tags = account.sync.notmuch_tags && !request.dry_run;
    if (notmuch_tags) notmuch_step(account, state_dir, result, reporter);
    asio::io_context io;
    const RunOptions options = run_options(account, request);
    StateBatch batch(opened->db);
    AccountRun run{config,  account, request, reporter, opened->db, batch, connection_settings(account, opened->secret),
                   options, result,  io};
    const std::size_t max_workers = static_cast<std::size_t>(std::max(1, config.general.max_connections));
    run.connections.resize(max_workers);
    run_phases(run, max_workers);
    record_run(batch, account.name, options.now, request.dry_run, result);
    for (auto& conn : run.connections)
        if (conn) asio::co_spawn(io, conn->logout(), asio::detached);
    io.restart();
    io.run();
    if (notmuch_tags && !result.fatal) notmuch_step(account, state_dir, result, reporter);
    return result;
}

}  // namespace mailtwin::engine
