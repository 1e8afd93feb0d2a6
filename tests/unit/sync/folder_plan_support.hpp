#pragma once
// The folder plan's tests (test_folder_plan*.cpp): inputs written as short texts, a plan printed as
// lines, and the mirror of both (the same world with the sides swapped).
#include <string>
#include <vector>

#include "mailtwin/sync/folder_plan.hpp"

namespace mailtwin::sync::test {

// "A B#7 P!": A; B with MAILBOXID 7; P listed not selectable (\Noselect).
std::vector<ListedFolder> listing(const std::string& text);
// "A#7 B=40": A with id 7 (10 messages); B with 40 messages.
std::vector<KnownFolder> known_folders(const std::string& text);

// The plan as lines, in the plan's order: actions, rekey, forget, jobs, skipped, renamed, deleted.
//   rename local A -> B [carried] | create remote X | remove local X | rekey A -> B | forget A |
//   job X [known] [created=remote|local] [recreated=deleted|changed@remote|local] | skip X why |
//   renamed A -> B | deleted X
std::vector<std::string> plan_lines(const FolderPlan& plan);

// The input with the sides swapped: listings, evidence, children_follow_parent, direction.
FolderPlanInput mirrored(const FolderPlanInput& input);
// Lines with "remote" and "local" exchanged, sorted (the mirrored plan lists the sides' actions in the
// other order).
std::vector<std::string> mirrored_sorted(const std::vector<std::string>& lines);
std::vector<std::string> sorted(std::vector<std::string> lines);
// evidence_wanted() as lines: "remote A: B C".
std::vector<std::string> wanted_lines(const std::vector<EvidenceWanted>& wanted);

}  // namespace mailtwin::sync::test
