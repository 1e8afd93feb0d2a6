#include "mailtwin/sync/policy.hpp"

#include <algorithm>
#include <set>
#include <string>

namespace mailtwin::sync {

using util::Side;

bool Policy::may_change(Side s) const noexcept {
    switch (direction) {
        case Direction::both:
            return true;
        case Direction::pull:
            return s == Side::local;
        case Direction::push:
            return s == Side::remote;
    }
    return false;
}

bool Policy::may_expunge(Side s) const noexcept {
    if (!may_change(s)) return false;
    switch (expunge) {
        case ExpungeTo::both:
            return true;
        case ExpungeTo::none:
            return false;
        case ExpungeTo::local:
            return s == Side::local;
        case ExpungeTo::remote:
            return s == Side::remote;
    }
    return false;
}

bool exceeds_delete_limit(std::size_t expunges, std::size_t paired, const Policy& policy) noexcept {
    const auto percent = static_cast<std::size_t>(std::max(0, policy.max_delete_percent));
    return !policy.force && expunges > 0 && expunges * 100 > percent * paired;
}

namespace {

// One flag's values per side, now and at the last sync.
struct FlagValues {
    util::PerSide<bool> now;
    util::PerSide<bool> base;
};

// The rule of merge_flags() for one flag; returns the value each side should end with.
util::PerSide<bool> merge_one(const FlagValues& v) {
    util::PerSide<bool> changed;
    for (Side s : util::k_both_sides) changed[s] = v.now[s] != v.base[s];
    for (Side s : util::k_both_sides) {
        // Changed on one side only: that side wins on both.
        if (changed[s] && !changed[util::other(s)]) return {{v.now[s], v.now[s]}};
    }
    if (!changed[Side::remote]) return v.now;  // changed on neither: each keeps its own
    // Changed on both: equal values agree; different values (possible only when the bases differ):
    // set wins.
    const bool value = v.now[Side::remote] || v.now[Side::local];
    return {{value, value}};
}

}  // namespace

SideFlags merge_flags(const SideFlags& now, const SideFlags& base, const Policy& policy) {
    SideFlags out = now;
    for (const auto& fl : model::k_flag_letters) {
        FlagValues v;
        for (Side s : util::k_both_sides) {
            v.now[s] = now[s].has(fl.flag);
            v.base[s] = base[s].has(fl.flag);
        }
        const auto merged = merge_one(v);
        for (Side s : util::k_both_sides) out[s].set(fl.flag, merged[s]);
    }
    if (policy.keywords == KeywordMode::sync) {
        std::set<std::string> names;
        for (Side s : util::k_both_sides) {
            names.insert(now[s].keywords.begin(), now[s].keywords.end());
            names.insert(base[s].keywords.begin(), base[s].keywords.end());
        }
        for (const auto& name : names) {
            FlagValues v;
            for (Side s : util::k_both_sides) {
                v.now[s] = now[s].keywords.count(name) != 0;
                v.base[s] = base[s].keywords.count(name) != 0;
            }
            const auto merged = merge_one(v);
            for (Side s : util::k_both_sides) {
                if (merged[s])
                    out[s].keywords.insert(name);
                else
                    out[s].keywords.erase(name);
            }
        }
    }
    // A side this run may not change keeps what it has (direction pull/push).
    for (Side s : util::k_both_sides)
        if (!policy.may_change(s)) out[s] = now[s];
    return out;
}

model::FlagSet local_flags_meant(const model::FlagSet& now, const model::FlagSet& base, const Policy& policy) {
    if (policy.keywords == KeywordMode::ignore || base.keywords.empty()) return now;
    const bool dropped_by_reader = policy.local_keywords == LocalKeywords::dropped ||
                                   (policy.local_keywords == LocalKeywords::automatic && now.keywords.empty());
    if (!dropped_by_reader) return now;
    model::FlagSet out = now;
    out.keywords.insert(base.keywords.begin(), base.keywords.end());
    return out;
}

bool marks_are_deletions(const Policy& policy) {
    return policy.may_expunge(Side::remote) && policy.may_expunge(Side::local);
}

MarkedDeleted marked_deleted_outcome(const SideFlags& now, const SideFlags& base, const Policy& policy) {
    if (!marks_are_deletions(policy)) return MarkedDeleted::none;
    const bool remote_marked = now[Side::remote].has(model::Flag::deleted);
    const bool local_marked = now[Side::local].has(model::Flag::deleted);
    if (!remote_marked && !local_marked) return MarkedDeleted::none;
    if (remote_marked && local_marked) return MarkedDeleted::expunge;
    const Side unmarked = remote_marked ? Side::local : Side::remote;
    if (same_synced_flags(now[unmarked], base[unmarked], policy) || policy.on_conflict == OnConflict::del)
        return MarkedDeleted::expunge;
    return MarkedDeleted::unmark;
}

bool new_marked_deleted_is_expunged(Side from, const Policy& policy) {
    if (!marks_are_deletions(policy)) return false;
    return !(from == Side::local && policy.trash);
}

bool same_synced_flags(const model::FlagSet& a, const model::FlagSet& b, const Policy& policy) {
    if (a.bits() != b.bits()) return false;
    return policy.keywords == KeywordMode::ignore || a.keywords == b.keywords;
}

model::FlagSet flags_to_copy(const model::FlagSet& flags, const Policy& policy) {
    if (policy.keywords == KeywordMode::sync) return flags;
    return model::FlagSet(flags.bits());
}

}  // namespace mailtwin::sync
