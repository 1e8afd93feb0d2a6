#pragma once
// Printing a Plan: one line per action, as the text notation the planner's tests are written in, as
// text for people (--dry-run -v), or as JSON lines.
#include <string>
#include <vector>

#include "mailtwin/model/flags.hpp"
#include "mailtwin/sync/plan.hpp"

namespace mailtwin::sync {

// text: the notation scenario tables are written in (flags_text); display: for people (display_flags).
enum class PlanFormat { text, display, json };

// Flags in Maildir letter order, then ",keyword" for each keyword; "-" when empty. E.g. "FS,$label1",
// ",Work": the comma tells a keyword from letters, so test tables can parse it back.
[[nodiscard]] std::string flags_text(const model::FlagSet& flags);
// Flags for people: IMAP names then keywords, comma-separated; "-" when empty. E.g. "\Flagged,\Seen,Work",
// "Work" (a keyword alone reads as itself, never ",Work").
[[nodiscard]] std::string display_flags(const model::FlagSet& flags);

// e.g. "set-flags remote uid=7 +S -F", "download uid=9 flags=S size=1200".
[[nodiscard]] std::string to_text(const Action& action);
// The same line for people, flags by display_flags: "set-flags remote uid=7 +\Seen -\Flagged", "... -Work".
[[nodiscard]] std::string to_display_text(const Action& action);
// e.g. {"action":"download","uid":9,"flags":["\\Seen"],"size":1200,...}
[[nodiscard]] std::string to_json(const Action& action);

// One line per action, in plan order, without trailing newlines.
[[nodiscard]] std::vector<std::string> format_plan(const Plan& plan, PlanFormat format);

// What the safety rail held back, for a person: "REFUSED 7 of 10 deletions seen in the Maildir (70 %,
// over max_delete_percent = 50): the server keeps them; run with --force to carry them out".
[[nodiscard]] std::string refusal_text(const Refuse& refuse);

}  // namespace mailtwin::sync
