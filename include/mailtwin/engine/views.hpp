#pragma once
// Building the planner's two views of one folder, at a cost that grows with change, not size:
//   local:  two stat() calls when new/ and cur/ are as remembered; otherwise one listing.
//   remote: SELECT (QRESYNC) reports changes and expunges since the remembered mod-sequence;
//           CONDSTORE without QRESYNC adds a UID SEARCH for deletions; otherwise all flags are read.
// Size, INTERNALDATE and what the identity needs (a few header fields and the first 1 KB of the body,
// in the same FETCH) are fetched only for messages the state does not know.
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "mailtwin/maildir/keyword_map.hpp"
#include "mailtwin/engine/state_rows.hpp"
#include "mailtwin/maildir/scan.hpp"
#include "mailtwin/model/snapshot.hpp"
#include "mailtwin/net/session.hpp"
#include "mailtwin/state/records.hpp"
#include "mailtwin/sync/planner.hpp"

namespace mailtwin::engine {

namespace asio = boost::asio;

struct LocalSnapshot {
    model::LocalView view;
    std::map<std::string, std::string> file_names;  // key -> file name as scanned (a hint for renames)
    maildir::FolderStamp stamp;
    maildir::ScanStats stats;
    // Local messages that cannot be carried to the server, each with its path and why: a new message
    // whose file is not a readable regular file, a second file with a key another file holds. They
    // are left out of the view (a known one stays in it, so it never looks deleted).
    std::vector<std::string> not_carried;
};

// `full` ignores the remembered stamp. A missing folder directory is an empty view with
// root_present as given (the account root's presence decides the safety rail).
util::Expected<LocalSnapshot> build_local_view(const std::filesystem::path& folder_dir, const LoadedFolder& last,
                                               const maildir::KeywordMap& keywords, bool full, bool root_present);

struct RemoteSnapshot {
    model::RemoteView view;
    net::SelectResult selected;
    bool incremental = false;  // changes_since (fast path) rather than full
};

// LIST-STATUS says the server's side of the folder is as the state last saw it: the same UIDVALIDITY
// and HIGHESTMODSEQ, and (where reported) UIDNEXT and message count, which catch expunges on a
// server whose mod-sequence ignores them (CONDSTORE without QRESYNC).
bool remote_unchanged(const imap::StatusData& status, const state::FolderState& record);
// The remote view of such a folder, without a round trip: nothing changed since the state's
// mod-sequence. Planning a folder changed only locally then costs no command at all.
RemoteSnapshot unchanged_remote_view(const imap::StatusData& status, const state::FolderState& record);

// What the server keeps, from a SELECT's PERMANENTFLAGS (none sent: every flag, RFC 3501 §7.1).
model::StorableFlags storable_flags(const std::optional<imap::FlagList>& permanent_flags);

// SELECTs the folder and reads what changed since the state's mod-sequence (or everything).
asio::awaitable<util::Expected<RemoteSnapshot>> build_remote_view(net::Session& session, const std::string& folder,
                                                                  const LoadedFolder& last, bool full);

// Fills the identities needs_identities() asks for: on the view's message, or, for a message the
// view does not list (incremental or unchanged views), on its state row in `rows`. Selects `folder`
// first if it must fetch and the session has not selected it.
asio::awaitable<util::Expected<void>> fill_identities(net::Session& session, const std::string& folder,
                                                      RemoteSnapshot& remote, LocalSnapshot& local,
                                                      model::FolderState& rows, const std::filesystem::path& folder_dir,
                                                      const sync::IdentityRequest& request);

}  // namespace mailtwin::engine
