#pragma once
// Whether one side of a folder holds anything the last sync did not leave there: a message added,
// gone or with other flags than the state recorded. A folder deleted on the other side is deleted
// here too only when this says no (folder_deletes = "propagate", sync/folder_plan.hpp): otherwise
// the deletion would lose that change.
#include "mailtwin/model/snapshot.hpp"

namespace mailtwin::sync {

// A view of another UIDVALIDITY is changed. An incremental view is changed when it lists a message
// the state does not have as it is, or reports a known UID expunged; a full one also when a known
// UID is missing from it.
[[nodiscard]] bool changed_since_last_sync(const model::RemoteView& view, const model::FolderState& rows);
// An `unchanged` view is not changed; a full one is changed when its keys or flags differ from the
// state's.
[[nodiscard]] bool changed_since_last_sync(const model::LocalView& view, const model::FolderState& rows);

}  // namespace mailtwin::sync
