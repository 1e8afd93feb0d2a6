#include "mailtwin/engine/watch.hpp"

#include <strings.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>

#include "mailtwin/config/loader.hpp"
#include "mailtwin/engine/folder_filter.hpp"
#include "mailtwin/engine/folder_map.hpp"
#include "mailtwin/engine/remote_list.hpp"
#include "mailtwin/engine/report.hpp"
#include "mailtwin/engine/secret.hpp"
#include "mailtwin/engine/watch_backoff.hpp"
#include "mailtwin/engine/watch_debounce.hpp"
#include "mailtwin/engine/watch_inotify.hpp"
#include "mailtwin/engine/watch_systemd.hpp"
#include "mailtwin/imap/utf7.hpp"
#include "mailtwin/maildir/folder.hpp"
#include "mailtwin/maildir/layout.hpp"
#include "mailtwin/net/session.hpp"
#include "mailtwin/util/log.hpp"

namespace mailtwin::engine {
namespace {

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
// (the config) twice. The same holds for the IDLE wake callback below.
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

bool same_server(const config::Imap& a, const config::Imap& b) {
    return a.host == b.host && a.port == b.port && a.tls == b.tls && a.user == b.user && a.password == b.password &&
           a.password_cmd == b.password_cmd && a.auth == b.auth && a.ca_file == b.ca_file &&
           a.fingerprint == b.fingerprint;
}

bool same_folder_name(const std::string& a, const std::string& b) {
    // IMAP treats INBOX case-insensitively (RFC 3501 §5.1), other names exactly.
    return a == b || (strcasecmp(a.c_str(), "INBOX") == 0 && strcasecmp(b.c_str(), "INBOX") == 0);
}

std::string join(const std::set<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
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

    bool connected = false;              // connect_step done; its listeners (maybe none) are up
    std::shared_ptr<ListenerLink> link;  // the listening connections, if any
    std::optional<std::string> lost;     // why a listening connection ended
    bool reconnect = false;              // the server settings changed (SIGHUP)
    bool online = true;                  // for logging each loss and recovery once
    FolderNaming naming;  // delimiter and personal namespace prefix, from the last connect
    std::string mode;  // "NOTIFY", "IDLE on INBOX", ...

    bool syncing_now = false;
    std::set<std::string> changed_while_syncing;

    asio::steady_timer wakeup;  // cancelled to make a waiting step look again
    MaildirWatcher inotify;
    bool inotify_started = false;
};

class Watcher {
public:
    Watcher(const config::Config& config, const std::vector<const config::Account*>& accounts,
            const WatchOptions& options)
        : m_options(options),
          m_config(std::make_shared<const config::Config>(config)),
          m_signals(m_io, SIGINT, SIGTERM, SIGHUP),
          m_watchdog(m_io),
          m_rng(std::random_device{}()) {
        // A zero interval would make every wake-up a full pass.
        m_options.watch_interval = std::max(m_options.watch_interval, std::chrono::seconds(1));
        for (const auto* account : accounts)
            m_accounts.push_back(std::make_unique<AccountWatch>(m_io, account->name, m_options));
        if (!m_options.reporter.folder_done)
            m_options.reporter.folder_done = [](const std::string& account, const FolderResult& r) {
                if (r.failed())
                    util::log_error(account + "/" + folder_summary(r));
                else if (r.outcome == FolderOutcome::synced && !r.plan.changes_nothing())
                    util::log_info(account + "/" + folder_summary(r));
            };
        if (!m_options.reporter.notice)
            m_options.reporter.notice = [](const std::string& account, const std::string& text) {
                util::log_info(account + ": " + text);
            };
    }

    ~Watcher() {
        // Passes still queued (none after a clean stop) must not outlive the members they use.
        m_worker.join();
    }

    int run();

private:
    const config::Account& account_config(const AccountWatch& a) const { return *m_config->find_account(a.name); }

    asio::awaitable<void> account_loop(AccountWatch& a);
    asio::awaitable<WatchState> sync_step(AccountWatch& a);
    asio::awaitable<WatchState> connect_step(AccountWatch& a);
    asio::awaitable<WatchState> idle_step(AccountWatch& a);
    asio::awaitable<WatchState> backoff_step(AccountWatch& a);
    void stop_step(AccountWatch& a);

    asio::awaitable<void> listen(std::shared_ptr<ListenerLink> link, std::unique_ptr<net::Connection> conn,
                                 std::optional<std::string> selected);
    bool on_server_event(ListenerLink& link, const std::optional<std::string>& selected, bool utf8,
                         const imap::Response& response);
    asio::awaitable<void> signal_loop();
    asio::awaitable<void> watchdog_loop(std::chrono::microseconds period);

    void enter(AccountWatch& a, WatchState next);
    void go_offline(AccountWatch& a, const std::string& why);
    void go_online(AccountWatch& a);
    void orphan_listeners(AccountWatch& a);
    void rearm_inotify(AccountWatch& a);
    void on_local_change(AccountWatch& a, const std::string& folder);
    void requeue(AccountWatch& a, bool full, const std::set<std::string>& folders);
    [[nodiscard]] WatchState after_pass(const AccountWatch& a) const;
    [[nodiscard]] bool work_due(AccountWatch& a, Clock::time_point now) const;
    void reload();
    void request_stop(int signal_number);
    void publish_status();
    void poke(AccountWatch& a) { a.wakeup.cancel(); }

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
    int m_exit_code = 0;
    // One worker: passes run one at a time (each sync_account opens the LMDB environment, which one
    // process must not have open twice at once). Last: joined before the members its jobs use die.
    asio::thread_pool m_worker{1};
};

int Watcher::run() {
    m_running = m_accounts.size();
    m_first_passes_left = m_accounts.size();
    asio::co_spawn(m_io, signal_loop(), asio::detached);
    if (auto period = systemd::watchdog_period()) asio::co_spawn(m_io, watchdog_loop(*period), asio::detached);
    for (auto& a : m_accounts) {
        asio::co_spawn(m_io, account_loop(*a), [this, &account = *a](std::exception_ptr e) {
            if (e) {
                try {
                    std::rethrow_exception(e);
                } catch (const std::exception& ex) {
                    util::log_error(account.name + ": watch stopped by an internal error: " + ex.what());
                }
                m_exit_code = 1;
                request_stop(0);
            }
            if (--m_running > 0) return;
            // Every account has stopped. Listening connections still blocked in IDLE are dropped with
            // the io_context (the server sees a closed connection, which is harmless).
            m_signals.cancel();
            m_watchdog.cancel();
            m_io.stop();
        });
    }
    publish_status();
    m_io.run();
    return m_exit_code;
}

// ---------------------------------------------------------------------------------------------------
// The state machine: one switch, one step per state, each returning the next state.

asio::awaitable<void> Watcher::account_loop(AccountWatch& a) {
    for (;;) {
        WatchState next = a.state;
        switch (a.state) {
            case WatchState::syncing:
                next = co_await sync_step(a);
                break;
            case WatchState::connecting:
                next = co_await connect_step(a);
                break;
            case WatchState::idling:
                next = co_await idle_step(a);
                break;
            case WatchState::backoff:
                next = co_await backoff_step(a);
                break;
            case WatchState::stopping:
                stop_step(a);
                co_return;
        }
        enter(a, next);
    }
}

void Watcher::enter(AccountWatch& a, WatchState next) {
    if (next == a.state) return;
    util::log_debug(a.name + ": " + std::string(watch_state_name(a.state)) + " -> " +
                    std::string(watch_state_name(next)));
    a.state = next;
    publish_status();
}

void Watcher::publish_status() {
    std::string status;
    for (const auto& a : m_accounts) {
        if (!status.empty()) status += "; ";
        status += a->name + ": " + std::string(watch_state_name(a->state));
        if (a->state == WatchState::idling && !a->mode.empty()) status += " (" + a->mode + ")";
    }
    systemd::notify_status(status);
}

WatchState Watcher::after_pass(const AccountWatch& a) const {
    if (m_stop) return WatchState::stopping;
    if (a.reconnect || !a.connected) return WatchState::connecting;
    return WatchState::idling;
}

bool Watcher::work_due(AccountWatch& a, Clock::time_point now) const {
    if (a.retry_at && now < *a.retry_at) return false;
    if (now >= a.next_full) a.full_due = true;
    if (a.full_due) return true;
    auto local = a.local.due();
    auto remote = a.remote.due();
    return (local && *local <= now) || (remote && *remote <= now);
}

asio::awaitable<WatchState> Watcher::sync_step(AccountWatch& a) {
    if (m_stop) co_return WatchState::stopping;
    const auto now = Clock::now();
    const bool full = a.full_due || now >= a.next_full;
    std::set<std::string> folders;
    if (full) {
        // A full pass covers every pending folder.
        (void)a.local.take_all();
        (void)a.remote.take_all();
    } else {
        folders = a.local.take_ready(now);
        folders.merge(a.remote.take_ready(now));
        if (folders.empty()) co_return after_pass(a);
    }
    SyncRequest request;
    request.folders.assign(folders.begin(), folders.end());
    util::log_debug(a.name + ": " + (full ? std::string("full pass") : "syncing " + join(folders)));

    auto config = m_config;
    const config::Account* account = config->find_account(a.name);
    const Reporter reporter = m_options.reporter;
    const std::atomic<bool>* stop = &m_stop_shared;
    a.syncing_now = true;
    a.changed_while_syncing.clear();
    std::function<std::optional<AccountResult>()> pass = [config, account, request, reporter,
                                                          stop]() -> std::optional<AccountResult> {
        if (stop->load()) return std::nullopt;  // queued behind another account's pass when the stop came
        return sync_account(*config, *account, request, reporter);
    };
    auto result = co_await on_worker(m_worker, std::move(pass));
    // The pass's own renames and deliveries are all queued by now: read them with the pass's events.
    // In a folder the pass did not cover they are the user's. In one it covered they may be its own
    // writes or a mail reader acting at the same moment, which inotify cannot tell apart: dropping
    // them would lose that change until the periodic pass, so such folders get one debounced
    // follow-up pass. That one finds nothing to do and writes nothing, so it triggers nothing.
    a.inotify.drain([&](const std::string& f) { on_local_change(a, f); });
    a.syncing_now = false;
    for (const auto& f : a.changed_while_syncing) a.local.note(f, Clock::now());
    a.changed_while_syncing.clear();

    if (!a.first_pass_done) {
        // READY after the first attempt, successful or not: a server that is down at boot must not
        // make systemd give up on the unit; the watcher retries with backoff.
        a.first_pass_done = true;
        if (--m_first_passes_left == 0) {
            systemd::notify_ready();
            util::log_info("watching " + std::to_string(m_accounts.size()) + " account" +
                           (m_accounts.size() == 1 ? "" : "s") + " for changes");
        }
    }
    if (!result) {
        requeue(a, full, folders);
        co_return WatchState::stopping;
    }
    if (result->fatal) {
        switch (result->failure) {
            case AccountFailure::locked:
                if (!a.retry_at)
                    util::log_info(a.name + ": another mailtwin holds the account lock; retrying in " +
                                   std::to_string(k_locked_retry.count()) + " s");
                a.retry_at = Clock::now() + k_locked_retry;
                requeue(a, full, folders);
                co_return after_pass(a);
            case AccountFailure::connection:
                requeue(a, full, folders);
                go_offline(a, result->fatal->describe());
                co_return m_stop ? WatchState::stopping : WatchState::backoff;
            case AccountFailure::none:
            case AccountFailure::config:
            case AccountFailure::other:
                // Not cured by retrying soon (a missing Maildir root, a state DB error): said once per
                // occurrence, tried again at the next full pass.
                util::log_error(a.name + ": " + result->fatal->describe());
                a.retry_at.reset();
                a.full_due = false;
                a.next_full = Clock::now() + m_options.watch_interval;
                co_return after_pass(a);
        }
    }
    a.retry_at.reset();
    a.backoff.reset();  // a completed pass proves the server reachable
    go_online(a);
    for (const auto& e : result->errors) util::log_error(a.name + ": " + e.describe());
    if (full) {
        a.full_due = false;
        a.next_full = Clock::now() + m_options.watch_interval;
        rearm_inotify(a);  // the pass may have created local folders
    }
    co_return after_pass(a);
}

asio::awaitable<WatchState> Watcher::connect_step(AccountWatch& a) {
    if (m_stop) co_return WatchState::stopping;
    orphan_listeners(a);
    a.reconnect = false;
    auto config = m_config;
    const config::Account& account = *config->find_account(a.name);
    // password_cmd may take a while (a GPG agent): off this thread, which feeds the watchdog.
    std::function<util::Expected<std::string>()> fetch_secret = [imap = account.imap] { return resolve_secret(imap); };
    auto secret = co_await on_worker(m_worker, std::move(fetch_secret));
    if (!secret) {
        go_offline(a, secret.error().describe());
        co_return WatchState::backoff;
    }
    const auto settings = connection_settings(account, *secret);
    auto conn = std::make_unique<net::Connection>(m_io.get_executor(), settings);
    if (auto r = co_await conn->open(); !r) {
        go_offline(a, r.error().describe());
        co_return WatchState::backoff;
    }
    std::vector<std::string> remote_folders;
    {
        net::Session session(*conn);
        auto listed = co_await list_remote(session, false);
        if (!listed) {
            go_offline(a, listed.error().describe());
            co_return WatchState::backoff;
        }
        a.naming = listed->naming;
        for (const auto& f : listed->folders)
            if (f.selectable && a.naming.selected(f.name, account.sync.folders) &&
                !skipped_special_use(f.attributes, account.sync.skip_special_use))
                remote_folders.push_back(f.name);
    }
    // The folders to IDLE on (or, under NOTIFY, to keep selected for its flag-change events): the
    // configured ones the account syncs and the server has.
    std::vector<std::string> idle_folders;
    for (const auto& wanted : m_options.idle_folders)
        for (const auto& f : remote_folders)
            if (same_folder_name(wanted, f)) {
                idle_folders.push_back(f);
                break;
            }

    auto link = std::make_shared<ListenerLink>();
    link->owner = &a;
    a.link = link;
    a.lost.reset();
    std::string mode;
    if (m_options.use_notify && conn->capabilities().notify()) {
        net::Session session(*conn);
        auto set = co_await session.notify_personal();
        std::optional<std::string> selected;
        if (set && !idle_folders.empty()) {
            // NOTIFY reports other folders as STATUS (new and expunged mail only); the selected one
            // also gets FETCH for flag changes (RFC 5465 §5.2).
            auto sel = co_await session.select(idle_folders.front(), std::nullopt, true);
            if (sel)
                selected = idle_folders.front();
            else
                set = util::unexpected(std::move(sel).error());
        }
        if (set) {
            mode = "NOTIFY";
            asio::co_spawn(m_io, listen(link, std::move(conn), selected), asio::detached);
        } else if (!conn->is_open()) {
            go_offline(a, set.error().describe());
            co_return WatchState::backoff;
        } else {
            util::log_warning(a.name + ": NOTIFY refused (" + set.error().describe() + "); using IDLE");
        }
    }
    if (mode.empty() && conn->capabilities().idle() && !idle_folders.empty()) {
        // One connection per folder: IDLE watches only the selected mailbox (RFC 2177).
        for (std::size_t i = 0; i < idle_folders.size(); ++i) {
            std::unique_ptr<net::Connection> c;
            if (i == 0) {
                c = std::move(conn);
            } else {
                c = std::make_unique<net::Connection>(m_io.get_executor(), settings);
                if (auto r = co_await c->open(); !r) {
                    go_offline(a, r.error().describe());
                    co_return WatchState::backoff;
                }
            }
            net::Session session(*c);
            if (auto sel = co_await session.select(idle_folders[i], std::nullopt, true); !sel) {
                go_offline(a, sel.error().describe());
                co_return WatchState::backoff;
            }
            asio::co_spawn(m_io, listen(link, std::move(c), idle_folders[i]), asio::detached);
            mode += (mode.empty() ? "IDLE on " : ", ") + idle_folders[i];
        }
    }
    if (mode.empty()) {
        // Neither NOTIFY nor IDLE on any configured folder: local changes and the periodic pass only.
        mode = "polling every " + std::to_string(m_options.watch_interval.count()) + " s";
        co_await conn->logout();
        orphan_listeners(a);
    }
    if (mode != a.mode) util::log_info(a.name + ": listening for server changes (" + mode + ")");
    a.mode = mode;
    a.connected = true;
    go_online(a);
    rearm_inotify(a);
    co_return m_stop ? WatchState::stopping : work_due(a, Clock::now()) ? WatchState::syncing : WatchState::idling;
}

asio::awaitable<WatchState> Watcher::idle_step(AccountWatch& a) {
    for (;;) {
        if (m_stop) co_return WatchState::stopping;
        if (a.reconnect) co_return WatchState::connecting;
        if (a.lost) {
            const std::string why = *a.lost;
            orphan_listeners(a);
            go_offline(a, why);
            co_return WatchState::backoff;
        }
        const auto now = Clock::now();
        if (work_due(a, now)) co_return WatchState::syncing;
        // Nothing is due now: sleep until the first thing that will be, or until poked. While a pass
        // waits for the account lock (retry_at), everything waits with it.
        Clock::time_point until = a.next_full;
        if (a.retry_at) {
            until = *a.retry_at;
        } else {
            if (auto d = a.local.due()) until = std::min(until, *d);
            if (auto d = a.remote.due()) until = std::min(until, *d);
        }
        a.wakeup.expires_at(until);
        boost::system::error_code ec;
        co_await a.wakeup.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

asio::awaitable<WatchState> Watcher::backoff_step(AccountWatch& a) {
    const auto delay = a.backoff.next(m_unit(m_rng));
    util::log_debug(a.name + ": next attempt in " + std::to_string(delay.count()) + " ms");
    const auto until = Clock::now() + delay;
    while (!m_stop && !a.reconnect && Clock::now() < until) {
        a.wakeup.expires_at(until);
        boost::system::error_code ec;
        co_await a.wakeup.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (m_stop) co_return WatchState::stopping;
    // Listeners still up: only a pass failed, so retry the pass; otherwise reconnect first.
    co_return a.connected && !a.reconnect ? WatchState::syncing : WatchState::connecting;
}

void Watcher::stop_step(AccountWatch& a) {
    orphan_listeners(a);
    a.inotify.close();
    util::log_debug(a.name + ": stopped");
}

// ---------------------------------------------------------------------------------------------------
// Listening

asio::awaitable<void> Watcher::listen(std::shared_ptr<ListenerLink> link, std::unique_ptr<net::Connection> conn,
                                      std::optional<std::string> selected) {
    std::string why;
    const bool utf8 = conn->utf8_enabled();
    const std::function<bool(imap::Response&)> wake = [&](imap::Response& response) {
        return on_server_event(*link, selected, utf8, response);
    };
    while (link->owner) {
        auto r = co_await conn->idle(m_options.max_idle, wake);
        if (!r) {
            why = r.error().describe();
            break;
        }
    }
    if (AccountWatch* a = link->owner) {
        a->lost = why.empty() ? std::string("the server ended IDLE") : why;
        poke(*a);
    } else {
        co_await conn->logout();
    }
}

// Returns true to end the IDLE command early (only when the account no longer listens here).
bool Watcher::on_server_event(ListenerLink& link, const std::optional<std::string>& selected, bool utf8,
                              const imap::Response& response) {
    AccountWatch* a = link.owner;
    if (!a) return true;
    if (response.kind != imap::Response::Kind::untagged) return false;
    const auto now = Clock::now();
    switch (response.data) {
        case imap::DataKind::exists:
        case imap::DataKind::expunge:
        case imap::DataKind::fetch:
        case imap::DataKind::vanished:
            if (selected) a->remote.note(*selected, now);
            break;
        case imap::DataKind::status_data:
            if (auto st = imap::decode_status(response)) {
                auto name = imap::mailbox_from_wire(st->mailbox, utf8);
                const std::string folder = name ? *name : st->mailbox;
                if (a->naming.selected(folder, account_config(*a).sync.folders)) a->remote.note(folder, now);
            }
            break;
        case imap::DataKind::list:
            // NOTIFY MailboxName: a folder was created, deleted or renamed; a full pass maps it.
            a->full_due = true;
            break;
        default:
            return false;
    }
    poke(*a);
    return false;
}

void Watcher::orphan_listeners(AccountWatch& a) {
    if (a.link) a.link->owner = nullptr;
    a.link.reset();
    a.lost.reset();
    a.connected = false;
}

// ---------------------------------------------------------------------------------------------------
// Local changes

void Watcher::rearm_inotify(AccountWatch& a) {
    if (!a.inotify_started) {
        if (auto r = a.inotify.open(); !r) {
            util::log_warning(a.name + ": cannot watch the Maildir (" + r.error().describe() +
                              "); local changes wait for the periodic pass");
            return;
        }
        a.inotify_started = true;
        asio::co_spawn(m_io, a.inotify.run([this, &a](const std::string& f) { on_local_change(a, f); }),
                       asio::detached);
    }
    const auto& account = account_config(a);
    const maildir::Layout layout(account.maildir, account.layout == config::Layout::verbatim
                                                      ? maildir::LayoutKind::verbatim
                                                      : maildir::LayoutKind::maildir_plus_plus);
    std::map<std::string, std::filesystem::path> folders;
    if (auto listing = a.naming.list_local(layout))
        for (const auto& f : listing->folders)
            if (a.naming.selected(f.remote_name, account.sync.folders)) folders[f.remote_name] = f.path;
    a.inotify.arm(folders);
}

void Watcher::on_local_change(AccountWatch& a, const std::string& folder) {
    if (a.syncing_now) {
        a.changed_while_syncing.insert(folder);
        return;
    }
    a.local.note(folder, Clock::now());
    poke(a);
}

void Watcher::requeue(AccountWatch& a, bool full, const std::set<std::string>& folders) {
    if (full) {
        a.full_due = true;
        return;
    }
    const auto now = Clock::now();
    for (const auto& f : folders) a.remote.note(f, now);
}

// ---------------------------------------------------------------------------------------------------
// Connection health, logged once per change

void Watcher::go_offline(AccountWatch& a, const std::string& why) {
    if (a.online) {
        util::log_warning(a.name + ": " + why + "; retrying with backoff (1 s up to 5 min)");
        a.online = false;
    } else {
        util::log_debug(a.name + ": still unreachable: " + why);
    }
}

void Watcher::go_online(AccountWatch& a) {
    if (a.online) return;
    a.online = true;
    // Notifications sent while disconnected are lost: a full pass catches up.
    a.full_due = true;
    util::log_info(a.name + ": connected again");
}

// ---------------------------------------------------------------------------------------------------
// Signals and systemd

asio::awaitable<void> Watcher::signal_loop() {
    for (;;) {
        boost::system::error_code ec;
        const int signal_number = co_await m_signals.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;  // cancelled: the watcher has stopped
        if (signal_number == SIGHUP)
            reload();
        else
            request_stop(signal_number);
    }
}

void Watcher::request_stop(int signal_number) {
    if (m_stop) return;
    m_stop = true;
    m_stop_shared = true;
    if (signal_number != 0)
        util::log_info(std::string("stopping (") + (signal_number == SIGINT ? "SIGINT" : "SIGTERM") +
                       "): finishing the current step");
    systemd::notify_stopping();
    for (auto& a : m_accounts) poke(*a);
}

void Watcher::reload() {
    systemd::notify_reloading();
    try {
        config::Config fresh = m_options.reload ? m_options.reload() : config::load_file(m_config->source);
        for (const auto& a : m_accounts)
            if (!fresh.find_account(a->name))
                throw config::ConfigError(fresh.source.string() + ": account '" + a->name + "' is no longer defined");
        auto next = std::make_shared<const config::Config>(std::move(fresh));
        for (auto& a : m_accounts) {
            // New server settings need new connections; any other change (folders, policy) shows in
            // the full pass below and in the next events.
            if (!same_server(account_config(*a).imap, next->find_account(a->name)->imap)) a->reconnect = true;
            a->full_due = true;
        }
        m_config = std::move(next);
        util::log_info("configuration reloaded from " + m_config->source.string());
        for (auto& a : m_accounts) {
            rearm_inotify(*a);
            poke(*a);
        }
    } catch (const std::exception& e) {
        util::log_error(std::string("configuration not reloaded, keeping the running one: ") + e.what());
    }
    systemd::notify_ready();
}

asio::awaitable<void> Watcher::watchdog_loop(std::chrono::microseconds period) {
    for (;;) {
        systemd::notify_watchdog();
        m_watchdog.expires_after(period);
        boost::system::error_code ec;
        co_await m_watchdog.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        // Fed until the very end: a stop waits for the pass in progress, however long it takes.
        if (ec) co_return;
    }
}

}  // namespace

int run_watch(const config::Config& config, const std::vector<const config::Account*>& accounts,
              const WatchOptions& options) {
    if (accounts.empty()) {
        util::log_error("watch: no account to watch");
        return 2;
    }
    Watcher watcher(config, accounts, options);
    return watcher.run();
}

}  // namespace mailtwin::engine
