#pragma once
// The three views of one folder the planner reconciles: the server now, the Maildir now, and what
// the last sync left behind (FolderState). Plain data: the stores fill the views, the state module
// converts its records to and from FolderState.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mailtwin/model/flags.hpp"
#include "mailtwin/model/ids.hpp"
#include "mailtwin/model/message.hpp"
#include "mailtwin/model/storable_flags.hpp"

namespace mailtwin::model {

enum class RemoteViewKind : std::uint8_t {
    full,           // messages holds every message of the folder
    changes_since,  // messages holds only those changed or added after changed_since; vanished lists
                    // expunged uids (QRESYNC VANISHED or a UID SEARCH diff)
};

struct RemoteView {
    UidValidity uidvalidity = 0;
    ModSeq highestmodseq = 0;
    Uid uidnext = 0;
    RemoteViewKind kind = RemoteViewKind::full;
    ModSeq changed_since = 0;  // changes_since only
    std::vector<RemoteMessage> messages;
    std::vector<Uid> vanished;  // changes_since only
    // What the server keeps (PERMANENTFLAGS); nullopt when the view was built without a SELECT. The
    // planner then takes every flag as kept; the driver selects first when that could matter
    // (run/folder_sync.cpp).
    std::optional<StorableFlags> storable;
};

enum class LocalViewKind : std::uint8_t {
    full,       // messages holds every message of the Maildir folder
    unchanged,  // new/ and cur/ did not change since the last scan: the folder equals the state
};

struct LocalView {
    LocalViewKind kind = LocalViewKind::full;
    // false when the account's Maildir root is missing or not mounted: the safety rail then refuses
    // every deletion the local side seems to ask for, even with --force.
    bool root_present = true;
    std::vector<LocalMessage> messages;
};

// One remote/local pair as of the last sync. A row may be half-known:
//  - uid 0 (or key empty) and !detached: a copy to that side was started and its outcome is unknown;
//    the planner looks for the copy by identity and repeats the copy only if it finds none;
//  - detached: the message was deleted on the side whose id is missing and that deletion was not
//    propagated (policy); the surviving copy is no longer synchronised and never copied back.
struct PairState {
    Uid uid = 0;
    std::string key;
    FlagSet remote_flags;  // as last seen on / written to the server
    FlagSet local_flags;   // as last seen in / written to the Maildir
    std::uint64_t size = 0;
    std::optional<Identity> identity;
    bool detached = false;

    friend bool operator==(const PairState&, const PairState&) = default;
};

struct FolderState {
    UidValidity uidvalidity = 0;  // 0: the folder was never synced (or its state was lost)
    ModSeq highestmodseq = 0;
    Uid uidnext = 0;
    std::vector<PairState> pairs;

    friend bool operator==(const FolderState&, const FolderState&) = default;
};

}  // namespace mailtwin::model
