#pragma once
// Moves between folders, and rewrites within one, found across the plans of one run before any of
// them is applied. Pure, like the planner: plans and state rows in, moves out; the actions a move
// replaces leave their plans.
//
//   local move   a mail reader moved a message out of folder A's Maildir into B's, either by renaming
//                the file (same key) or by writing a new file and unlinking the old one (neomutt's
//                save and `set trash`, mu4e with changed file names: a new key, the same identity).
//                On the server that is one UID MOVE A -> B (within one folder: no command at all),
//                not an expunge in A plus an upload to B: the UID's server-only keywords stay.
//   remote move  another client moved a message on the server (gone from A, the same identity new
//                in B): locally that is one rename, not a delete plus a download.
//
// The message that went is recognised by whatever its folder's plan did with it as a message gone on
// one side: an Expunge of the surviving copy, a restore of it (on_conflict = "keep": the survivor
// changed meanwhile), a Detach (an `expunge` policy that does not propagate deletions there), or an
// expunge the safety rail withheld (Refuse::held). Its flags then merge three ways like those of any
// pair (policy.hpp merge_flags, the state row as the base), so a flag changed on the other side while
// the message moved is kept, and so is the reader's. A move is not a deletion: once the moves are out,
// the rail is applied again (exceeds_delete_limit) to the withheld deletions that are left.
//
// A crash in the middle of a move needs no intent: A then shows the message gone on both sides
// (forgotten) and B has it new on both sides, where the planner pairs the two copies by identity.
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mailtwin/model/snapshot.hpp"
#include "mailtwin/sync/plan.hpp"
#include "mailtwin/sync/policy.hpp"

namespace mailtwin::sync {

// One folder of the run as the move finder sees it.
struct MoveFolder {
    Plan* plan = nullptr;                      // nullptr: the folder takes no part (planning failed)
    const model::FolderState* last = nullptr;  // its state rows (at least those its plan names)
};

// The local copy moved (or was rewritten): the server copy follows.
struct LocalMove {
    std::size_t from = 0;  // indexes into the folders
    std::size_t to = 0;    // == from: a rewrite in place (new file, same message)
    model::Uid uid = 0;    // the server copy, in `from`
    std::string old_key;   // the row's key, in `from`
    std::string key;       // the file now, in `to`
    SideFlags now;         // the server copy's and the file's flags now
    SideFlags target;      // what both end with
    std::optional<model::Identity> identity;
};

// The server copy moved (or was re-appended): the local file follows.
struct RemoteMove {
    std::size_t from = 0;
    std::size_t to = 0;
    std::string key;         // the file, in `from`
    model::Uid old_uid = 0;  // the row's uid in `from` (0: the row is not in `from`)
    model::Uid new_uid = 0;  // the server copy now, in `to`
    SideFlags now;
    SideFlags target;
    std::optional<model::Identity> identity;
};

struct Moves {
    std::vector<LocalMove> local;
    std::vector<RemoteMove> remote;
    [[nodiscard]] bool empty() const noexcept { return local.empty() && remote.empty(); }
};

// (folder, action index) of the Uploads whose identity the finder would compare: some folder has a
// message gone locally, still on the server, whose file may have been rewritten elsewhere. The driver
// fills Upload::identity for these (from the file) before calling find_moves; when no message is
// gone anywhere, no file is read.
[[nodiscard]] std::vector<std::pair<std::size_t, std::size_t>> uploads_wanting_identity(
    const std::vector<MoveFolder>& folders);

// Finds the moves, takes the actions they replace out of the plans (and out of Refuse::held), applies
// the safety rail again to what the rail withheld, and recounts each plan.
[[nodiscard]] Moves find_moves(const std::vector<MoveFolder>& folders, const Policy& policy);

}  // namespace mailtwin::sync
