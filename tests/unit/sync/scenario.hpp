#pragma once
// Scenario tables for the planner (design.md habit 7): each case is (remote, state, local) before and
// the expected plan, written in a compact notation, and every case is also run flipped.
//
// Messages, space separated:  <id>[:<flags>][@<content>][#<size>][~<days old>]
//   flags as printed by flags_text(): letters DFPRST then ",keyword"...; "1:FS,$work@a"
//   @content gives the message an identity (content, size); without it the message has none.
// State rows:  <uid>=<key>[:<remote flags>/<local flags>][@content][!]   ("-" for a missing id,
//   "!" for a detached row). Keys are the decimal ids, so flipping maps uid n <-> key "n".
// Flipped run: the remote string becomes the local one and vice versa, state rows are mirrored, the
// policy is mirrored (pull <-> push, expunge local <-> remote), and the mirrored plan must equal the
// plan (as sorted lines: the group order puts remote subjects first).
#include <cstdint>
#include <string>
#include <vector>

#include "mailtwin/model/snapshot.hpp"
#include "mailtwin/sync/plan.hpp"
#include "mailtwin/sync/policy.hpp"

namespace mailtwin::sync::test {

inline constexpr std::int64_t k_now = 1'700'000'000;

struct Scenario {
    std::string name;
    std::string remote;
    std::string state;  // empty: no state at all (uidvalidity 0)
    std::string local;
    std::vector<std::string> expected;  // to_text() lines, in plan order
};

model::FlagSet parse_flags(const std::string& text);
model::RemoteView remote_view(const std::string& text, model::UidValidity uidvalidity = 1);
model::LocalView local_view(const std::string& text);
model::FolderState folder_state(const std::string& text, bool flipped = false, model::UidValidity uidvalidity = 1);

Policy mirrored(const Policy& p);
Action mirrored(const Action& a);
std::vector<std::string> lines(const Plan& plan);
std::vector<std::string> sorted_lines(const Plan& plan);
std::vector<std::string> mirrored_sorted_lines(const Plan& plan);

// Plans the scenario as written and flipped; returns both plans.
struct Outcome {
    Plan plan;
    Plan flipped;
};
Outcome run(const Scenario& s, const Policy& policy);

}  // namespace mailtwin::sync::test
