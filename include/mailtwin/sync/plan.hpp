#pragma once
// A Plan: the actions that reconcile one folder, in the order the executor applies them.
//
// Order (deterministic; within each group remote-side subjects first, then by uid, then by key):
//   1 ResetUids   2 Pair   3 Detach   4 Forget   5 SetFlags   6 Record   7 Expunge
//   8 Download, Upload   9 Skip   10 Refuse
// State-only actions come first because each is safe on its own after a crash. A row is dropped
// together with the Expunge that made it obsolete (never before: a crash in between would make the
// survivor look new and copy it back). SetFlags come before the Record of the flags they produce.
//
// How the executor records each action in the state (one write transaction per action):
//   ResetUids  every row loses its uid; rows without a key are dropped; then new uidvalidity.
//   Pair       drop any row with this uid or this key, write {uid, key, flags, size, identity}.
//   Detach     the row (found by its uid, else its key) loses the id of `gone`; detached = true.
//   Forget     drop the row (by uid, else key).
//   SetFlags   store operation only (remote: batch uids with identical add/remove into one STORE).
//   Record     the row (by uid, else key) gets these flags.
//   Expunge    store operation, then drop the row (by uid, else key).
//   Download   deliver, then drop rows with this uid and write {uid, new key, remote_flags, flags}.
//   Upload     APPEND, then drop rows with this key and write {new uid, key, flags the server holds,
//              local_flags} (read back: a server may drop an APPEND's flags; store/appended_flags.hpp).
//   Skip, Refuse  nothing (reported).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mailtwin/model/flags.hpp"
#include "mailtwin/model/ids.hpp"
#include "mailtwin/model/message.hpp"
#include "mailtwin/util/side.hpp"

namespace mailtwin::sync {

struct ResetUids {
    model::UidValidity old_uidvalidity = 0;
    model::UidValidity new_uidvalidity = 0;
    friend bool operator==(const ResetUids&, const ResetUids&) = default;
};

// Adopt a match found by identity: state only, no transfer. The flags are the base the following
// SetFlags/Record start from.
struct Pair {
    model::Uid uid = 0;
    std::string key;
    model::FlagSet remote_flags;
    model::FlagSet local_flags;
    std::uint64_t size = 0;
    std::optional<model::Identity> identity;
    friend bool operator==(const Pair&, const Pair&) = default;
};

// The message is gone from `gone` and that deletion is not propagated: the survivor stays, unsynced.
struct Detach {
    util::Side gone = util::Side::remote;
    model::Uid uid = 0;
    std::string key;
    friend bool operator==(const Detach&, const Detach&) = default;
};

// Gone from both sides (or an unknown copy that was never made): drop the state row.
struct Forget {
    model::Uid uid = 0;
    std::string key;
    friend bool operator==(const Forget&, const Forget&) = default;
};

// Change flags on `side` (remote: +FLAGS/-FLAGS on uid; local: rename key).
struct SetFlags {
    util::Side side = util::Side::remote;
    model::Uid uid = 0;
    std::string key;
    model::FlagSet add;
    model::FlagSet remove;
    friend bool operator==(const SetFlags&, const SetFlags&) = default;
};

// The flags both sides have once the SetFlags before it are done: the new base of the pair.
struct Record {
    model::Uid uid = 0;
    std::string key;
    model::FlagSet remote_flags;
    model::FlagSet local_flags;
    friend bool operator==(const Record&, const Record&) = default;
};

struct Expunge {
    util::Side side = util::Side::remote;
    model::Uid uid = 0;
    std::string key;
    // Finishes a \Deleted that a client of the server set (marked there, not in the Maildir): the
    // server copy is expunged, never moved into `trash`, which receives local deletions only (that
    // client keeps its own trash; moving its message there too would put it there twice).
    bool server_marked = false;
    friend bool operator==(const Expunge&, const Expunge&) = default;
};

// Remote -> local. flags: what the Maildir file gets; remote_flags: what the server has (recorded).
struct Download {
    model::Uid uid = 0;
    model::FlagSet flags;
    model::FlagSet remote_flags;
    std::int64_t internaldate = 0;
    std::uint64_t size = 0;
    std::optional<model::Identity> identity;
    bool restore = false;  // re-copy of a message deleted locally but changed remotely (on_conflict)
    friend bool operator==(const Download&, const Download&) = default;
};

// Local -> remote (APPEND with flags and INTERNALDATE = mtime).
struct Upload {
    std::string key;
    model::FlagSet flags;  // what the server gets: the local flags it can keep (server_flags.hpp)
    model::FlagSet local_flags;
    std::int64_t internaldate = 0;
    std::uint64_t size = 0;
    std::optional<model::Identity> identity;
    bool restore = false;
    friend bool operator==(const Upload&, const Upload&) = default;
};

// Skip::reason of the max_size filter (the one `status` reports message by message).
inline constexpr const char* k_skip_larger_than_max_size = "larger than max_size";

// A message new on `side` that a filter (max_size, max_age_days, max_messages) keeps from copying.
struct Skip {
    util::Side side = util::Side::remote;
    model::Uid uid = 0;
    std::string key;
    std::string reason;
    friend bool operator==(const Skip&, const Skip&) = default;
};

// Why the safety rail held deletions back.
enum class RefuseCause : std::uint8_t {
    root_missing,   // the Maildir root is missing: never propagated, not even with --force
    appears_empty,  // the side's full view is empty although the last sync paired messages
    over_limit,     // more than max_delete_percent of the folder's pairs
    no_base,        // an incremental remote view without a matching state (the driver must rescan)
};

inline constexpr const char* k_over_limit_reason = "more than max_delete_percent; run with --force to allow";

// Safety rail: deletions seen on `gone` that were not propagated. The folder is reported as failed.
// `held` keeps the expunges the rail withheld: a withheld deletion may turn out to be one half of a
// move between folders (sync/moves.hpp), which is not a deletion; the move finder takes those out and
// applies the rail again to what is left (sync::exceeds_delete_limit, one rule for both).
struct Refuse {
    util::Side gone = util::Side::local;
    std::size_t count = 0;   // deletions held back
    std::size_t paired = 0;  // pairs the folder had at the last sync
    std::string reason;
    RefuseCause cause = RefuseCause::over_limit;
    std::vector<Expunge> held;  // the withheld expunges (on the other side of `gone`)
    int limit_percent = 0;      // over_limit: the max_delete_percent it was over, for the report
    friend bool operator==(const Refuse&, const Refuse&) = default;
};

using Action = std::variant<ResetUids, Pair, Detach, Forget, SetFlags, Record, Expunge, Download, Upload, Skip, Refuse>;

struct Counters {
    std::size_t pairs = 0;
    std::size_t detaches = 0;
    std::size_t forgets = 0;
    util::PerSide<std::size_t> flag_changes{};  // SetFlags per side
    std::size_t records = 0;
    util::PerSide<std::size_t> expunges{};
    std::size_t downloads = 0;
    std::size_t uploads = 0;
    std::size_t skips = 0;
    std::size_t refused = 0;  // deletions held back by the safety rail
    friend bool operator==(const Counters&, const Counters&) = default;
};

struct Plan {
    std::vector<Action> actions;
    Counters counters;
    std::vector<std::string> warnings;
    // Set when some change the view reported was not acted upon (refused deletions): the executor must
    // then not advance that side's checkpoint (HIGHESTMODSEQ / directory mtimes), so that the next
    // incremental view reports the change again.
    util::PerSide<bool> hold_checkpoint{};

    // True when applying the plan changes nothing (only Skips and Refuses, which are reports).
    [[nodiscard]] bool changes_nothing() const;
    // True when the safety rail held something back: the folder must be reported (exit 1).
    [[nodiscard]] bool refused() const;
};

// The order group of an action (1..10 as listed at the top of this file).
[[nodiscard]] int order_group(const Action& a) noexcept;
// Counts the actions; the planner calls it once the actions are final.
[[nodiscard]] Counters count_actions(const std::vector<Action>& actions);

}  // namespace mailtwin::sync
