#pragma once
// The account's run record (state::AccountRuns): when each folder was last found in sync and whether
// the last run that visited it failed it. `status` reads it for LAST SYNC (issue 18 item 3).
//
// Why a record of its own: a run that finds a folder unchanged (LIST-STATUS and two stat() calls
// said so) must stay free of per-folder work, so it does not rewrite that folder's checkpoint; its
// one write is this record, one value for the whole account (a few dozen bytes per folder).
#include <optional>
#include <string>
#include <vector>

#include "mailtwin/results/account_result.hpp"
#include "mailtwin/state/records.hpp"

namespace mailtwin::engine {

// The record after a run that started at `now`, from the one before it (nullopt: none yet):
//  - a folder the run synced or found unchanged: checked_ok = now, its failure cleared;
//  - a folder it failed (or whose deletions the safety rail held back): failed_at = now and why;
//    its checked_ok stays (the last good sync);
//  - a folder it did not visit (`--folder`, or the run stopped before its folders) keeps its entry,
//    unless the state no longer knows it (`known_folders`): a forgotten or renamed folder is dropped;
//  - last_run = now, last_run_error = why the run stopped before its folders ("" when it did not).
state::AccountRuns merge_run(std::optional<state::AccountRuns> before, std::int64_t now, const AccountResult& run,
                             const std::vector<std::string>& known_folders);

}  // namespace mailtwin::engine
