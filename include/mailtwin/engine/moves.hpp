#pragma once
// Moves between folders, found across the folders' plans before any of them runs:
//   local move   a mail reader renamed a file from folder A's Maildir into B's (same key): on the
//                server that is one UID MOVE, not an expunge in A plus an upload to B;
//   remote move  another client moved a message on the server (same identity gone from A, new in
//                B): locally that is one rename, not a delete plus a download.
// The matched Expunge/Upload/Download actions leave the plans. A crash in the middle of a move
// needs no intent: A then shows the message gone on both sides (forgotten) and B has it new on both
// sides, where the planner pairs the two copies by identity.
#include <string>
#include <vector>

#include "mailtwin/engine/folder_sync.hpp"

namespace mailtwin::engine {

struct LocalMove {
    std::size_t from = 0;  // indexes into the planned folders
    std::size_t to = 0;
    model::Uid uid = 0;  // in `from` on the server
    std::string key;
    model::FlagSet local_flags;   // the file's flags now
    model::FlagSet remote_flags;  // the server's, as last synced
    std::optional<model::Identity> identity;
};

struct RemoteMove {
    std::size_t from = 0;
    std::size_t to = 0;
    std::string key;  // in `from` locally
    model::Uid new_uid = 0;  // in `to` on the server
    model::FlagSet remote_flags;
    model::FlagSet flags;  // what the local file should carry
    std::optional<model::Identity> identity;
};

struct Moves {
    std::vector<LocalMove> local;
    std::vector<RemoteMove> remote;
    [[nodiscard]] bool empty() const noexcept { return local.empty() && remote.empty(); }
};

// `policy` reads the moved files' keyword letters (sync::local_flags_meant: a reader such as mu
// drops them on the way, which is no removal).
Moves find_moves(std::vector<PlannedFolder>& planned, const sync::Policy& policy = {});
std::vector<std::string> describe_moves(const Moves& moves, const std::vector<PlannedFolder>& planned);
asio::awaitable<util::Expected<void>> execute_moves(net::Session& session, StateBatch& batch, const std::string& account,
                                                    std::vector<PlannedFolder>& planned, const Moves& moves);

}  // namespace mailtwin::engine
