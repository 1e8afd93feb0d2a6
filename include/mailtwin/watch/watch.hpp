#pragma once
// `mailtwin watch`: daemon mode. One full pass per account, then per account a listening connection
// (NOTIFY where offered, else IDLE on the configured folders, one connection each), inotify on the
// Maildir folders (debounced), a periodic full pass, reconnects with backoff, SIGTERM/SIGINT to stop
// after the current step, SIGHUP to reload the config, and sd_notify for systemd's Type=notify.
//
// Threads: the watcher's io_context runs on the calling thread (listeners, inotify, timers, signals,
// the systemd watchdog); sync passes run one at a time on one worker thread, because sync_account()
// runs its own io_context to completion and because one process must not open the LMDB environment
// twice at once. The watcher therefore keeps listening, answering signals and feeding the watchdog
// while a long pass runs. It never holds an account lock: sync_account() takes and releases it, so
// a cron `mailtwin sync` can run between passes (a pass that finds the lock taken is retried).
//
// Its own writes: inotify events read while a pass runs are set aside; folders the pass did not cover
// are synced after the debounce as usual, and folders it did cover get one follow-up pass, because a
// mail reader may have acted during the pass. The follow-up finds nothing to do and writes nothing,
// so the watcher settles. Likewise the server's echo of the pass's own APPENDs costs one no-op pass.
// Stopping: SIGTERM/SIGINT let the pass in progress run to its end (sync_account has no cancellation
// point), then the account loops stop; listening connections are dropped, not logged out.
// What it reports, and how (text lines, the journal, JSON events): watch_report.hpp.
#include <array>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "mailtwin/config/config.hpp"
#include "mailtwin/run/account_sync.hpp"

namespace mailtwin::engine {

struct WatchOptions {
    // A full pass over every folder this often, whatever the notifications said.
    std::chrono::seconds watch_interval = std::chrono::minutes(5);
    // Folders to IDLE on (one connection each) when the server lacks NOTIFY; folders the account's
    // `folders` globs exclude are skipped.
    std::vector<std::string> idle_folders{"INBOX"};
    // Quiet time after the last local change before a folder is synced.
    std::chrono::milliseconds debounce = std::chrono::seconds(2);
    // NOTIFY (RFC 5465) where offered; false uses IDLE even then (servers whose NOTIFY misbehaves).
    bool use_notify = true;
    // Longest single IDLE command before it is re-issued: below the 30 minute limit of RFC 2177 and
    // below the idle timeout of most NAT boxes.
    std::chrono::seconds max_idle = std::chrono::minutes(10);
    // SIGHUP: returns the re-read and re-validated config, throwing config::ConfigError (or another
    // std::exception) when it is invalid; empty: config::load_file(config.source).
    std::function<config::Config()> reload;
    // Per-folder results and notices of every pass; called on the sync worker thread. Empty
    // callbacks: watch's folder and notice events (watch_report.hpp).
    Reporter reporter;
};

// The watcher's states, per account (design habit 10: an enum, a names table, one switch).
enum class WatchState { connecting, syncing, idling, backoff, stopping };
inline constexpr std::array<std::string_view, 5> k_watch_state_names{"connecting", "syncing", "idling", "backoff",
                                                                     "stopping"};
constexpr std::string_view watch_state_name(WatchState s) noexcept {
    return k_watch_state_names[static_cast<std::size_t>(s)];
}

// Runs until SIGTERM or SIGINT; returns the process exit code (exit_code.hpp: ok after a clean
// stop, config when no account was given, other after an internal error). `accounts` point into
// `config`; after a SIGHUP reload the same account names are looked up in the new config.
int run_watch(const config::Config& config, const std::vector<const config::Account*>& accounts,
              const WatchOptions& options);

}  // namespace mailtwin::engine
