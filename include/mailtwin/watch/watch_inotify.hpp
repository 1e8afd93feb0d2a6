#pragma once
// Local Maildir changes for watch mode: one inotify descriptor per account watching the new/ and cur/
// directories of its synced folders for files created, deleted and renamed (a mail reader changing
// flags renames; delivery renames out of tmp/). Events are reported by folder (its remote name);
// which file changed does not matter, the sync rescans the folder.
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include <vector>

#include "mailtwin/config/config.hpp"
#include "mailtwin/folders/folder_naming.hpp"
#include "mailtwin/net/asio.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::net {
struct FolderInfo;
}

namespace mailtwin::engine {

// The account's Maildir folders to watch (remote name -> folder directory): exactly those a sync
// takes (FolderSelection::synced), given the server's folder list (empty before the first connect:
// the globs alone). A folder missing from the Maildir is not watched; the pass creating it re-arms.
std::map<std::string, std::filesystem::path> watched_folders(const config::Account& account, const FolderNaming& naming,
                                                             const std::vector<net::FolderInfo>& listed);

class MaildirWatcher {
public:
    // Called with the remote name of a folder that changed.
    using OnChange = std::function<void(const std::string& folder)>;

    explicit MaildirWatcher(net::asio::any_io_executor executor);
    ~MaildirWatcher();
    MaildirWatcher(const MaildirWatcher&) = delete;
    MaildirWatcher& operator=(const MaildirWatcher&) = delete;

    // Creates the inotify descriptor (errors: the system's, e.g. EMFILE for too many instances).
    util::Expected<void> open();
    // Watches exactly these folders (remote name -> folder directory) from now on: directories no
    // longer listed are dropped, new ones added, unchanged ones keep their watch (no event is lost
    // for them). A folder whose directories cannot be watched is logged and left out.
    void arm(const std::map<std::string, std::filesystem::path>& folders);
    // Reads events until close(), calling `on_change` for each; runs on the executor given above.
    net::asio::awaitable<void> run(OnChange on_change);
    // Reads whatever events are queued right now, without waiting (used after mailtwin's own sync,
    // whose own renames are all queued by the time it returns).
    void drain(const OnChange& on_change);
    void close();
    [[nodiscard]] std::size_t watched_directories() const noexcept { return m_by_wd.size(); }

private:
    void remove_watch(int wd);

    int m_fd = -1;
    net::asio::posix::stream_descriptor m_stream;
    std::map<int, std::string> m_by_wd;              // watch descriptor -> folder
    std::map<std::filesystem::path, int> m_by_path;  // new/ or cur/ directory -> watch descriptor
};

}  // namespace mailtwin::engine
