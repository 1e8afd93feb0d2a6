#pragma once
// The planner's rows (model::PairState) in the state DB. A row with a UID lives in `messages`
// (its local key may be empty: a download in flight, or a local deletion kept detached); a row without
// a UID lives in `keyed` (an upload in flight, or a server deletion kept detached). A row written
// before a non-idempotent copy is the copy's intent: found after a crash, the planner looks for the
// copy by identity before repeating it.
#include <string>

#include "mailtwin/model/snapshot.hpp"
#include "mailtwin/state/state_db.hpp"

namespace mailtwin::state {

struct FolderKey {
    std::string account;
    std::string folder;  // remote name, UTF-8
};

// The planner's row for a stored record (the identity from the stored Message-ID hash and size).
model::PairState pair_state_of(const MessageRecord& record);

// Every row of the folder, plus the folder record (nullopt: never synced).
//
// A stored record that cannot be read (its checksum fails: bytes changed on disk) is unknown: it is
// left out and counted in `unreadable`. An unreadable message row makes its message look new on
// both sides, and the planner pairs such messages by identity; an unreadable folder record leaves
// no base for any row, so then the whole folder is loaded as if its state were lost (no rows).
// Either way the folder must be planned from full views of both sides (nothing can be taken as
// unchanged), and its execution first erases the unreadable records (StateDb::erase_unreadable).
struct LoadedFolder {
    model::FolderState pairs;
    std::optional<FolderState> record;
    std::size_t unreadable = 0;
};
util::Expected<LoadedFolder> load_folder(StateDb& db, const FolderKey& where);

// Writes the row under its UID, or under its key when it has no UID.
util::Expected<void> put_row(StateDb& db, WriteTxn& txn, const FolderKey& where, const model::PairState& row);
// Drops the row with this UID and any row with this key (either may be empty).
util::Expected<void> drop_row(StateDb& db, WriteTxn& txn, const FolderKey& where, model::Uid uid,
                              const std::string& key);
// The row with this UID, else the one with this key.
util::Expected<std::optional<model::PairState>> find_row(StateDb& db, Txn& txn, const FolderKey& where, model::Uid uid,
                                                         const std::string& key);

}  // namespace mailtwin::state
