#pragma once
// Private to the run module: what the folder plan cannot see in the listings
// (sync::FolderEvidence), found by looking at the few folders sync::evidence_wanted names. Only a
// known folder missing on a side costs anything here.
//   same_content  a new folder holds the missing one's messages: its store's view from the missing
//                 folder's checkpoint (the server: only when UIDVALIDITY is the same), then the
//                 identities of a sample of the state's rows, each equal to the row's
//   unsynced      the other side's copy of the missing folder changed since the last sync: its
//                 store's view against the state (sync/unsynced.hpp)
// Either is only ever "no" when in doubt (a view that fails, a folder without rows): a rename not
// found is a deletion plus a new folder, an unproven "unchanged" a recreation; neither loses mail.
#include <map>
#include <string>
#include <vector>

#include "mailtwin/imap/response.hpp"
#include "mailtwin/net/session.hpp"
#include "mailtwin/state/state_db.hpp"
#include "mailtwin/store/folder_tree.hpp"
#include "mailtwin/sync/folder_plan.hpp"

namespace mailtwin::engine {

namespace asio = boost::asio;

struct EvidenceSources {
    net::Session& session;
    state::StateDb& db;
    const std::string& account;
    const std::map<std::string, imap::StatusData>& statuses;  // LIST-STATUS by folder, where the server has it
    store::MaildirFolderTree::DirOf dir_of;
    bool propagate = false;  // folder_deletes = "propagate": the other side's copy is looked at too
};

asio::awaitable<sync::FolderEvidence> gather_folder_evidence(const EvidenceSources& from,
                                                             const std::vector<sync::EvidenceWanted>& wanted);

}  // namespace mailtwin::engine
