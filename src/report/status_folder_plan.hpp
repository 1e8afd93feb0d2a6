#pragma once
// Private to the report module: what the next sync would do to each folder itself (renamed,
// recreated, deleted, refused), as `status` says it. Status looks into no folder, so it knows a
// rename only by the server's MAILBOXID: a folder gone from one side may still turn out renamed when
// the sync compares contents (sync/folder_plan.hpp, FolderEvidence), and the sentence says so.
#include <map>
#include <string>

#include "mailtwin/sync/folder_plan.hpp"

namespace mailtwin::engine {

// By folder name, one sentence each; folders the plan leaves alone are not named.
std::map<std::string, std::string> next_folder_changes(const sync::FolderPlan& plan);

}  // namespace mailtwin::engine
