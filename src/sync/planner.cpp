#include "mailtwin/sync/planner.hpp"

#include <algorithm>
#include <functional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include "entries.hpp"
#include "mailtwin/sync/server_flags.hpp"

namespace mailtwin::sync {

using detail::Entry;
using util::Side;

namespace {

constexpr std::int64_t k_seconds_per_day = 86400;

// Where a deletion seen on one side leads.
enum class Deletion { expunge, restore, detach };

struct PendingDeletion {
    const Entry* entry = nullptr;
    Deletion what = Deletion::expunge;
};

// Sort key of an action: group, then the side of its subject, then uid, then key.
std::tuple<int, int, model::Uid, std::string> sort_key(const Action& a) {
    auto side_rank = [](Side s) { return static_cast<int>(s); };
    return std::visit(
        [&](const auto& x) -> std::tuple<int, int, model::Uid, std::string> {
            using T = std::decay_t<decltype(x)>;
            const int group = order_group(Action(x));
            if constexpr (std::is_same_v<T, ResetUids>) {
                return {group, 0, 0, {}};
            } else if constexpr (std::is_same_v<T, SetFlags> || std::is_same_v<T, Expunge> || std::is_same_v<T, Skip>) {
                return {group, side_rank(x.side), x.uid, x.key};
            } else if constexpr (std::is_same_v<T, Download>) {
                return {group, side_rank(Side::remote), x.uid, {}};
            } else if constexpr (std::is_same_v<T, Upload>) {
                return {group, side_rank(Side::local), 0, x.key};
            } else if constexpr (std::is_same_v<T, Refuse>) {
                return {group, side_rank(x.gone), 0, {}};
            } else {
                return {group, 0, x.uid, x.key};
            }
        },
        a);
}

class FolderPlanner {
public:
    FolderPlanner(const model::RemoteView& remote, const model::LocalView& local, const Policy& policy,
                  std::int64_t now)
        : m_remote(remote),
          m_local(local),
          m_policy(policy),
          m_now(now),
          m_storable(remote.storable.value_or(model::StorableFlags::all())) {}

    Plan run(detail::Gathered& g) {
        m_paired = g.paired_at_last_sync;
        m_plan.warnings = g.warnings;
        compute_newest_floor(g);
        for (const auto& e : g.entries) plan_entry(e);
        for (Side gone : util::k_both_sides) apply_safety_rail(gone);
        std::stable_sort(m_plan.actions.begin(), m_plan.actions.end(),
                         [](const Action& a, const Action& b) { return sort_key(a) < sort_key(b); });
        m_plan.counters = count_actions(m_plan.actions);
        return std::move(m_plan);
    }

private:
    void emit(Action a) { m_plan.actions.push_back(std::move(a)); }

    // max_messages keeps the newest N remote messages (by uid, the server's arrival order) locally.
    void compute_newest_floor(const detail::Gathered& g) {
        if (m_policy.max_messages <= 0) return;
        std::vector<model::Uid> uids;
        for (const auto& e : g.entries)
            if (e.uid != 0 && e.now[Side::remote].present) uids.push_back(e.uid);
        const auto n = static_cast<std::size_t>(m_policy.max_messages);
        if (uids.size() <= n) return;
        std::nth_element(uids.begin(), uids.begin() + static_cast<std::ptrdiff_t>(n - 1), uids.end(), std::greater<>());
        m_newest_floor = uids[n - 1];
    }

    // The flags each side had at the last sync: the state row's, or, for a pair just found by identity
    // (or after a UIDVALIDITY change), the flags both copies share, so that every flag set on only one
    // side is a change there and set wins.
    SideFlags base_of(const Entry& e) const {
        if (e.row && e.base_known) return {{e.row->remote_flags, e.row->local_flags}};
        const auto& r = e.now[Side::remote];
        const auto& l = e.now[Side::local];
        if (r.present && l.present) {
            const auto common = model::intersection(r.flags, l.flags);
            return {{common, common}};
        }
        const auto& f = r.present ? r.flags : l.flags;
        return {{f, f}};
    }

    void plan_entry(const Entry& e) {
        // Case: detached — one copy was deleted and that deletion was not propagated; the survivor is
        // left alone until it goes too.
        if (e.detached()) {
            const Side keep = e.has_id(Side::remote) ? Side::remote : Side::local;
            if (!e.now[keep].present) emit(Forget{e.uid, e.key});
            return;
        }
        if (e.has_id(Side::remote) && e.has_id(Side::local)) {
            const bool r = e.now[Side::remote].present;
            const bool l = e.now[Side::local].present;
            // Case: matched by identity (lost state, UIDVALIDITY change, copy of unknown outcome).
            if (e.matched) {
                SideFlags base = base_of(e);
                // One copy gone: the deletion is decided against the row's flags (survivor_base). The
                // Pair is committed on its own, so it keeps them: a rerun after a kill must see the
                // survivor's change as this run does, or it would expunge a message it restores now.
                if (e.row && r != l) base = {{e.row->remote_flags, e.row->local_flags}};
                emit(Pair{e.uid, e.key, base[Side::remote], base[Side::local], size_of(e), e.identity()});
            }
            if (r && l)
                plan_flags(e);
            else if (r || l)
                plan_deletion(e, r ? Side::local : Side::remote);
            else
                emit(Forget{e.uid, e.key});  // Case: gone from both sides.
            return;
        }
        const Side from = e.has_id(Side::remote) ? Side::remote : Side::local;
        if (e.now[from].present) plan_new(e, from);
        // Case: a copy of unknown outcome whose source is gone and whose copy was not found.
        else if (e.row)
            emit(Forget{e.uid, e.key});
    }

    static std::uint64_t size_of(const Entry& e) {
        for (Side s : util::k_both_sides)
            if (e.now[s].present) return e.now[s].size;
        return e.row ? e.row->size : 0;
    }

    // Case: on both sides — per-flag three-way merge (policy.hpp), then record the new base. The
    // merge sees the local flags as the user meant them (keyword letters a reader dropped are kept);
    // the SetFlags are computed against the files as they are, so such letters are written back.
    void plan_flags(const Entry& e) {
        const SideFlags now{{e.now[Side::remote].flags, e.now[Side::local].flags}};
        const SideFlags base = base_of(e);
        SideFlags meant = now;
        meant[Side::local] = local_flags_meant(now[Side::local], base[Side::local], m_policy);
        meant[Side::remote] = remote_flags_meant(now[Side::remote], base[Side::remote], m_storable);
        SideFlags target = merge_flags(meant, base, m_policy);
        if (!m_policy.may_change(Side::local)) target[Side::local] = now[Side::local];
        // Case: marked deleted (T, \Deleted) on a side: a deletion the user asked for (policy.hpp).
        switch (marked_deleted_outcome(meant, base, m_policy)) {
            case MarkedDeleted::none:
                break;
            case MarkedDeleted::expunge: {
                const bool server_only =
                    meant[Side::remote].has(model::Flag::deleted) && !meant[Side::local].has(model::Flag::deleted);
                for (Side s : util::k_both_sides) emit(Expunge{s, e.uid, e.key, s == Side::remote && server_only});
                return;
            }
            case MarkedDeleted::unmark:
                for (Side s : util::k_both_sides) target[s].set(model::Flag::deleted, false);
                break;
        }
        // What the server cannot keep is never asked of it (server_flags.hpp).
        target[Side::remote] = remote_target_held(target[Side::remote], now[Side::remote], m_storable);
        for (Side s : util::k_both_sides) {
            if (now[s] == target[s]) continue;
            auto [add, remove] = model::diff(now[s], target[s]);
            emit(SetFlags{s, e.uid, e.key, std::move(add), std::move(remove)});
        }
        const SideFlags recorded = e.matched || !e.row ? base : SideFlags{{e.row->remote_flags, e.row->local_flags}};
        if (!(recorded[Side::remote] == target[Side::remote] && recorded[Side::local] == target[Side::local]))
            emit(Record{e.uid, e.key, target[Side::remote], target[Side::local]});
    }

    // Case: deleted on `gone`, still on the other side. Collected first: the safety rail looks at all
    // deletions seen on a side before any is propagated.
    void plan_deletion(const Entry& e, Side gone) {
        const Side keep = util::other(gone);
        Deletion what = Deletion::expunge;
        if (!m_policy.may_expunge(keep)) {
            what = Deletion::detach;  // expunge/direction say: do not propagate; the survivor stays
        } else if (marks_are_deletions(m_policy) && e.now[keep].flags.has(model::Flag::deleted)) {
            what = Deletion::expunge;  // the survivor is marked deleted too: both sides agree
        } else if (!same_synced_flags(survivor_now(e, keep), survivor_base(e, keep), m_policy)) {
            // Changed on the surviving side since the last sync: on_conflict.
            if (m_policy.on_conflict == OnConflict::del)
                what = Deletion::expunge;
            else
                what = m_policy.may_change(gone) ? Deletion::restore : Deletion::detach;
        }
        m_deletions[gone].push_back({&e, what});
    }

    // The survivor's flags now, less a \Deleted it gained since the last sync: that change agrees with
    // the deletion (another client marked it for expunge, or our own expunge was interrupted between
    // STORE +FLAGS \Deleted and UID EXPUNGE), so it must not count as a conflicting change and
    // resurrect the message on the side where it was deleted.
    model::FlagSet survivor_now(const Entry& e, Side keep) const {
        model::FlagSet flags = e.now[keep].flags;
        if (keep == Side::local)
            flags = local_flags_meant(flags, survivor_base(e, keep), m_policy);
        else
            flags = remote_flags_meant(flags, survivor_base(e, keep), m_storable);
        if (!survivor_base(e, keep).has(model::Flag::deleted)) flags.set(model::Flag::deleted, false);
        return flags;
    }

    // What the survivor had at the last sync. After a UIDVALIDITY change the row's flags are no base
    // for merging, but they still tell whether the survivor changed; erring towards "changed" keeps mail.
    model::FlagSet survivor_base(const Entry& e, Side keep) const {
        if (e.row) return keep == Side::remote ? e.row->remote_flags : e.row->local_flags;
        return base_of(e)[keep];
    }

    // Case: new on `from` — copy to the other side, unless direction or a filter keeps it.
    void plan_new(const Entry& e, Side from) {
        const Side to = util::other(from);
        if (!m_policy.may_change(to)) return;  // direction: not a filter, nothing to report
        const auto& c = e.now[from];
        if (m_policy.max_size != 0 && c.size > m_policy.max_size) {
            emit(Skip{from, e.uid, e.key, k_skip_larger_than_max_size});
        } else if (m_policy.max_age_days > 0 && c.date > 0 &&
                   c.date < m_now - std::int64_t{m_policy.max_age_days} * k_seconds_per_day) {
            emit(Skip{from, e.uid, e.key, "older than max_age_days"});
        } else if (to == Side::local && e.uid < m_newest_floor) {
            emit(Skip{from, e.uid, e.key, "not among the newest max_messages"});
        } else if (c.flags.has(model::Flag::deleted) && new_marked_deleted_is_expunged(from, m_policy)) {
            // Marked deleted before it was ever synced (policy.hpp).
            emit(Expunge{from, e.uid, e.key, from == Side::remote});
        } else {
            emit_copy(e, from, false);
        }
    }

    // The one place where the two sides' actions have different shapes.
    void emit_copy(const Entry& e, Side from, bool restore) {
        const auto& c = e.now[from];
        const auto flags = flags_to_copy(c.flags, m_policy);
        if (from == Side::remote)
            emit(Download{e.uid, flags, c.flags, c.date, c.size, c.identity, restore});
        else
            emit(Upload{e.key, m_storable.kept(flags), c.flags, c.date, c.size, c.identity, restore});
    }

    // A side "appears empty" when its full view has no message although the last sync paired some.
    bool appears_empty(Side s) const {
        if (m_paired == 0) return false;
        if (s == Side::local)
            return !m_local.root_present || (m_local.kind == model::LocalViewKind::full && m_local.messages.empty());
        return m_remote.kind == model::RemoteViewKind::full && m_remote.messages.empty();
    }

    // Safety rail: deletions seen on `gone` are held back when that side appears empty (always when the
    // Maildir root is missing, even with --force), or when propagating them would expunge more than
    // max_delete_percent of the pairs on the other side (unless --force).
    void apply_safety_rail(Side gone) {
        const auto& list = m_deletions[gone];
        if (list.empty()) return;
        const Side keep = util::other(gone);
        // The expunges the rail may withhold; kept in the Refuse, where the move finder can still
        // recognise one as half of a move (sync/moves.hpp).
        const bool root_missing = gone == Side::local && !m_local.root_present;
        if (root_missing || (!m_policy.force && appears_empty(gone))) {
            // Nothing at all is done about these deletions, so each may be half of a move (a whole
            // folder archived). With the root missing nothing there can be, so nothing is kept.
            std::vector<Expunge> held;
            if (!root_missing)
                for (const auto& d : list) held.push_back(Expunge{keep, d.entry->uid, d.entry->key});
            emit(Refuse{gone, list.size(), m_paired,
                        root_missing ? "the Maildir root is missing" : "the folder appears empty on that side",
                        root_missing ? RefuseCause::root_missing : RefuseCause::appears_empty, std::move(held)});
            m_plan.hold_checkpoint[gone] = true;
            return;
        }
        std::vector<Expunge> expunges;
        for (const auto& d : list)
            if (d.what == Deletion::expunge) expunges.push_back(Expunge{keep, d.entry->uid, d.entry->key});
        const bool too_many = exceeds_delete_limit(expunges.size(), m_paired, m_policy);
        if (too_many) {
            emit(Refuse{gone, expunges.size(), m_paired, k_over_limit_reason, RefuseCause::over_limit,
                        std::move(expunges), m_policy.max_delete_percent});
            m_plan.hold_checkpoint[gone] = true;
        }
        for (const auto& d : list) {
            const Entry& e = *d.entry;
            switch (d.what) {
                case Deletion::expunge:
                    if (!too_many) emit(Expunge{keep, e.uid, e.key});
                    break;
                case Deletion::restore:
                    emit_copy(e, keep, true);
                    break;
                case Deletion::detach:
                    emit(Detach{gone, e.uid, e.key});
                    break;
            }
        }
    }

    const model::RemoteView& m_remote;
    const model::LocalView& m_local;
    const Policy& m_policy;
    std::int64_t m_now;
    model::StorableFlags m_storable;  // what the server keeps (server_flags.hpp)
    std::size_t m_paired = 0;
    model::Uid m_newest_floor = 0;
    util::PerSide<std::vector<PendingDeletion>> m_deletions;
    Plan m_plan;
};

}  // namespace

IdentityRequest needs_identities(const model::RemoteView& remote, const model::LocalView& local,
                                 const model::FolderState& last) {
    IdentityRequest out;
    const auto g = detail::gather(remote, local, last);
    if (g.unusable_incremental || !detail::matching_needed(g)) return out;
    for (const auto& e : g.entries) {
        for (Side known : util::k_both_sides) {
            if (!e.wants_partner(util::other(known))) continue;
            if (!e.now[known].present || e.now[known].identity || (e.row && e.row->identity)) continue;
            if (known == Side::remote)
                out.remote.push_back(e.uid);
            else
                out.local.push_back(e.key);
        }
    }
    std::sort(out.remote.begin(), out.remote.end());
    std::sort(out.local.begin(), out.local.end());
    return out;
}

Plan plan_folder(const model::RemoteView& remote, const model::LocalView& local, const model::FolderState& last,
                 const Policy& policy, std::int64_t now) {
    auto g = detail::gather(remote, local, last);
    if (g.unusable_incremental) {
        // The driver must rescan fully: planning from a partial view without its base could lose mail.
        Plan plan;
        plan.actions.push_back(Refuse{Side::remote,
                                      0,
                                      last.pairs.size(),
                                      "incremental remote view without a matching state; a full view is needed",
                                      RefuseCause::no_base,
                                      {}});
        plan.hold_checkpoint = {{true, true}};
        plan.counters = count_actions(plan.actions);
        return plan;
    }
    detail::match_by_identity(g);
    FolderPlanner planner(remote, local, policy, now);
    Plan plan = planner.run(g);
    if (g.uidvalidity_reset) {
        plan.actions.insert(plan.actions.begin(), ResetUids{last.uidvalidity, remote.uidvalidity});
        plan.warnings.push_back("UIDVALIDITY changed from " + std::to_string(last.uidvalidity) + " to " +
                                std::to_string(remote.uidvalidity) + ": messages re-matched by identity");
        plan.counters = count_actions(plan.actions);
    }
    return plan;
}

}  // namespace mailtwin::sync
