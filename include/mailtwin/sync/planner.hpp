#pragma once
// The planner: pure, no I/O. Given the server's view, the Maildir's view and the state of the last
// sync of ONE folder, returns the actions that reconcile them (shared spec "Reconciliation rules").
//
// Driver protocol:
//   1. build the views without identities;
//   2. ask needs_identities(); fill in the identity of every message it names (store/identity.hpp:
//      Message-ID hash + body-start hash), on the view's message or on its state row; in the common
//      case it names nothing;
//   3. plan_folder(); print it (--dry-run) or hand it to the executor.
#include <cstdint>
#include <string>
#include <vector>

#include "mailtwin/model/ids.hpp"
#include "mailtwin/model/snapshot.hpp"
#include "mailtwin/sync/plan.hpp"
#include "mailtwin/sync/policy.hpp"

namespace mailtwin::sync {

struct IdentityRequest {
    std::vector<model::Uid> remote;  // ascending
    std::vector<std::string> local;  // ascending
    [[nodiscard]] bool empty() const noexcept { return remote.empty() && local.empty(); }
};

// Which unpaired messages need an identity before planning: only when both sides have messages
// without a partner (new on both sides, a lost state, a UIDVALIDITY change, a copy of unknown outcome).
// Messages whose identity the view or the state already has are not named.
[[nodiscard]] IdentityRequest needs_identities(const model::RemoteView& remote, const model::LocalView& local,
                                               const model::FolderState& last);

// now: unix seconds, for max_age_days.
[[nodiscard]] Plan plan_folder(const model::RemoteView& remote, const model::LocalView& local,
                               const model::FolderState& last, const Policy& policy, std::int64_t now);

}  // namespace mailtwin::sync
