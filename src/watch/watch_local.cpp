// The Maildir side of the watcher: inotify on the synced folders' directories, re-armed after each
// full pass and reload, and local changes noted for a debounced pass (or set aside during a pass).
#include <filesystem>
#include <map>

#include "mailtwin/folders/folder_filter.hpp"
#include "mailtwin/maildir/layout.hpp"
#include "mailtwin/settings/local_layout.hpp"
#include "mailtwin/watch/watch_report.hpp"
#include "watcher.hpp"

namespace mailtwin::engine {

std::map<std::string, std::filesystem::path> watched_folders(const config::Account& account, const FolderNaming& naming,
                                                             const std::vector<net::FolderInfo>& listed) {
    const FolderSelection selection(account.sync, naming, listed);
    std::map<std::string, std::filesystem::path> folders;
    if (auto listing = naming.list_local(local_layout(account)))
        for (const auto& f : listing->folders)
            if (selection.synced(f.remote_name)) folders[f.remote_name] = f.path;
    return folders;
}

namespace detail {

void Watcher::rearm_inotify(AccountWatch& a) {
    if (!a.inotify_started) {
        if (auto r = a.inotify.open(); !r) {
            report(warning_event(a.name, "cannot watch the Maildir (" + r.error().describe() +
                                             "); local changes wait for the periodic pass"));
            return;
        }
        a.inotify_started = true;
        asio::co_spawn(m_io, a.inotify.run([this, &a](const std::string& f) { on_local_change(a, f); }),
                       asio::detached);
    }
    // The account's settings as they are now (a reload may have changed the globs), the server's
    // folder list as of the last connect.
    a.inotify.arm(watched_folders(account_config(a), a.naming, a.listed));
}

void Watcher::on_local_change(AccountWatch& a, const std::string& folder) {
    if (a.syncing_now) {
        a.changed_while_syncing.insert(folder);
        return;
    }
    a.local.note(folder, Clock::now());
    poke(a);
}

}  // namespace detail
}  // namespace mailtwin::engine
