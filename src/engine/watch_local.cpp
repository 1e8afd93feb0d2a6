// The Maildir side of the watcher: inotify on the synced folders' directories, re-armed after each
// full pass and reload, and local changes noted for a debounced pass (or set aside during a pass).
#include <filesystem>
#include <map>

#include "mailtwin/engine/local_layout.hpp"
#include "mailtwin/engine/watch_report.hpp"
#include "mailtwin/maildir/layout.hpp"
#include "watcher.hpp"

namespace mailtwin::engine::detail {

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
    const auto& account = account_config(a);
    const maildir::Layout layout = local_layout(account);
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

}  // namespace mailtwin::engine::detail
