#pragma once
// `mailtwin folders ACCOUNT`: every folder the server lists and every Maildir folder under the root,
// where each maps to on the other side under the configured layout, and whether the `folders` globs
// include it. The mapping itself is pure (map_folders), so it is tested without a server.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "mailtwin/config/config.hpp"
#include "mailtwin/folders/folder_naming.hpp"
#include "mailtwin/maildir/folder.hpp"
#include "mailtwin/net/session.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::engine {

struct FolderEntry {
    std::string name;                  // remote name, UTF-8 (for a local-only folder: what it would be)
    std::filesystem::path local_path;  // empty when the name has no safe local spelling
    std::string unmappable;            // why local_path is empty
    bool remote = false;               // the server lists it
    bool local = false;                // a Maildir folder exists at local_path
    bool selectable = true;            // not \Noselect / \NonExistent: a mailbox, not a hierarchy node
    bool included = false;             // a sync would visit it (FolderSelection::synced)
    std::uint32_t attributes = 0;      // imap::MailboxAttr bits from LIST
};

struct FolderMap {
    std::string account;
    char delimiter = '/';
    std::vector<FolderEntry> folders;  // by remote name
    std::vector<std::string> skipped;  // local folders whose names have no remote spelling, listing errors
    std::string personal_prefix;       // the server's personal namespace prefix, stripped locally
};

FolderMap map_folders(const config::Account& account, const std::vector<net::FolderInfo>& remote,
                      const maildir::FolderListing& local, char delimiter);
// The same with a personal namespace prefix: `local` named by remote names (FolderNaming::list_local).
FolderMap map_folders(const config::Account& account, const std::vector<net::FolderInfo>& remote,
                      const maildir::FolderListing& local, const FolderNaming& naming);

// Lists the server (errors as list_remote_folders) and the Maildir root (a missing root is no folders;
// an unreadable one is reported in `skipped`).
util::Expected<FolderMap> gather_folders(const config::Account& account);

// "\Sent \Trash": the RFC 6154 special-use attributes among `attributes`, "" if none.
std::string special_use_names(std::uint32_t attributes);

}  // namespace mailtwin::engine
