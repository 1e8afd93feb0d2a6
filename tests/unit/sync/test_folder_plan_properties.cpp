// Property tests of the folder plan (folder_plan.hpp) over random small worlds: a few folder names,
// random listings, state, ids, evidence, direction and deletion settings. Whatever the input, the
// plan accounts for every folder once, changes only what the direction allows, removes only what
// may be removed, and depends on nothing but the input (not its order).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "folder_plan_support.hpp"

namespace mailtwin::sync::test {
namespace {

using util::Side;

// MAILTWIN_SEEDS=<n> runs n cases instead of the CI default.
int case_count() {
    if (const char* env = std::getenv("MAILTWIN_SEEDS")) return std::max(1, std::atoi(env));
    return 3000;
}

const std::vector<std::string> k_names{"A", "A/x", "B", "B/x", "C", "D"};

class Gen {
public:
    explicit Gen(std::uint64_t seed) : m_rng(seed) {}
    int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(m_rng); }
    bool chance(int one_in) { return below(one_in) == 0; }

    FolderPlanInput input() {
        FolderPlanInput in;
        std::map<std::string, std::string> ids;  // name -> MAILBOXID, shared by a folder and its rename
        for (const auto& name : k_names) ids[name] = chance(2) ? "" : std::to_string(below(4));
        for (const auto& name : k_names)
            if (chance(2)) in.known.push_back({name, ids[name], static_cast<std::uint64_t>(below(4) * 10)});
        for (Side s : util::k_both_sides)
            for (const auto& name : k_names) {
                if (chance(2)) continue;
                ListedFolder f{name, !(s == Side::remote && chance(8)), ""};
                if (s == Side::remote) f.id = ids[k_names[static_cast<std::size_t>(below(6))]];
                in.listed[s].push_back(f);
            }
        for (Side s : util::k_both_sides) {
            for (int i = below(3); i > 0; --i) in.evidence.same_content[s].emplace_back(pick(), pick());
            for (int i = below(3); i > 0; --i) in.evidence.unsynced[s].insert(pick());
            in.children_follow_parent[s] = chance(2);
        }
        if (chance(3)) rename_parent(in, chance(2) ? Side::remote : Side::local);
        in.direction = static_cast<Direction>(below(3));
        in.deletes = chance(2) ? FolderDeletes::recreate : FolderDeletes::propagate;
        in.max_delete_percent = std::vector<int>{0, 50, 100}[static_cast<std::size_t>(below(3))];
        in.force = chance(4);
        if (chance(3)) in.selected = [](const std::string& n) { return n != "D" && n != "B/x"; };
        return in;
    }

    template <typename T>
    void shuffle(std::vector<T>& v) {
        std::shuffle(v.begin(), v.end(), m_rng);
    }

private:
    // A on `s` renamed to B with its child, as a user would: B unknown to the state, A known (mostly)
    // and still on the other side (mostly); on `s` the old names go and the new ones come with the
    // known ids (the server's) or with evidence, or not at all (deleted after the rename).
    void rename_parent(FolderPlanInput& in, Side s) {
        auto& listed = in.listed[s];
        for (const std::string rest : {"", "/x"}) {
            in.known.erase(std::remove_if(in.known.begin(), in.known.end(),
                                          [&](const KnownFolder& k) { return k.name == "B" + rest; }),
                           in.known.end());
            if (chance(5)) continue;  // this name as the random listing made it
            if (std::none_of(in.known.begin(), in.known.end(),
                             [&](const KnownFolder& k) { return k.name == "A" + rest; }))
                in.known.push_back({"A" + rest, chance(2) ? "" : "k" + rest, 10});
            const auto known = std::find_if(in.known.begin(), in.known.end(),
                                            [&](const KnownFolder& k) { return k.name == "A" + rest; });
            listed.erase(
                std::remove_if(listed.begin(), listed.end(),
                               [&](const ListedFolder& f) { return f.name == "A" + rest || f.name == "B" + rest; }),
                listed.end());
            auto& there = in.listed[util::other(s)];
            there.erase(
                std::remove_if(there.begin(), there.end(), [&](const ListedFolder& f) { return f.name == "B" + rest; }),
                there.end());
            if (!chance(5) &&
                std::none_of(there.begin(), there.end(), [&](const ListedFolder& f) { return f.name == "A" + rest; }))
                there.push_back({"A" + rest, true, ""});
            if (chance(6)) continue;  // deleted on `s` after the rename
            ListedFolder f{"B" + rest, true, ""};
            if (known != in.known.end() && s == Side::remote) f.id = known->id;
            if (chance(2)) in.evidence.same_content[s].emplace_back("A" + rest, "B" + rest);
            listed.push_back(f);
        }
    }

    std::string pick() { return k_names[static_cast<std::size_t>(below(static_cast<int>(k_names.size())))]; }
    std::mt19937_64 m_rng;
};

bool may_change(Direction d, Side s) {
    Policy p;
    p.direction = d;
    return p.may_change(s);
}

bool selected(const FolderPlanInput& in, const std::string& name) { return !in.selected || in.selected(name); }

bool is_known(const FolderPlanInput& in, const std::string& name) {
    return std::any_of(in.known.begin(), in.known.end(), [&](const KnownFolder& k) { return k.name == name; });
}

std::string describe(const FolderPlanInput& in) {
    std::string out;
    for (Side s : util::k_both_sides) {
        out.append(util::side_name(s)).append(":");
        for (const auto& f : in.listed[s]) out.append(" ").append(f.name).append(f.selectable ? "" : "!");
        out.append(" |");
    }
    out.append(" known:");
    for (const auto& k : in.known) out.append(" ").append(k.name).append("#").append(k.id);
    return out;
}

// Every selected known folder ends as a job, skipped, forgotten (recreated or removed) or re-keyed.
void check_accounted(const FolderPlanInput& in, const FolderPlan& plan) {
    std::set<std::string> accounted;
    for (const auto& j : plan.jobs) accounted.insert(j.name);
    for (const auto& s : plan.skipped) accounted.insert(s.name);
    accounted.insert(plan.forget.begin(), plan.forget.end());
    for (const auto& [from, to] : plan.rekey) accounted.insert(from);
    for (const auto& k : in.known)
        if (selected(in, k.name)) {
            EXPECT_EQ(accounted.count(k.name), 1U) << "known " << k.name << " unaccounted";
        }
}

void check_invariants(const FolderPlanInput& in, const FolderPlan& plan) {
    std::set<std::string> jobs;
    for (const auto& j : plan.jobs) EXPECT_TRUE(jobs.insert(j.name).second) << "two jobs " << j.name;
    for (const auto& s : plan.skipped) EXPECT_EQ(jobs.count(s.name), 0U) << s.name << " both a job and skipped";
    check_accounted(in, plan);
    util::PerSide<std::set<std::string>> rename_targets;
    for (const auto& a : plan.actions) {
        EXPECT_TRUE(may_change(in.direction, a.side)) << "an action on a side the direction forbids: " << a.name;
        if (a.kind == FolderActionKind::rename) {
            EXPECT_TRUE(rename_targets[a.side].insert(a.new_name).second) << "two renames to " << a.new_name;
        }
        if (a.kind == FolderActionKind::remove) {
            EXPECT_EQ(in.deletes, FolderDeletes::propagate) << "a removal without propagate";
            // (A folder renamed on the side that keeps it is removed under its new name; the evidence
            // names it by its known one.)
            if (is_known(in, a.name)) {
                EXPECT_EQ(in.evidence.unsynced[a.side].count(a.name), 0U) << "an unsynced folder removed: " << a.name;
            }
        }
        if (a.kind == FolderActionKind::create) {
            for (const auto& f : in.listed[a.side]) EXPECT_NE(f.name, a.name) << "created where it is listed";
        }
    }
    for (const auto& a : plan.actions) {
        if (a.carried) {
            EXPECT_TRUE(in.children_follow_parent[a.side]) << "carried where children stay: " << a.name;
        }
    }
    for (const auto& j : plan.jobs)
        for (Side s : util::k_both_sides) {
            const bool action = std::any_of(plan.actions.begin(), plan.actions.end(), [&](const FolderAction& a) {
                return a.kind == FolderActionKind::create && a.side == s && a.name == j.name;
            });
            EXPECT_EQ(j.created[s], action) << "job " << j.name << " and its create disagree";
        }
    std::set<std::string> rekey_targets;
    for (const auto& [from, to] : plan.rekey) EXPECT_TRUE(rekey_targets.insert(to).second) << "two re-keys to " << to;
    for (const auto& j : plan.jobs)
        if (j.known) {
            const bool kept = std::count(plan.forget.begin(), plan.forget.end(), j.name) == 0;
            EXPECT_TRUE(rekey_targets.count(j.name) != 0 || (is_known(in, j.name) && kept))
                << "job " << j.name << " known";
        }
}

TEST(FolderPlanProperties, InvariantsHold) {
    for (int i = 0; i < case_count(); ++i) {
        Gen gen(static_cast<std::uint64_t>(i));
        const auto in = gen.input();
        SCOPED_TRACE(describe(in));
        check_invariants(in, plan_folders(in));
        if (HasFailure()) FAIL() << "case " << i;
    }
}

TEST(FolderPlanProperties, DeterministicAndIndependentOfListingOrder) {
    for (int i = 0; i < case_count(); ++i) {
        Gen gen(static_cast<std::uint64_t>(i) + 1000000);
        const auto in = gen.input();
        const auto expected = plan_lines(plan_folders(in));
        ASSERT_EQ(plan_lines(plan_folders(in)), expected) << "case " << i;
        auto shuffled = in;
        for (Side s : util::k_both_sides) {
            gen.shuffle(shuffled.listed[s]);
            gen.shuffle(shuffled.evidence.same_content[s]);
        }
        gen.shuffle(shuffled.known);
        ASSERT_EQ(plan_lines(plan_folders(shuffled)), expected) << "case " << i << ": " << describe(in);
        ASSERT_EQ(wanted_lines(evidence_wanted(shuffled)), wanted_lines(evidence_wanted(in))) << "case " << i;
    }
}

// pull and push are each other's mirror, and with them the plan has no favourite side at all (with
// direction both, a folder renamed on both sides to different names takes the server's name).
TEST(FolderPlanProperties, SwappingTheSidesOfAOneWayRunMirrorsThePlan) {
    for (int i = 0; i < case_count(); ++i) {
        Gen gen(static_cast<std::uint64_t>(i) + 2000000);
        auto in = gen.input();
        in.direction = i % 2 == 0 ? Direction::pull : Direction::push;
        ASSERT_EQ(sorted(plan_lines(plan_folders(mirrored(in)))), mirrored_sorted(plan_lines(plan_folders(in))))
            << "case " << i << ": " << describe(in);
    }
}

}  // namespace
}  // namespace mailtwin::sync::test
