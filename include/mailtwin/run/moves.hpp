#pragma once
// Moves between folders in the engine: the pure finder (sync/moves.hpp) over the run's planned
// folders, and their execution through the folders' stores (store/store.hpp: move, set_flags),
// before the folders' own plans run.
#include <string>
#include <vector>

#include "mailtwin/run/folder_sync.hpp"
#include "mailtwin/store/store.hpp"
#include "mailtwin/sync/moves.hpp"
#include "mailtwin/util/side.hpp"

namespace mailtwin::engine {

// The two stores of each planned folder, by the same index as the folders (null for a folder whose
// planning failed: it takes no part in moves).
using FolderStores = std::vector<util::PerSide<store::FolderStore*>>;
FolderStores stores_of(const std::vector<PlannedFolder>& planned);

// Reads the identity of the new local files the finder may compare (only when some message is gone
// locally somewhere), then finds the moves and takes what they replace out of the plans.
asio::awaitable<sync::Moves> find_moves(const FolderStores& stores, std::vector<PlannedFolder>& planned,
                                        const sync::Policy& policy);
// A dry run's count of what execute_moves would do: each move arrives in its target folder
// ("moved in N"), as execute_moves counts them.
void count_planned_moves(const sync::Moves& moves, std::vector<PlannedFolder>& planned);
std::vector<std::string> describe_moves(const sync::Moves& moves, const std::vector<PlannedFolder>& planned);
// Local moves: one move() of the server store per source folder (one SELECT and one pipeline of UID
// MOVEs to every target), then one set_flags per target for the merged flags (one pipeline of
// STOREs). Remote moves: one move() of the Maildir store per source folder (a rename per file), one
// set_flags per target for the merged flags on each side. Each move's rows are recorded once both
// sides hold its result.
asio::awaitable<util::Expected<void>> execute_moves(const FolderStores& stores, StateBatch& batch,
                                                    const std::string& account, std::vector<PlannedFolder>& planned,
                                                    const sync::Moves& moves);

}  // namespace mailtwin::engine
