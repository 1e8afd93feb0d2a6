#pragma once
// Moves between folders in the engine: the pure finder (sync/moves.hpp) over the run's planned
// folders, and their execution on the server and in the Maildir, before the folders' own plans run.
#include <string>
#include <vector>

#include "mailtwin/run/folder_sync.hpp"
#include "mailtwin/sync/moves.hpp"

namespace mailtwin::engine {

// Reads the identity of the new local files the finder may compare (only when some message is gone
// locally somewhere), then finds the moves and takes what they replace out of the plans.
sync::Moves find_moves(std::vector<PlannedFolder>& planned, const sync::Policy& policy);
// A dry run's count of what execute_moves would do: each move arrives in its target folder
// ("moved in N"), as execute_moves counts them.
void count_planned_moves(const sync::Moves& moves, std::vector<PlannedFolder>& planned);
std::vector<std::string> describe_moves(const sync::Moves& moves, const std::vector<PlannedFolder>& planned);
// Local moves: one SELECT and one pipeline of UID MOVEs per source folder, then one pipeline of
// STOREs per target for the merged flags. Remote moves: one rename each (plus a STORE where the
// merge changed the server's flags). Each move's rows are recorded once both sides hold its result.
asio::awaitable<util::Expected<void>> execute_moves(net::Session& session, StateBatch& batch,
                                                    const std::string& account, std::vector<PlannedFolder>& planned,
                                                    const sync::Moves& moves);

}  // namespace mailtwin::engine
