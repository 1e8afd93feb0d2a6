#pragma once
// Applies a folder's plan through the folder's two stores (store/store.hpp) and records each
// completed step in the state DB. Every rule is written once over Side, as in the planner: one flag
// path, one removal path, one copy path (read on one store, write on the other). The executor never
// touches file names or sequence sets; the stores do.
//
// Record order (design habit 8), per group of the plan; records go to the run's StateBatch, which
// commits them together (state_batch.hpp says why that is safe):
//   state-only (ResetUids, Pair, Detach, Forget)  one body
//   SetFlags                                      act on both sides; then Record
//   Expunge                                       act; then drop the rows
//   copies (Download, Upload)                     intent rows (the source's id, none on the target,
//                                                 with identity), COMMITTED before the write when
//                                                 the target's writes need it (an APPEND); then the
//                                                 completed pairs, batch by batch as the target
//                                                 makes them durable
// A crash between any two steps leaves rows the planner understands: an intent row makes it look
// for the copy by identity before repeating it, so nothing is duplicated and nothing lost.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mailtwin/results/folder_result.hpp"
#include "mailtwin/results/progress.hpp"
#include "mailtwin/run/state_batch.hpp"
#include "mailtwin/state/state_rows.hpp"
#include "mailtwin/store/store.hpp"
#include "mailtwin/sync/plan.hpp"

namespace mailtwin::engine {

namespace asio = boost::asio;

struct ExecContext {
    util::PerSide<store::FolderStore*> stores;
    StateBatch& batch;
    state::FolderKey where;
    // The views and rows the plan was made from (flags of each message as it is now, for stores
    // that write whole flag sets); they may hold only what the plan names.
    const store::FolderViews& views;
    const model::FolderState& rows;
    Progress* progress = nullptr;
};

asio::awaitable<util::Expected<ExecStats>> execute_plan(ExecContext& ctx, const sync::Plan& plan);

}  // namespace mailtwin::engine
