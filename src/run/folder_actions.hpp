#pragma once
// Private to the run module: the folder plan's actions (sync/folder_plan.hpp) done through the
// two FolderTrees, with the state changes each records, in the order that keeps a kill safe:
//   1. renames, each before its state re-key: killed in between, the next run finds the old name
//      gone from both sides (forgotten) and the new one unknown on both, and pairs its messages by
//      identity; re-keyed first, it would find the new name "deleted" on the side not yet renamed;
//   2. removals (a propagated deletion), each before its state is forgotten;
//   3. the state of a recreated folder forgotten, then the folder created: killed in between, the
//      folder is unknown and created as a new one; created first, its empty copy would read as
//      every message deleted there.
// A dry run does none of it and reports each as a plan line. What failed is reported as a failed
// folder, and the jobs that needed it are not run.
#include <set>
#include <string>

#include "account_run.hpp"
#include "mailtwin/store/folder_tree.hpp"
#include "mailtwin/sync/folder_plan.hpp"

namespace mailtwin::engine {

// Which of the plan's actions to do: the renames with their re-keys (step 1 above), the rest
// (steps 2 and 3), or all. list_folder_jobs lists and plans again between the two when the server
// renamed a folder.
enum class FolderActions { renames, rest };

// The names of the plan's jobs that may not run this time (an action they needed failed).
asio::awaitable<std::set<std::string>> apply_folder_plan(AccountRun& run,
                                                         const util::PerSide<store::FolderTree*>& trees,
                                                         const sync::FolderPlan& plan, char delimiter,
                                                         FolderActions which);

// Whether the plan renames a folder on the server: the server may then list folders the plan
// could not know of (a parent Cyrus creates for the new name, children the RENAME carried).
bool renames_on_server(const sync::FolderPlan& plan);

// "server" or "Maildir": where a folder action is done, for the user.
std::string side_label(util::Side side);

}  // namespace mailtwin::engine
