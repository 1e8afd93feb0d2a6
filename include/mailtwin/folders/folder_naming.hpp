#pragma once
// How remote folder names map to local Maildir folders and back: the server's hierarchy delimiter
// (from LIST) and its personal namespace prefix (RFC 2342 NAMESPACE, "" without the capability).
//
// Servers such as Cyrus (classic), Courier or Dovecot with `prefix = INBOX.` put every personal
// folder under "INBOX.": INBOX, INBOX.Archive, INBOX.Lists.dev. Locally the prefix is stripped, as
// mbsync and offlineimap users expect: INBOX, Archive, Lists/dev (verbatim layout). A folder
// created locally gets it back on the server (Foo/Bar -> "INBOX.Foo.Bar").
//
//   remote -> local   "INBOX" (any case)        -> "INBOX"
//                     prefix + rest             -> rest ("INBOX.INBOX" has no local spelling:
//                                                   it would be INBOX itself)
//                     anything else             -> unchanged (other users', shared folders)
//   local -> remote   "INBOX"                   -> "INBOX"
//                     anything else             -> prefix + name
// With an empty prefix (Dovecot's default, Gmail, Exchange) both directions are the identity.
// Names outside the personal namespace do not survive the way back on their own: claim_local_names()
// resolves local folders against the names the server lists and the state knows.
//
// The state keeps keying folders by the server's full name; only the local path depends on this.
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mailtwin/imap/response.hpp"
#include "mailtwin/maildir/folder.hpp"
#include "mailtwin/maildir/layout.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::net {
struct FolderInfo;
}

namespace mailtwin::engine {

// Local names taken by remote folders (see claim_local_names()).
struct NameClaims {
    std::map<std::string, std::string> by_local;  // local name -> remote name
    std::set<std::string> clashing;               // remote names whose local name a personal folder holds
};

struct FolderNaming {
    char delimiter = '/';         // maildir::k_no_delimiter for a flat namespace
    std::string personal_prefix;  // "" or, e.g., "INBOX." (always ending with the delimiter)

    // INBOX, or a name under the personal prefix (every name when the prefix is "").
    [[nodiscard]] bool personal(std::string_view remote) const;
    // The name relative to the Maildir root, spelled with the server's delimiter; nullopt when it
    // has none (the prefix followed by "INBOX").
    [[nodiscard]] std::optional<std::string> to_local(std::string_view remote) const;
    [[nodiscard]] std::string to_remote(std::string_view local) const;
    // The name without the personal prefix (for the `folders` globs); the name itself if it has none.
    [[nodiscard]] std::string stripped(std::string_view remote) const;

    // The folder directory for a remote name.
    [[nodiscard]] util::Expected<std::filesystem::path> local_path(const maildir::Layout& layout,
                                                                   std::string_view remote) const;
    // The directory a name the layout refuses would share with another folder (see
    // maildir::Layout::taken_path()); nullopt for every other name.
    [[nodiscard]] std::optional<std::filesystem::path> taken_path(const maildir::Layout& layout,
                                                                  std::string_view remote) const;
    // The `folders` globs, tried on the full name and on the prefix-stripped name (per rule: a rule
    // matches if it matches either; later rules win).
    [[nodiscard]] bool selected(std::string_view remote, const std::vector<std::string>& patterns) const;

    // Which remote name owns each local name. Personal folders win over others that would take the
    // same local name; those others are listed in `clashing`.
    [[nodiscard]] NameClaims claim_local_names(const std::vector<std::string>& remote_names) const;
    // The Maildir folders under the layout's root, named by their remote names: a claimed local
    // name maps to its claimant, any other to to_remote(). Errors as maildir::list_folders().
    [[nodiscard]] util::Expected<maildir::FolderListing> list_local(const maildir::Layout& layout,
                                                                    const NameClaims& claims = {}) const;
};

// The naming for a server: the delimiter LIST named first ('/' if none), the first personal
// namespace's prefix ("" without NAMESPACE), normalised to end with the delimiter.
FolderNaming make_folder_naming(const std::vector<net::FolderInfo>& listed, const imap::Namespaces* namespaces);

}  // namespace mailtwin::engine
