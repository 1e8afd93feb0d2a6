// The watcher's control: SIGTERM and SIGINT stop it after the current step, SIGHUP reloads the
// configuration (new server settings reconnect), and the systemd watchdog is fed until the end.
#include <csignal>

#include "mailtwin/config/loader.hpp"
#include "mailtwin/watch/watch_report.hpp"
#include "mailtwin/watch/watch_systemd.hpp"
#include "watcher.hpp"

namespace mailtwin::engine::detail {
namespace {

bool same_server(const config::Imap& a, const config::Imap& b) {
    return a.host == b.host && a.port == b.port && a.tls == b.tls && a.user == b.user && a.password == b.password &&
           a.password_cmd == b.password_cmd && a.auth == b.auth && a.ca_file == b.ca_file &&
           a.fingerprint == b.fingerprint;
}

}  // namespace

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
    if (signal_number != 0) report(stopping_event(signal_number == SIGINT ? "SIGINT" : "SIGTERM"));
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
        report(reloaded_event(m_config->source.string()));
        for (auto& a : m_accounts) {
            rearm_inotify(*a);
            poke(*a);
        }
    } catch (const std::exception& e) {
        report(reload_failed_event(e.what()));
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

}  // namespace mailtwin::engine::detail
