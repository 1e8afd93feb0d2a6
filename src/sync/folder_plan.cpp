#include "mailtwin/sync/folder_plan.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "folder_index.hpp"

namespace mailtwin::sync {

using detail::FolderIndex;
using util::other;
using util::Side;

namespace {

// A known folder gone from `gone` whose copy on the other side is `survivor` (its name there, which
// differs when that side renamed it): rule 2.
struct Deletion {
    const KnownFolder* known = nullptr;
    Side gone = Side::remote;
    std::string survivor;
};

enum class DeletionOutcome { remove, recreate, refuse_direction };

std::string quoted(const std::string& name) {
    std::string out = "'";
    out.append(name).append("'");
    return out;
}

std::string side_text(Side s) { return s == Side::remote ? std::string("the server") : std::string("the Maildir"); }

// Actions on each side: renames, then creates, then removals, each parents first (a parent's name
// sorts before its children's). Renames first: a rename may bring a folder's new parent along.
int kind_rank(FolderActionKind k) {
    switch (k) {
        case FolderActionKind::rename:
            return 0;
        case FolderActionKind::create:
            return 1;
        case FolderActionKind::remove:
            return 2;
    }
    return 3;
}

bool is_child_of(const std::string& name, const std::string& parent, char delimiter) {
    return name.size() > parent.size() + 1 && name.compare(0, parent.size(), parent) == 0 &&
           name[parent.size()] == delimiter;
}

// A rename done by another rename on the same side: both names are that rename's, plus one suffix.
bool carried_by(const FolderAction& child, const FolderAction& parent, char delimiter) {
    if (&child == &parent || parent.kind != FolderActionKind::rename || parent.side != child.side) return false;
    if (!is_child_of(child.name, parent.name, delimiter) || !is_child_of(child.new_name, parent.new_name, delimiter))
        return false;
    return child.name.compare(parent.name.size(), std::string::npos, child.new_name, parent.new_name.size(),
                              std::string::npos) == 0;
}

class AccountFolderPlanner {
public:
    explicit AccountFolderPlanner(const FolderPlanInput& input) : m_index(input), m_input(input) {
        m_policy.direction = input.direction;
        m_policy.max_delete_percent = input.max_delete_percent;
        m_policy.force = input.force;
    }

    FolderPlan run() {
        m_renames = detail::find_renames(m_index);
        for (const auto& [name, known] : m_index.known_folders())
            if (m_index.selected(name)) plan_known(known);
        decide_deletions();
        for (Side s : util::k_both_sides)
            for (const auto& [name, folder] : m_index.listing(s)) plan_listed(s, folder);
        return finish();
    }

private:
    bool may_change(Side s) const { return m_policy.may_change(s); }

    bool selectable_everywhere(const std::string& name) const {
        for (Side s : util::k_both_sides) {
            const auto* f = m_index.listed(s, name);
            if (f != nullptr && !f->selectable) return false;
        }
        return true;
    }

    void skip(const std::string& name, FolderSkip why, std::string detail) {
        m_skipped.try_emplace(name, SkippedFolder{name, why, std::move(detail)});
    }

    void job(const std::string& name, bool known) { m_jobs.try_emplace(name, FolderJobPlan{name, known}); }

    void rename_action(Side s, const std::string& from, const std::string& to) {
        m_plan.actions.push_back(FolderAction{FolderActionKind::rename, s, from, to, false});
    }

    // The state's folder keeps its rows under its new name; its job copies nothing.
    void renamed(const std::string& from, const std::string& to) {
        m_plan.rekey.emplace_back(from, to);
        m_plan.renamed.emplace_back(from, to);
        job(to, true);
    }

    void plan_known(const KnownFolder& k) {
        if (!selectable_everywhere(k.name)) {
            skip(k.name, FolderSkip::not_selectable, "not selectable (a hierarchy node): nothing to sync");
            return;
        }
        const bool on_remote = m_index.listed(Side::remote, k.name) != nullptr;
        const bool on_local = m_index.listed(Side::local, k.name) != nullptr;
        if (on_remote && on_local) {
            job(k.name, true);
            return;
        }
        util::PerSide<const std::string*> to{{nullptr, nullptr}};
        for (Side s : util::k_both_sides) {
            const auto it = m_renames[s].find(k.name);
            if (it != m_renames[s].end()) to[s] = &it->second;
        }
        if (to[Side::remote] == nullptr && to[Side::local] == nullptr) {
            if (on_remote || on_local)
                m_deletions.push_back({&k, on_remote ? Side::local : Side::remote, k.name});
            else
                m_plan.forget.push_back(k.name);
            return;
        }
        if (rename_conflicts(k, to)) return;
        if (to[Side::remote] != nullptr && to[Side::local] != nullptr) {
            renamed_on_both(k, to);
            return;
        }
        const Side s = to[Side::remote] != nullptr ? Side::remote : Side::local;
        const std::string& new_name = *to[s];
        if (m_index.listed(other(s), k.name) == nullptr) {
            // Renamed on one side, gone from the other: a deletion there, of the renamed folder.
            m_consumed[s].insert(new_name);
            m_deletions.push_back({&k, other(s), new_name});
        } else if (may_change(other(s))) {
            m_consumed[s].insert(new_name);
            rename_action(other(s), k.name, new_name);
            renamed(k.name, new_name);
        } else {
            // Not mirrored (direction): the old name counts as deleted, the new one as new.
            m_deletions.push_back({&k, s, k.name});
        }
    }

    // Rule 1's conflict: a new name the other side already has for another folder.
    bool rename_conflicts(const KnownFolder& k, const util::PerSide<const std::string*>& to) {
        bool conflict = false;
        for (Side s : util::k_both_sides) {
            const std::string* n = to[s];
            if (n == nullptr || m_index.listed(other(s), *n) == nullptr) continue;
            if (to[other(s)] != nullptr && *to[other(s)] == *n) continue;
            conflict = true;
        }
        if (!conflict) return false;
        for (Side s : util::k_both_sides) {
            if (to[s] == nullptr) continue;
            std::string detail = "renamed to ";
            detail.append(quoted(*to[s])).append(" on ").append(side_text(s)).append(", a name ");
            detail.append(side_text(other(s))).append(" has for another folder: rename one of them");
            skip(k.name, FolderSkip::rename_conflict, detail);
            skip(*to[s], FolderSkip::rename_conflict, std::move(detail));
            for (Side t : util::k_both_sides) m_consumed[t].insert(*to[s]);
        }
        return true;
    }

    // Renamed on both sides: to one name, only the state moves; to two, the server's name wins, or the
    // local one when this run may not change the local side (direction push).
    void renamed_on_both(const KnownFolder& k, const util::PerSide<const std::string*>& to) {
        for (Side s : util::k_both_sides) m_consumed[s].insert(*to[s]);
        const Side winner = may_change(Side::local) ? Side::remote : Side::local;
        const Side loser = other(winner);
        if (*to[winner] != *to[loser]) rename_action(loser, *to[loser], *to[winner]);
        renamed(k.name, *to[winner]);
    }

    DeletionOutcome outcome_of(const Deletion& d) const {
        const Side keep = other(d.gone);
        const bool unsynced = m_input.evidence.unsynced[keep].count(d.known->name) != 0;
        if (m_input.deletes == FolderDeletes::propagate && may_change(keep) && !unsynced)
            return DeletionOutcome::remove;
        return may_change(d.gone) ? DeletionOutcome::recreate : DeletionOutcome::refuse_direction;
    }

    // Rule 2, with its rail over every removal this run would make.
    void decide_deletions() {
        std::uint64_t all_messages = 0;
        std::uint64_t removed_messages = 0;
        for (const auto& [name, k] : m_index.known_folders()) all_messages += k.messages;
        for (const auto& d : m_deletions)
            if (outcome_of(d) == DeletionOutcome::remove) removed_messages += d.known->messages;
        const bool refused = exceeds_delete_limit(removed_messages, all_messages, m_policy);
        for (const auto& d : m_deletions) {
            const auto outcome = outcome_of(d);
            if (outcome == DeletionOutcome::refuse_direction) {
                std::string detail = "deleted on ";
                detail.append(side_text(d.gone)).append("; the direction does not let this run create it again");
                skip(d.known->name, FolderSkip::direction, std::move(detail));
            } else if (refused) {
                std::string detail = "deleted on ";
                detail.append(side_text(d.gone)).append("; the folders deleted this run hold ");
                detail.append(std::to_string(removed_messages)).append(" of ").append(std::to_string(all_messages));
                detail.append(" known messages, more than max_delete_percent: run with --force to delete them");
                skip(d.known->name, FolderSkip::deletion_refused, std::move(detail));
            } else if (outcome == DeletionOutcome::remove) {
                m_plan.actions.push_back(FolderAction{FolderActionKind::remove, other(d.gone), d.survivor, {}, false});
                m_plan.forget.push_back(d.known->name);
                m_plan.deleted.push_back(d.survivor);
            } else {
                recreate(d);
            }
        }
    }

    void recreate(const Deletion& d) {
        const Side keep = other(d.gone);
        m_plan.actions.push_back(FolderAction{FolderActionKind::create, d.gone, d.survivor, {}, false});
        m_plan.forget.push_back(d.known->name);
        FolderJobPlan j{d.survivor, false};
        j.created[d.gone] = true;
        const bool would_propagate = m_input.deletes == FolderDeletes::propagate && may_change(keep);
        j.recreated = would_propagate ? Recreated::changed_since_last_sync : Recreated::deleted;
        j.recreated_on = d.gone;
        m_jobs.try_emplace(d.survivor, j);
    }

    // Rule 3, and rule 4's hierarchy nodes.
    void plan_listed(Side s, const ListedFolder& f) {
        if (m_index.known(f.name) != nullptr || m_consumed[s].count(f.name) != 0) return;
        if (!m_index.selected(f.name) || m_jobs.count(f.name) != 0 || m_skipped.count(f.name) != 0) return;
        if (!selectable_everywhere(f.name)) {
            skip(f.name, FolderSkip::not_selectable, "not selectable (a hierarchy node): nothing to sync");
            return;
        }
        const Side o = other(s);
        if (m_index.listed(o, f.name) != nullptr && m_consumed[o].count(f.name) == 0) {
            job(f.name, false);
        } else if (may_change(o)) {
            m_plan.actions.push_back(FolderAction{FolderActionKind::create, o, f.name, {}, false});
            FolderJobPlan j{f.name, false};
            j.created[o] = true;
            m_jobs.try_emplace(f.name, j);
        } else {
            std::string detail = "new on ";
            detail.append(side_text(s)).append("; the direction does not let this run create it on ");
            skip(f.name, FolderSkip::direction, detail.append(side_text(o)));
        }
    }

    FolderPlan finish() {
        auto& actions = m_plan.actions;
        for (auto& a : actions) {
            if (a.kind != FolderActionKind::rename || !m_input.children_follow_parent[a.side]) continue;
            a.carried = std::any_of(actions.begin(), actions.end(),
                                    [&](const FolderAction& p) { return carried_by(a, p, m_input.delimiter); });
        }
        std::sort(actions.begin(), actions.end(), [](const FolderAction& a, const FolderAction& b) {
            return std::make_tuple(a.side, kind_rank(a.kind), a.name) <
                   std::make_tuple(b.side, kind_rank(b.kind), b.name);
        });
        std::sort(m_plan.rekey.begin(), m_plan.rekey.end());
        std::sort(m_plan.renamed.begin(), m_plan.renamed.end());
        std::sort(m_plan.forget.begin(), m_plan.forget.end());
        std::sort(m_plan.deleted.begin(), m_plan.deleted.end());
        for (auto& [name, j] : m_jobs) m_plan.jobs.push_back(std::move(j));
        for (auto& [name, s] : m_skipped) m_plan.skipped.push_back(std::move(s));
        return std::move(m_plan);
    }

    FolderIndex m_index;
    const FolderPlanInput& m_input;
    Policy m_policy;
    detail::SideRenames m_renames;
    util::PerSide<std::set<std::string>> m_consumed;  // new names a rename (or its conflict) accounts for
    std::vector<Deletion> m_deletions;
    std::map<std::string, FolderJobPlan> m_jobs;
    std::map<std::string, SkippedFolder> m_skipped;
    FolderPlan m_plan;
};

}  // namespace

FolderPlan plan_folders(const FolderPlanInput& input) { return AccountFolderPlanner(input).run(); }

std::vector<EvidenceWanted> evidence_wanted(const FolderPlanInput& input) {
    const FolderIndex index(input);
    std::vector<EvidenceWanted> out;
    for (Side s : util::k_both_sides) {
        const auto fresh = index.new_on(s);
        for (const auto* k : index.gone_from(s)) {
            EvidenceWanted w{s, k->name, {}};
            const bool decided = !k->id.empty() && std::any_of(fresh.begin(), fresh.end(),
                                                               [&](const ListedFolder* n) { return n->id == k->id; });
            for (const auto* n : fresh)
                if (!decided && (k->id.empty() || n->id.empty())) w.candidates.push_back(n->name);
            out.push_back(std::move(w));
        }
    }
    return out;
}

}  // namespace mailtwin::sync
