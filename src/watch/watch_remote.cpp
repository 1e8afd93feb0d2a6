// The server side of the watcher: connecting (the folder list, the folders to listen on), listening
// with NOTIFY or IDLE (one connection per folder), turning what the server says into pending folders,
// and the connection's health, reported once per loss and once per recovery.
#include "mailtwin/folders/folder_filter.hpp"
#include "mailtwin/folders/folder_map.hpp"
#include "mailtwin/folders/remote_list.hpp"
#include "mailtwin/imap/utf7.hpp"
#include "mailtwin/net/session.hpp"
#include "mailtwin/settings/connection_settings.hpp"
#include "mailtwin/settings/secret.hpp"
#include "mailtwin/util/inbox.hpp"
#include "mailtwin/watch/watch_report.hpp"
#include "watcher.hpp"

namespace mailtwin::engine::detail {
namespace {

// The folders to IDLE on (or, under NOTIFY, to keep selected for its flag-change events): the
// configured ones the account syncs and the server has.
std::vector<std::string> folders_to_listen_on(const std::vector<std::string>& configured,
                                              const std::vector<std::string>& remote_folders) {
    std::vector<std::string> idle_folders;
    for (const auto& wanted : configured)
        for (const auto& f : remote_folders)
            if (util::same_mailbox(wanted, f)) {
                idle_folders.push_back(f);
                break;
            }
    return idle_folders;
}

}  // namespace

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
    const auto remote_folders = co_await list_synced_folders(a, *conn, account);
    if (!remote_folders) co_return WatchState::backoff;
    const auto idle_folders = folders_to_listen_on(m_options.idle_folders, *remote_folders);

    auto link = std::make_shared<ListenerLink>();
    link->owner = &a;
    a.link = link;
    a.lost.reset();
    std::string mode;
    if (m_options.use_notify && conn->capabilities().notify()) {
        auto notify_mode = co_await listen_with_notify(a, link, conn, idle_folders);
        if (!notify_mode) co_return WatchState::backoff;
        mode = std::move(*notify_mode);
    }
    if (mode.empty() && conn->capabilities().idle() && !idle_folders.empty()) {
        auto idle_mode = co_await listen_with_idle(a, link, conn, settings, idle_folders);
        if (!idle_mode) co_return WatchState::backoff;
        mode = std::move(*idle_mode);
    }
    if (mode.empty()) {
        // Neither NOTIFY nor IDLE on any configured folder: local changes and the periodic pass only.
        mode = "polling every " + std::to_string(m_options.watch_interval.count()) + " s";
        co_await conn->logout();
        orphan_listeners(a);
    }
    if (mode != a.mode) report(listening_event(a.name, mode));
    a.mode = mode;
    a.connected = true;
    go_online(a);
    rearm_inotify(a);
    co_return m_stop ? WatchState::stopping : work_due(a, Clock::now()) ? WatchState::syncing : WatchState::idling;
}

asio::awaitable<std::optional<std::vector<std::string>>> Watcher::list_synced_folders(AccountWatch& a,
                                                                                      net::Connection& conn,
                                                                                      const config::Account& account) {
    std::vector<std::string> remote_folders;
    net::Session session(conn);
    auto listed = co_await list_remote(session, false);
    if (!listed) {
        go_offline(a, listed.error().describe());
        co_return std::nullopt;
    }
    a.naming = listed->naming;
    a.listed = std::move(listed->folders);
    const FolderSelection selection(account.sync, a.naming, a.listed);
    for (const auto& f : a.listed)
        if (selection.synced(f.name)) remote_folders.push_back(f.name);
    co_return remote_folders;
}

asio::awaitable<std::optional<std::string>> Watcher::listen_with_notify(AccountWatch& a,
                                                                        const std::shared_ptr<ListenerLink>& link,
                                                                        std::unique_ptr<net::Connection>& conn,
                                                                        const std::vector<std::string>& idle_folders) {
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
        asio::co_spawn(m_io, listen(link, std::move(conn), selected), asio::detached);
        co_return std::string("NOTIFY");
    }
    if (!conn->is_open()) {
        go_offline(a, set.error().describe());
        co_return std::nullopt;
    }
    report(warning_event(a.name, "NOTIFY refused (" + set.error().describe() + "); using IDLE"));
    co_return std::string();
}

asio::awaitable<std::optional<std::string>> Watcher::listen_with_idle(AccountWatch& a,
                                                                      const std::shared_ptr<ListenerLink>& link,
                                                                      std::unique_ptr<net::Connection>& conn,
                                                                      const net::ConnectionSettings& settings,
                                                                      const std::vector<std::string>& idle_folders) {
    std::string mode;
    // One connection per folder: IDLE watches only the selected mailbox (RFC 2177).
    for (std::size_t i = 0; i < idle_folders.size(); ++i) {
        std::unique_ptr<net::Connection> c;
        if (i == 0) {
            c = std::move(conn);
        } else {
            c = std::make_unique<net::Connection>(m_io.get_executor(), settings);
            if (auto r = co_await c->open(); !r) {
                go_offline(a, r.error().describe());
                co_return std::nullopt;
            }
        }
        net::Session session(*c);
        if (auto sel = co_await session.select(idle_folders[i], std::nullopt, true); !sel) {
            go_offline(a, sel.error().describe());
            co_return std::nullopt;
        }
        asio::co_spawn(m_io, listen(link, std::move(c), idle_folders[i]), asio::detached);
        mode += (mode.empty() ? "IDLE on " : ", ") + idle_folders[i];
    }
    co_return mode;
}

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

void Watcher::go_offline(AccountWatch& a, const std::string& why) {
    if (a.online) {
        report(disconnected_event(a.name, why));
        a.online = false;
    } else {
        report(still_unreachable_event(a.name, why));
    }
}

void Watcher::go_online(AccountWatch& a) {
    if (a.online) return;
    a.online = true;
    // Notifications sent while disconnected are lost: a full pass catches up.
    a.full_due = true;
    report(connected_again_event(a.name));
}

}  // namespace mailtwin::engine::detail
