#pragma once
// Private to the watch module (src/watch/): the watcher behind run_watch() (watch.hpp), shared by the files that each
// do one of its jobs: watch.cpp the per-account state machine and its passes, watch_remote.cpp the server side
// (connecting, listening with NOTIFY or IDLE, connection health), watch_local.cpp the Maildir side (inotify),
// watch_control.cpp signals, reloads and the systemd watchdog. What it reports and how is in watch_report.hpp.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "mailtwin/config/config.hpp"
#include "mailtwin/folders/folder_naming.hpp"
#include "mailtwin/imap/response.hpp"
#include "mailtwin/net/asio.hpp"
#include "mailtwin/net/connection.hpp"
#include "mailtwin/net/session.hpp"
#include "mailtwin/results/exit_code.hpp"
#include "mailtwin/watch/watch.hpp"
#include "mailtwin/watch/watch_backoff.hpp"
#include "mailtwin/watch/watch_debounce.hpp"
#include "mailtwin/watch/watch_inotify.hpp"

namespace mailtwin::engine::detail {

namespace asio = net::asio;
using Clock = std::chrono::steady_clock;

// Another client's bulk APPEND arrives as a burst of EXISTS: one sync once it has been quiet this long.
constexpr auto k_remote_quiet = std::chrono::milliseconds(300);
constexpr auto k_remote_max_delay = std::chrono::seconds(5);
// A folder changing continuously locally (an import) is still synced every this many debounce periods.
constexpr int k_local_max_delay_factor = 10;
// A pass that found the account lock held (a cron `mailtwin sync` is running) is retried after this.
constexpr auto k_locked_retry = std::chrono::seconds(30);

// Runs `job` on the worker thread; the awaiting coroutine resumes on its own executor with the result.
// Not a coroutine itself, and callers pass a named job, never a lambda temporary: with GCC 12 a lambda
// temporary in a co_await full-expression was destroyed twice here, releasing its captured shared_ptr
// (the config) twice. The same holds for the IDLE wake callback in watch_remote.cpp.
template <typename T>
asio::awaitable<T> on_worker(asio::thread_pool& pool, std::function<T()>&& job) {
    return asio::async_initiate<const asio::use_awaitable_t<>&, void(T)>(
        [&pool](auto handler, std::function<T()> work) {
            asio::post(pool, [work = std::move(work), handler = std::move(handler)]() mutable {
                T result = work();
                auto executor = asio::get_associated_executor(handler);
                asio::post(executor, [handler = std::move(handler), result = std::move(result)]() mutable {
                    handler(std::move(result));
                });
            });
        },
        asio::use_awaitable, std::move(job));
}

struct AccountWatch;

// What a listening connection shares with its account; `owner` is cleared when the account stops
// listening on it (reconnect, stop), after which the listener closes its connection.
struct ListenerLink {
    AccountWatch* owner = nullptr;
};

struct AccountWatch {
    AccountWatch(asio::io_context& io, std::string account_name, const WatchOptions& options)
        : name(std::move(account_name)),
          local(options.debounce, options.debounce * k_local_max_delay_factor),
          remote(k_remote_quiet, k_remote_max_delay),
          wakeup(io),
          inotify(io.get_executor()) {}

    std::string name;
    WatchState state = WatchState::syncing;  // the first step is the full pass
    Backoff backoff;
    Debouncer local;   // folders changed in the Maildir
    Debouncer remote;  // folders the server reported changed
    bool full_due = true;
    Clock::time_point next_full{};
    std::optional<Clock::time_point> retry_at;  // passes wait until then (the account lock was held)
    bool first_pass_done = false;

    bool connected = false;               // connect_step done; its listeners (maybe none) are up
    std::shared_ptr<ListenerLink> link;   // the listening connections, if any
    std::optional<std::string> lost;      // why a listening connection ended
    bool reconnect = false;               // the server settings changed (SIGHUP)
    bool online = true;                   // for logging each loss and recovery once
    FolderNaming naming;                  // delimiter and personal namespace prefix, from the last connect
    std::vector<net::FolderInfo> listed;  // the server's folders at the last connect (FolderSelection)
    std::string mode;                     // "NOTIFY", "IDLE on INBOX", ...

    bool syncing_now = false;
    std::set<std::string> changed_while_syncing;

    asio::steady_timer wakeup;  // cancelled to make a waiting step look again
    MaildirWatcher inotify;
    bool inotify_started = false;
};

class Watcher {
public:
    Watcher(const config::Config& config, const std::vector<const config::Account*>& accounts,
            const WatchOptions& options);
    ~Watcher() {
        // Passes still queued (none after a clean stop) must not outlive the members they use.
        m_worker.join();
    }

    int run();

private:
    const config::Account& account_config(const AccountWatch& a) const { return *m_config->find_account(a.name); }

    // The state machine (watch.cpp).
    asio::awaitable<void> account_loop(AccountWatch& a);
    asio::awaitable<WatchState> sync_step(AccountWatch& a);
    asio::awaitable<WatchState> idle_step(AccountWatch& a);
    asio::awaitable<WatchState> backoff_step(AccountWatch& a);
    void stop_step(AccountWatch& a);
    void enter(AccountWatch& a, WatchState next);
    void requeue(AccountWatch& a, bool full, const std::set<std::string>& folders);
    [[nodiscard]] WatchState after_pass(const AccountWatch& a) const;
    [[nodiscard]] bool work_due(AccountWatch& a, Clock::time_point now) const;
    void publish_status();
    void poke(AccountWatch& a) { a.wakeup.cancel(); }

    // The server side (watch_remote.cpp).
    asio::awaitable<WatchState> connect_step(AccountWatch& a);
    // connect_step's parts. Each reports the account offline and gives nullopt when the server fails it.
    // The folders the account syncs that the server has (FolderSelection); sets a.naming and a.listed.
    asio::awaitable<std::optional<std::vector<std::string>>> list_synced_folders(AccountWatch& a, net::Connection& conn,
                                                                                 const config::Account& account);
    // NOTIFY on `conn`, which its listener takes: "NOTIFY", or "" when the server refused it and the
    // connection still works (IDLE is tried next).
    asio::awaitable<std::optional<std::string>> listen_with_notify(AccountWatch& a,
                                                                   const std::shared_ptr<ListenerLink>& link,
                                                                   std::unique_ptr<net::Connection>& conn,
                                                                   const std::vector<std::string>& idle_folders);
    // IDLE on each folder: the first on `conn`, each other on a new connection; "IDLE on INBOX, Work".
    asio::awaitable<std::optional<std::string>> listen_with_idle(AccountWatch& a,
                                                                 const std::shared_ptr<ListenerLink>& link,
                                                                 std::unique_ptr<net::Connection>& conn,
                                                                 const net::ConnectionSettings& settings,
                                                                 const std::vector<std::string>& idle_folders);
    asio::awaitable<void> listen(std::shared_ptr<ListenerLink> link, std::unique_ptr<net::Connection> conn,
                                 std::optional<std::string> selected);
    bool on_server_event(ListenerLink& link, const std::optional<std::string>& selected, bool utf8,
                         const imap::Response& response);
    void orphan_listeners(AccountWatch& a);
    void go_offline(AccountWatch& a, const std::string& why);
    void go_online(AccountWatch& a);

    // The Maildir side (watch_local.cpp).
    void rearm_inotify(AccountWatch& a);
    void on_local_change(AccountWatch& a, const std::string& folder);

    // Signals, reloads, systemd (watch_control.cpp).
    asio::awaitable<void> signal_loop();
    asio::awaitable<void> watchdog_loop(std::chrono::microseconds period);
    void reload();
    void request_stop(int signal_number);

    // First: destroyed last, after every object registered with it.
    asio::io_context m_io;
    WatchOptions m_options;
    std::shared_ptr<const config::Config> m_config;  // passes in flight keep their own copy alive
    std::vector<std::unique_ptr<AccountWatch>> m_accounts;
    asio::signal_set m_signals;
    asio::steady_timer m_watchdog;
    std::mt19937_64 m_rng;
    std::uniform_real_distribution<double> m_unit{0.0, 1.0};
    bool m_stop = false;
    std::atomic<bool> m_stop_shared{false};  // read by the worker: passes queued after a stop are skipped
    std::size_t m_running = 0;               // account loops not yet stopped
    std::size_t m_first_passes_left = 0;
    ExitStatus m_exit_status;  // an internal error in an account loop fails the run
    // One worker: passes run one at a time (each sync_account opens the LMDB environment, which one
    // process must not have open twice at once). Last: joined before the members its jobs use die.
    asio::thread_pool m_worker{1};
};

}  // namespace mailtwin::engine::detail
