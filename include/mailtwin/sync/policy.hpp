#pragma once
// The sync policy the planner obeys (config [accounts.*.sync] plus run flags), and the conflict
// rules, each written once over util::Side.
#include <cstddef>
#include <cstdint>

#include "mailtwin/model/flags.hpp"
#include "mailtwin/util/side.hpp"

namespace mailtwin::sync {

enum class Direction : std::uint8_t { both, pull, push };              // pull: server -> local only
enum class ExpungeTo : std::uint8_t { both, none, local, remote };     // sides deletions propagate to
enum class OnConflict : std::uint8_t { keep, del };                    // deleted here, changed there
enum class KeywordMode : std::uint8_t { sync, ignore };                // config: "dovecot" | "ignore"
enum class LocalKeywords : std::uint8_t { automatic, kept, dropped };  // config local_keywords

struct Policy {
    Direction direction = Direction::both;
    ExpungeTo expunge = ExpungeTo::both;
    OnConflict on_conflict = OnConflict::keep;
    std::uint64_t max_size = 0;  // bytes; 0 = no limit
    int max_age_days = 0;        // 0 = all
    int max_messages = 0;        // newest N (by uid) downloaded; 0 = all
    int max_delete_percent = 50;
    KeywordMode keywords = KeywordMode::sync;
    LocalKeywords local_keywords = LocalKeywords::automatic;
    bool trash = false;  // config `trash` is set: local deletions go to a server folder, not away
    bool force = false;  // --force: lets this run exceed max_delete_percent
    bool full = false;   // --full: the driver asks for full views; the planner does not look at it

    // Whether this run may change anything on that side (direction).
    [[nodiscard]] bool may_change(util::Side s) const noexcept;
    // Whether a deletion seen on the other side is propagated to this side (direction + expunge).
    [[nodiscard]] bool may_expunge(util::Side s) const noexcept;
};

// The flags of a pair now, and as recorded at the last sync (each side has its own record, which
// differ when a direction or keyword rule kept a change on one side).
using SideFlags = util::PerSide<model::FlagSet>;

// The per-flag three-way merge (spec: "a flag changed on only one side wins"). For every system flag
// and keyword, on each side "changed" means now != that side's base:
//  - changed on one side only: that side's value goes to both;
//  - changed on neither: each side keeps its own value;
//  - changed on both to the same value: that value;
//  - changed on both to different values, or no base at all (a pair just found by identity):
//    SET WINS. A set \Seen, \Flagged, \Answered, \Draft, $Forwarded, \Deleted or keyword records
//    something a user did; losing it is worse than showing it again, and the rule has no favourite
//    side, so the mirrored situation gives the mirrored result.
// Then the policy: a side this run may not change keeps its flags; with keywords = "ignore" each side
// keeps its own keywords (so none is ever removed from, or added to, the server).
[[nodiscard]] SideFlags merge_flags(const SideFlags& now, const SideFlags& base, const Policy& policy);

// The safety rail's limit (spec: `max_delete_percent`): whether propagating `expunges` deletions in a
// folder whose last sync paired `paired` messages is too many for one run without --force.
[[nodiscard]] bool exceeds_delete_limit(std::size_t expunges, std::size_t paired, const Policy& policy) noexcept;

// The local copy's flags as its user meant them. A mail reader that does not know the keyword
// letters of a Maildir file name (mu/mu4e) drops them all when it renames the file for a flag
// change; that is no removal by the user, and it must not remove the keywords from the server.
// With local_keywords = "dropped" no keyword ever counts as removed locally; with "auto" (the
// default) keywords count as removed only while the file still carries some keyword letter (a
// reader that keeps letters, such as neomutt, never drops them all at once; removing the last
// keyword of a message is then done on the server); with "kept" every removal counts. `base` is
// what the local side had at the last sync. Keywords dropped this way stay in the result, so the
// merge keeps them on the server and writes their letters back into the file.
[[nodiscard]] model::FlagSet local_flags_meant(const model::FlagSet& now, const model::FlagSet& base,
                                               const Policy& policy);

// A message marked deleted (Maildir T, IMAP \Deleted) on a side is a deletion its user asked for,
// waiting for an expunge. When deletions may reach both sides (direction = "both" and
// expunge = "both", like mbsync's `Expunge Both`), the pair is expunged on both sides (on the server
// into `trash` when it is set) instead of carrying the mark across. It is an explicit request per
// message, so the safety rail (max_delete_percent) does not hold it back. As for any deletion, a
// change on the unmarked side since the last sync (a flag set or cleared, or the mark removed there)
// is a conflict: on_conflict = "delete" expunges, "keep" removes the mark on both sides and keeps
// the message. Marked on both sides: expunged. Otherwise (deletions may not reach both sides) the
// mark is synced like any other flag and the message stays until a client expunges it.
enum class MarkedDeleted : std::uint8_t { none, expunge, unmark };
// Whether marks are deletions under this policy (deletions may reach both sides). A copy that is
// marked while its partner was deleted then agrees with that deletion: it is never restored.
[[nodiscard]] bool marks_are_deletions(const Policy& policy);
[[nodiscard]] MarkedDeleted marked_deleted_outcome(const SideFlags& now, const SideFlags& base, const Policy& policy);
// A message new on `from` (never synced) that is already marked deleted: under the same condition it
// is expunged there and not copied, except a local one when local deletions go to the server's
// trash folder (Policy::trash): that one is copied with its mark, and the next sync moves it there.
[[nodiscard]] bool new_marked_deleted_is_expunged(util::Side from, const Policy& policy);

// Equal as far as the policy syncs them (keywords count unless they are ignored).
[[nodiscard]] bool same_synced_flags(const model::FlagSet& a, const model::FlagSet& b, const Policy& policy);

// The flags a copy carries to the other side: keywords stay behind when they are ignored.
[[nodiscard]] model::FlagSet flags_to_copy(const model::FlagSet& flags, const Policy& policy);

}  // namespace mailtwin::sync
