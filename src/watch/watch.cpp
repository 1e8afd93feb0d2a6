// The watcher's state machine, per account: one switch, one step per state, each returning the next
// state; the sync passes it runs on the worker thread and what it does with their results.
#include <algorithm>
#include <csignal>

#include "mailtwin/results/internal_error.hpp"
#include "mailtwin/watch/watch_report.hpp"
#include "mailtwin/watch/watch_systemd.hpp"
#include "watcher.hpp"

namespace mailtwin::engine {
namespace detail {

Watcher::Watcher(const config::Config& config, const std::vector<const config::Account*>& accounts,
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
            report(folder_event(account, r));
        };
    if (!m_options.reporter.notice)
        m_options.reporter.notice = [](const std::string& account, const std::string& text) {
            report(notice_event(account, text));
        };
    if (!m_options.reporter.detail)
        m_options.reporter.detail = [](const std::string& account, const std::string& text) {
            auto event = notice_event(account, text);
            event.level = util::LogLevel::debug;  // shown with -v
            report(event);
        };
}

int Watcher::run() {
    m_running = m_accounts.size();
    m_first_passes_left = m_accounts.size();
    asio::co_spawn(m_io, signal_loop(), asio::detached);
    if (auto period = systemd::watchdog_period()) asio::co_spawn(m_io, watchdog_loop(*period), asio::detached);
    for (auto& a : m_accounts) {
        asio::co_spawn(m_io, account_loop(*a), [this, &account = *a](std::exception_ptr e) {
            if (auto failed = internal_error(e, "watching the account")) {
                std::string text = "watch stopped: ";
                text.append(failed->message);
                report(error_event(account.name, text));
                m_exit_status.note(AccountFailure::other);
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
    return m_exit_status.code(false);
}

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
    report(state_event(a.name, watch_state_name(a.state), watch_state_name(next)));
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
    report(pass_event(a.name, full, folders));

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
            report(watching_event(m_accounts.size()));
        }
    }
    if (!result) {
        requeue(a, full, folders);
        co_return WatchState::stopping;
    }
    if (result->fatal) {
        switch (result->failure) {
            case AccountFailure::locked:
                if (!a.retry_at) report(locked_event(a.name, k_locked_retry));
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
                report(error_event(a.name, result->fatal->describe()));
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
    report(backoff_event(a.name, delay));
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
    report(stopped_event(a.name));
}

void Watcher::requeue(AccountWatch& a, bool full, const std::set<std::string>& folders) {
    if (full) {
        a.full_due = true;
        return;
    }
    const auto now = Clock::now();
    for (const auto& f : folders) a.remote.note(f, now);
}

}  // namespace detail

int run_watch(const config::Config& config, const std::vector<const config::Account*>& accounts,
              const WatchOptions& options) {
    if (accounts.empty()) {
        report(error_event("", "no account to watch"));
        return exit_code_for(AccountFailure::config);
    }
    detail::Watcher watcher(config, accounts, options);
    return watcher.run();
}

}  // namespace mailtwin::engine
