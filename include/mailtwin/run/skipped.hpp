#pragma once
// The messages the max_size filter keeps from being copied, carried from checkpoint to checkpoint so
// that `status` can say how many there are and why (issue 18 item 10).
//
// The planner skips a message when it sees it as new: on every run whose view of that side is full,
// but only once on the fast paths, which show a message again only when it changes (QRESYNC and
// CONDSTORE views list the changed messages; an unchanged Maildir is not listed). So a side's list
// is taken from the plan where the view of that side is full, and otherwise carried over from the
// last checkpoint, less what the view shows gone (vanished UIDs) or shows again (planned afresh,
// and skipped again if still too large).
#include <string>
#include <vector>

#include "mailtwin/model/snapshot.hpp"
#include "mailtwin/state/records.hpp"
#include "mailtwin/sync/plan.hpp"

namespace mailtwin::engine {

struct SkippedMessages {
    std::vector<model::Uid> remote;  // ascending
    std::vector<std::string> local;  // sorted
    friend bool operator==(const SkippedMessages&, const SkippedMessages&) = default;
};

// `last`: the last checkpoint (nullptr: none, or another UIDVALIDITY, whose UIDs mean nothing now).
SkippedMessages skipped_after_plan(const state::FolderState* last, const model::RemoteView& remote,
                                   const model::LocalView& local, const sync::Plan& plan);

}  // namespace mailtwin::engine
