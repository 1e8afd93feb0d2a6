#pragma once
// Internal to the planner: the three views of a folder turned into one list of entries, each a
// message as both sides and the state know it, after pairing unpaired messages by identity.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mailtwin/model/snapshot.hpp"
#include "mailtwin/util/side.hpp"

namespace mailtwin::sync::detail {

// One side's copy of a message now, whatever the side.
struct Copy {
    bool present = false;
    model::FlagSet flags;
    std::uint64_t size = 0;
    std::int64_t date = 0;  // remote INTERNALDATE, local mtime
    std::optional<model::Identity> identity;
};

struct Entry {
    model::Uid uid = 0;  // 0: no remote id
    std::string key;     // empty: no local id
    util::PerSide<Copy> now;
    std::optional<model::PairState> row;  // the state row this entry comes from
    bool base_known = true;               // false when the row's flags are no base (after a UIDVALIDITY change)
    bool matched = false;                 // paired by identity in this run: needs a Pair action

    [[nodiscard]] bool has_id(util::Side s) const noexcept { return s == util::Side::remote ? uid != 0 : !key.empty(); }
    [[nodiscard]] bool detached() const noexcept { return row && row->detached; }
    // Lacks the id of side s and may find it by identity: unpaired messages and copies of unknown outcome.
    [[nodiscard]] bool wants_partner(util::Side s) const noexcept {
        return !has_id(s) && has_id(util::other(s)) && !detached();
    }
    // The identity to match by: the present copy's, else the state row's.
    [[nodiscard]] std::optional<model::Identity> identity() const;
};

struct Gathered {
    std::vector<Entry> entries;
    bool uidvalidity_reset = false;     // state rows lost their uids
    bool unusable_incremental = false;  // an incremental remote view without a matching base
    std::size_t paired_at_last_sync = 0;
    std::vector<std::string> warnings;
};

// Builds entries from the views and the state (no matching yet).
[[nodiscard]] Gathered gather(const model::RemoteView& remote, const model::LocalView& local,
                              const model::FolderState& last);

// True when both sides have entries that want a partner: only then identities are worth having.
[[nodiscard]] bool matching_needed(const Gathered& g);

// Pairs entries that want a partner on opposite sides by identity, in uid/key order; the merged entry
// is marked matched.
void match_by_identity(Gathered& g);

}  // namespace mailtwin::sync::detail
