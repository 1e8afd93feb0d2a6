#pragma once
// Late APPENDs: an upload whose outcome was unknown must end up exactly once on each side, whatever
// order the server finishes things in (issue 20).
//
// A killed run may leave an APPEND the server completes later: the dead session's literal was
// received, the server commits it after the next run has listed the folder and found no copy. That
// run uploads the message again (its intent row is unresolved), so one message becomes two server
// copies, and the run after would download the late one. Identity alone cannot say "the same
// message" (two byte-identical copies are two messages, IdentityMatching.ByteIdenticalCopiesStayTwo),
// but an APPEND of our own whose outcome we never learnt can:
//
// Rule 1 (remember). When a run re-uploads (or forgets, its file being gone) a message whose intent
//   row is unresolved, it first commits a *late-append watch*: folder, local key, identity, and the
//   highest UID the folder could have had at this run's listing (every UID the listing did not show
//   is above it: UIDs only grow). It says: "one more copy of ours with this identity may still
//   appear, above this UID". One watch per interrupted APPEND: a message interrupted twice gets two.
// Rule 2 (recognise). A later run that finds a new server message with a watched identity above the
//   watch's UID takes it for that late copy, if nothing claimed it first (an unresolved intent row
//   still pairs by identity with the first copy found): whether the plan would download it or leave
//   it on the server (direction, a filter), it is expunged from the server instead (never moved to
//   `trash`: no user made it), and the watch is dropped with it. Each watch takes one copy.
// Rule 3 (forget). A watch is dropped once a listing taken k_late_append_window after it was written
//   shows no such copy (a server finishes a dead session's command within seconds; the window is
//   generous), and at once when the folder's UIDVALIDITY changes (its UIDs mean nothing any more).
//   Watches live in the state's `intents` database (kind append, the UID above which a late copy
//   lands in the intent's uid), so there is no schema change; `forget` drops them with the folder.
//
// Cost: watches are read once per planned folder (a prefix scan of an empty range normally); an
// unchanged folder is not planned, and a late copy changes the folder (UIDNEXT), so it is seen.
#include <cstdint>
#include <string>
#include <vector>

#include "mailtwin/model/message.hpp"
#include "mailtwin/model/snapshot.hpp"
#include "mailtwin/run/state_batch.hpp"
#include "mailtwin/state/records.hpp"
#include "mailtwin/state/state_db.hpp"
#include "mailtwin/state/state_rows.hpp"
#include "mailtwin/sync/plan.hpp"

namespace mailtwin::engine {

// How long after a watch was written a listing that shows no late copy ends the watch.
inline constexpr std::int64_t k_late_append_window = 3600;

struct LateAppendWatch {
    state::IntentId id = 0;
    std::string key;  // the local message whose upload was in doubt
    model::Identity identity;
    model::Uid above = 0;      // a late copy has a UID above this
    std::int64_t created = 0;  // unix seconds
};

// What a folder's run does about late APPENDs, decided at planning, applied around its execution.
struct LateAppends {
    std::vector<state::Intent> add;     // committed before any APPEND of the run (rule 1)
    std::vector<state::IntentId> drop;  // dropped once the plan was applied (rules 2 and 3)
};

// The watches of one folder, oldest first.
util::Expected<std::vector<LateAppendWatch>> load_late_append_watches(state::StateDb& db,
                                                                      const state::FolderKey& where);

// A server message the state does not know, with its identity (every new one is described).
struct NewServerCopy {
    model::Uid uid = 0;
    model::Identity identity;
};
// The view's messages the state does not know (all of them after a UIDVALIDITY change), by UID.
std::vector<NewServerCopy> new_server_copies(const model::RemoteView& view, const model::FolderState& last);

// Rules 2 and 3 on a folder's plan (pure): each new server copy that a watch recognises, and that the
// plan would download or leave alone (direction, filters), is expunged on the server instead;
// returns the watches to drop (used or expired).
std::vector<state::IntentId> recognise_late_copies(sync::Plan& plan, const std::vector<NewServerCopy>& fresh,
                                                   const std::vector<LateAppendWatch>& watches,
                                                   bool uidvalidity_changed, std::int64_t now);

// Rule 1 (pure): the watches this plan needs, for its uploads and forgets of rows whose upload
// outcome is unknown (uid 0, not detached). `above`: the highest UID the folder could have now.
std::vector<state::Intent> watches_for_unresolved_uploads(const sync::Plan& plan, const model::FolderState& last,
                                                          const std::string& folder, model::Uid above,
                                                          std::int64_t now);

// Queues the new watches (before the folder's plan: the APPEND step commits them with its intents).
util::Expected<void> queue_new_watches(StateBatch& batch, const state::FolderKey& where, const LateAppends& late);
// Queues the removal of the used and expired watches (after the plan was applied).
util::Expected<void> queue_dropped_watches(StateBatch& batch, const state::FolderKey& where, const LateAppends& late);

}  // namespace mailtwin::engine
