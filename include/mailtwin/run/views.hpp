#pragma once
// Between the views and the plan: the identities the planner asks for (sync::needs_identities),
// taken from each side's store, and the checkpoint each store's view starts from.
#include "mailtwin/state/state_rows.hpp"
#include "mailtwin/store/store.hpp"
#include "mailtwin/sync/planner.hpp"

namespace mailtwin::engine {

namespace asio = boost::asio;

// The checkpoint the stores' views start from, as the folder's state record keeps it (none: never
// synced).
std::optional<store::Checkpoint> checkpoint_of(const state::LoadedFolder& last);
store::Checkpoint checkpoint_of(const state::FolderState& record);

// Fills the identities `request` names: on the view's message, or, for a message the view does not
// list (incremental or unchanged views), on its state row in `rows` (rows written before the current
// identity rule have none, and a copy of unknown outcome must still find its counterpart).
asio::awaitable<util::Expected<void>> fill_identities(const util::PerSide<store::FolderStore*>& stores,
                                                      store::FolderViews& views, model::FolderState& rows,
                                                      const sync::IdentityRequest& request);

}  // namespace mailtwin::engine
