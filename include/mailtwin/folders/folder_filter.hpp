#pragma once
// Which folders a sync takes. The `folders` setting: globs over remote names, "!" excludes, later
// rules win (mbsync's Patterns). "*" matches any characters including the hierarchy delimiter; "%" any
// except it; "?" one character. "INBOX" matches case-insensitively, as IMAP treats it, as the first
// level too (util/inbox.hpp). FolderSelection adds to the globs what the server's listing says, and is
// the one rule for sync, status, folders and both sides of watch (the folders it listens on and the
// Maildir folders it watches).
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mailtwin/config/config.hpp"
#include "mailtwin/folders/folder_naming.hpp"

namespace mailtwin::net {
struct FolderInfo;
}

namespace mailtwin::engine {

bool folder_selected(std::string_view name, const std::vector<std::string>& patterns, char delimiter = '/');
// The same, where a rule matches if it matches `name` or `alt_name` (the name without the personal
// namespace prefix, see FolderNaming): "!Spam" excludes "INBOX.Spam" on a server with prefix "INBOX.".
bool folder_selected(std::string_view name, std::string_view alt_name, const std::vector<std::string>& patterns,
                     char delimiter);
bool glob_match(std::string_view pattern, std::string_view text, char delimiter);

// True if `attributes` hold one of the special-use names in `skip` (the sync.skip_special_use
// setting, e.g. "\All"; compared case-insensitively).
bool skipped_special_use(std::uint32_t attributes, const std::vector<std::string>& skip);

// The folders of one account a sync takes, given the server's folder list. A name the server did not
// list (a folder only in the Maildir or only in the state) is judged by the globs alone.
class FolderSelection {
public:
    // `listed` may be empty (the server not asked yet): then the globs alone decide.
    FolderSelection(const config::Sync& sync, FolderNaming naming, const std::vector<net::FolderInfo>& listed);

    // The globs take `name`, and the server does not list it with a special-use attribute that
    // skip_special_use names (Gmail's "[Gmail]/All Mail", \All, holds every message a second time).
    [[nodiscard]] bool selected(std::string_view name) const;
    // Selected, and a mailbox: a folder the server lists \Noselect is a hierarchy node, never synced.
    [[nodiscard]] bool synced(std::string_view name) const;

private:
    std::vector<std::string> m_patterns;
    FolderNaming m_naming;
    std::set<std::string, std::less<>> m_special_skipped;
    std::set<std::string, std::less<>> m_hierarchy_nodes;
};

}  // namespace mailtwin::engine
