// The folder plan's rules (folder_plan.hpp), one table per rule. Every case is written once and also
// run with the sides swapped (folder_plan_support.hpp: listings, evidence, children_follow_parent,
// pull <-> push), which must give the mirrored plan. The one rule with a favourite side (renamed on
// both sides to different names: the server's name wins) is tested both ways in RenamedOnBothSides.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "folder_plan_support.hpp"

namespace mailtwin::sync::test {
namespace {

using util::Side;
using Lines = std::vector<std::string>;
using Pairs = std::vector<std::pair<std::string, std::string>>;

struct Case {
    std::string name;
    std::string remote;  // listing(): "A B#7 P!"
    std::string known;   // known_folders(): "A#7 B=40"
    std::string local;
    Lines expected;
    std::function<void(FolderPlanInput&)> setup = {};
};

FolderPlanInput input_of(const Case& c) {
    FolderPlanInput in;
    in.listed[Side::remote] = listing(c.remote);
    in.listed[Side::local] = listing(c.local);
    in.known = known_folders(c.known);
    if (c.setup) c.setup(in);
    return in;
}

void check_table(const std::vector<Case>& table) {
    for (const auto& c : table) {
        SCOPED_TRACE(c.name);
        const auto in = input_of(c);
        EXPECT_EQ(plan_lines(plan_folders(in)), c.expected);
        EXPECT_EQ(sorted(plan_lines(plan_folders(mirrored(in)))), mirrored_sorted(c.expected))
            << "the mirrored input does not give the mirrored plan";
    }
}

std::function<void(FolderPlanInput&)> direction(Direction d) {
    return [d](FolderPlanInput& in) { in.direction = d; };
}
std::function<void(FolderPlanInput&)> same_content(Side s, Pairs pairs) {
    return [s, pairs](FolderPlanInput& in) { in.evidence.same_content[s] = pairs; };
}
std::function<void(FolderPlanInput&)> propagate(std::set<std::string> unsynced_local = {}) {
    return [unsynced_local](FolderPlanInput& in) {
        in.deletes = FolderDeletes::propagate;
        in.evidence.unsynced[Side::local] = unsynced_local;
    };
}
std::function<void(FolderPlanInput&)> all_but(std::string name) {
    return [name](FolderPlanInput& in) { in.selected = [name](const std::string& n) { return n != name; }; };
}

TEST(FolderPlanTable, ListedAndKnown) {
    check_table({
        {"known and listed on both sides: a job", "A", "A", "A", {"job A known"}},
        {"listed on both sides, unknown: a job matched afresh", "A", "", "A", {"job A"}},
        {"known, gone from both sides: forgotten, nothing else", "", "A", "", {"forget A"}},
        {"nothing anywhere", "", "", "", {}},
    });
}

TEST(FolderPlanTable, NewFolders) {
    check_table({
        {"new on one side: created on the other", "N", "", "", {"create local N", "job N created=local"}},
        {"new on the side a pull reads: created",
         "N",
         "",
         "",
         {"create local N", "job N created=local"},
         direction(Direction::pull)},
        {"new on the side a pull does not change: skipped",
         "",
         "",
         "N",
         {"skip N direction"},
         direction(Direction::pull)},
        {"a hierarchy node is never created, its child is",
         "P! P/x",
         "",
         "",
         {"create local P/x", "job P/x created=local", "skip P not_selectable"}},
        {"a hierarchy node with a directory of its name: skipped", "P!", "", "P", {"skip P not_selectable"}},
        {"a known folder now a hierarchy node: skipped, state kept", "P!", "P", "P", {"skip P not_selectable"}},
    });
}

TEST(FolderPlanTable, Renames) {
    const Lines renamed_a_to_b{"rename local A -> B", "rekey A -> B", "job B known", "renamed A -> B"};
    check_table({
        {"renamed by MAILBOXID: mirrored, state re-keyed", "B#7", "A#7", "A", renamed_a_to_b},
        {"renamed by evidence", "B", "A", "A", renamed_a_to_b, same_content(Side::remote, {{"A", "B"}})},
        {"renamed without evidence: a deletion and a new folder",
         "B",
         "A",
         "A",
         {"create remote A", "create local B", "forget A", "job A created=remote recreated=deleted@remote",
          "job B created=local"}},
        {"a different id is no rename",
         "B#8",
         "A#7",
         "A",
         {"create remote A", "create local B", "forget A", "job A created=remote recreated=deleted@remote",
          "job B created=local"}},
        {"two candidates: ambiguous, no rename",
         "B C",
         "A",
         "A",
         {"create remote A", "create local B", "create local C", "forget A",
          "job A created=remote recreated=deleted@remote", "job B created=local", "job C created=local"},
         same_content(Side::remote, {{"A", "B"}, {"A", "C"}})},
        {"one candidate claimed by two known folders: ambiguous, no rename",
         "N",
         "A B",
         "A B",
         {"create remote A", "create remote B", "create local N", "forget A", "forget B",
          "job A created=remote recreated=deleted@remote", "job B created=remote recreated=deleted@remote",
          "job N created=local"},
         same_content(Side::remote, {{"A", "N"}, {"B", "N"}})},
        {"a \\Noselect candidate is no rename",
         "B#7!",
         "A#7",
         "A",
         {"create remote A", "forget A", "job A created=remote recreated=deleted@remote", "skip B not_selectable"}},
        {"renamed on both sides to the same name: only the state moves",
         "B#7",
         "A#7",
         "B",
         {"rekey A -> B", "job B known", "renamed A -> B"},
         same_content(Side::local, {{"A", "B"}})},
        {"a pull mirrors a server rename", "B#7", "A#7", "A", renamed_a_to_b, direction(Direction::pull)},
        {"a rename the other side may not change: a deletion and a new folder",
         "B#7",
         "A#7",
         "A",
         {"create remote A", "forget A", "job A created=remote recreated=deleted@remote", "skip B direction"},
         direction(Direction::push)},
        {"renamed on one side, deleted on the other: the renamed folder is recreated",
         "B#7",
         "A#7",
         "",
         {"create local B", "forget A", "job B created=local recreated=deleted@local"}},
        {"a rename counts when its old name is selected", "B#7", "A#7", "A", renamed_a_to_b, all_but("B")},
        {"a rename whose old name is not selected is a new folder",
         "B#7",
         "A#7",
         "A",
         {"create local B", "job B created=local"},
         all_but("A")},
    });
}

TEST(FolderPlanTable, RenameConflicts) {
    check_table({
        {"the other side has the new name: both skipped, nothing touched",
         "B#7",
         "A#7",
         "A B",
         {"skip A rename_conflict", "skip B rename_conflict"}},
        {"the conflict comes before the direction",
         "B#7",
         "A#7",
         "A B",
         {"skip A rename_conflict", "skip B rename_conflict"},
         direction(Direction::push)},
        {"two folders renamed to one name, one on each side",
         "N#1 B",
         "A#1 B",
         "A N",
         {"skip A rename_conflict", "skip B rename_conflict", "skip N rename_conflict"},
         same_content(Side::local, {{"B", "N"}})},
        {"renamed on one side, deleted on the other, onto a name the other has",
         "B#7",
         "A#7",
         "B",
         {"skip A rename_conflict", "skip B rename_conflict"}},
    });
}

TEST(FolderPlanTable, Children) {
    const auto apart = [](FolderPlanInput& in) { in.children_follow_parent = {{false, false}}; };
    check_table({
        {"a child renamed with its parent is carried",
         "B#1 B/x#2",
         "A#1 A/x#2",
         "A A/x",
         {"rename local A -> B", "rename local A/x -> B/x carried", "rekey A -> B", "rekey A/x -> B/x", "job B known",
          "job B/x known", "renamed A -> B", "renamed A/x -> B/x"}},
        {"a grandchild too",
         "B#1 B/x#2 B/x/y#3",
         "A#1 A/x#2 A/x/y#3",
         "A A/x A/x/y",
         {"rename local A -> B", "rename local A/x -> B/x carried", "rename local A/x/y -> B/x/y carried",
          "rekey A -> B", "rekey A/x -> B/x", "rekey A/x/y -> B/x/y", "job B known", "job B/x known", "job B/x/y known",
          "renamed A -> B", "renamed A/x -> B/x", "renamed A/x/y -> B/x/y"}},
        {"children that do not follow their parent are renamed one by one",
         "B#1 B/x#2",
         "A#1 A/x#2",
         "A A/x",
         {"rename local A -> B", "rename local A/x -> B/x", "rekey A -> B", "rekey A/x -> B/x", "job B known",
          "job B/x known", "renamed A -> B", "renamed A/x -> B/x"},
         apart},
        {"a child without evidence went with its parent where children follow",
         "B#1 B/x",
         "A#1 A/x",
         "A A/x",
         {"rename local A -> B", "rename local A/x -> B/x carried", "rekey A -> B", "rekey A/x -> B/x", "job B known",
          "job B/x known", "renamed A -> B", "renamed A/x -> B/x"}},
        {"a child without evidence where children do not follow: a deletion and a new folder",
         "B#1 B/x",
         "A#1 A/x",
         "A A/x",
         {"create remote A/x", "rename local A -> B", "create local B/x", "rekey A -> B", "forget A/x",
          "job A/x created=remote recreated=deleted@remote", "job B known", "job B/x created=local", "renamed A -> B"},
         apart},
        {"a child renamed to another suffix is its own rename",
         "B#1 B/y#2",
         "A#1 A/x#2",
         "A A/x",
         {"rename local A -> B", "rename local A/x -> B/y", "rekey A -> B", "rekey A/x -> B/y", "job B known",
          "job B/y known", "renamed A -> B", "renamed A/x -> B/y"}},
        {"a name that only starts like the parent's is no child",
         "B#1 Bx#2",
         "A#1 Ax#2",
         "A Ax",
         {"rename local A -> B", "rename local Ax -> Bx", "rekey A -> B", "rekey Ax -> Bx", "job B known",
          "job Bx known", "renamed A -> B", "renamed Ax -> Bx"}},
    });
}

TEST(FolderPlanTable, Deletions) {
    check_table({
        {"recreate: created again on the side it was deleted on, state forgotten",
         "",
         "A",
         "A",
         {"create remote A", "forget A", "job A created=remote recreated=deleted@remote"}},
        {"recreate on a side the direction does not change: skipped, state kept",
         "A",
         "A",
         "",
         {"skip A direction"},
         direction(Direction::push)},
        {"propagate: removed on the other side",
         "B",
         "A B",
         "A B",
         {"remove local A", "forget A", "job B known", "deleted A"},
         propagate()},
        {"propagate, changed on the other side since the last sync: recreated",
         "B",
         "A B",
         "A B",
         {"create remote A", "forget A", "job A created=remote recreated=changed@remote", "job B known"},
         propagate({"A"})},
        {"propagate, the other side may not change: recreated",
         "B",
         "A B",
         "A B",
         {"create remote A", "forget A", "job A created=remote recreated=deleted@remote", "job B known"},
         [](FolderPlanInput& in) {
             in.deletes = FolderDeletes::propagate;
             in.direction = Direction::push;
         }},
        {"propagate, changed on the other side, and the deleted side may not change: skipped",
         "A B",
         "A B",
         "B",
         {"job B known", "skip A direction"},
         [](FolderPlanInput& in) {
             in.deletes = FolderDeletes::propagate;
             in.direction = Direction::push;
             in.evidence.unsynced[Side::remote] = {"A"};
         }},
        {"propagate a folder renamed on the side that keeps it",
         "B#7 C",
         "A#7 C=90",
         "C",
         {"remove remote B", "forget A", "job C known", "deleted B"},
         propagate()},
    });
}

TEST(FolderPlanTable, DeletionRail) {
    const auto limit = [](int percent, bool force, std::set<std::string> unsynced = {}) {
        return [=](FolderPlanInput& in) {
            in.deletes = FolderDeletes::propagate;
            in.max_delete_percent = percent;
            in.force = force;
            in.evidence.unsynced[Side::local] = unsynced;
        };
    };
    check_table({
        {"half of the known messages is not more than 50 %",
         "B",
         "A=10 B=10",
         "A B",
         {"remove local A", "forget A", "job B known", "deleted A"},
         limit(50, false)},
        {"more than max_delete_percent: refused, state kept",
         "B",
         "A=30 B=10",
         "A B",
         {"job B known", "skip A deletion_refused"},
         limit(50, false)},
        {"force lifts the rail",
         "B",
         "A=30 B=10",
         "A B",
         {"remove local A", "forget A", "job B known", "deleted A"},
         limit(50, true)},
        {"a refused run recreates nothing either",
         "C",
         "A=30 B=10 C=10",
         "A B C",
         {"job C known", "skip A deletion_refused", "skip B deletion_refused"},
         limit(50, false, {"B"})},
        {"empty folders weigh nothing",
         "B",
         "A=0 B=10",
         "A B",
         {"remove local A", "forget A", "job B known", "deleted A"},
         limit(0, false)},
        {"every folder removed: refused",
         "",
         "A B",
         "A B",
         {"skip A deletion_refused", "skip B deletion_refused"},
         limit(50, false)},
        {"recreations alone never trip the rail",
         "",
         "A B",
         "A B",
         {"create remote A", "create remote B", "forget A", "forget B", "job A created=remote recreated=deleted@remote",
          "job B created=remote recreated=deleted@remote"},
         [](FolderPlanInput& in) { in.max_delete_percent = 0; }},
    });
}

// The intended asymmetry: renamed on both sides to different names, the server's name wins; a run
// that may not change the local side (push) keeps the local name instead.
TEST(FolderPlanTable, RenamedOnBothSides) {
    FolderPlanInput in;
    in.known = known_folders("A#7");
    in.listed[Side::remote] = listing("B#7");
    in.listed[Side::local] = listing("C");
    in.evidence.same_content[Side::local] = {{"A", "C"}};
    const Lines server_name{"rename local C -> B", "rekey A -> B", "job B known", "renamed A -> B"};
    EXPECT_EQ(plan_lines(plan_folders(in)), server_name);
    // The sides swapped: the server's name is C now, and still wins.
    EXPECT_EQ(plan_lines(plan_folders(mirrored(in))),
              (Lines{"rename local B -> C", "rekey A -> C", "job C known", "renamed A -> C"}));
    in.direction = Direction::pull;
    EXPECT_EQ(plan_lines(plan_folders(in)), server_name);
    in.direction = Direction::push;
    EXPECT_EQ(plan_lines(plan_folders(in)),
              (Lines{"rename remote B -> C", "rekey A -> C", "job C known", "renamed A -> C"}));
    // pull and push are each other's mirror, so these two are mirrored like every other rule.
    in.direction = Direction::pull;
    EXPECT_EQ(sorted(plan_lines(plan_folders(mirrored(in)))), mirrored_sorted(server_name));
    // A new name the other side has is a conflict here too.
    in.direction = Direction::both;
    in.listed[Side::local] = listing("C B");
    EXPECT_EQ(plan_lines(plan_folders(in)),
              (Lines{"skip A rename_conflict", "skip B rename_conflict", "skip C rename_conflict"}));
}

TEST(FolderPlanTable, SkippedFoldersSayWhatToDo) {
    FolderPlanInput in;
    in.known = known_folders("A#7 D=90");
    in.listed[Side::remote] = listing("B#7 P!");
    in.listed[Side::local] = listing("A B D");
    in.deletes = FolderDeletes::propagate;
    const auto plan = plan_folders(in);
    ASSERT_EQ(plan.skipped.size(), 4U);
    for (const auto& s : plan.skipped) EXPECT_FALSE(s.detail.empty()) << s.name;
}

struct WantedCase {
    std::string name;
    std::string remote, known, local;
    std::vector<std::string> expected;  // "remote A: B C"
};

TEST(FolderPlanEvidence, WantedOnlyForFoldersGoneFromASide) {
    const std::vector<WantedCase> table{
        {"nothing gone: nothing wanted", "A B", "A", "A", {}},
        {"every new selectable folder is a candidate", "B C P!", "A", "A", {"remote A: B C"}},
        {"the id decides: no candidate, the entry stays for unsynced", "B#7 C", "A#7", "A", {"remote A:"}},
        {"a known id: only folders without one", "B#8 C", "A#7", "A", {"remote A: C"}},
        {"known folders are no candidates", "B C", "A B", "A B", {"remote A: C"}},
        {"gone from both sides", "B", "A", "C", {"remote A: B", "local A: C"}},
    };
    for (const auto& c : table) {
        SCOPED_TRACE(c.name);
        FolderPlanInput in;
        in.listed[Side::remote] = listing(c.remote);
        in.listed[Side::local] = listing(c.local);
        in.known = known_folders(c.known);
        EXPECT_EQ(wanted_lines(evidence_wanted(in)), c.expected);
        EXPECT_EQ(sorted(wanted_lines(evidence_wanted(mirrored(in)))), mirrored_sorted(c.expected));
    }
}

TEST(FolderPlanEvidence, NotWantedForUnselectedFolders) {
    FolderPlanInput in;
    in.known = known_folders("A X");
    in.listed[Side::remote] = listing("B");
    in.listed[Side::local] = listing("A X");
    in.selected = [](const std::string& n) { return n != "X"; };
    EXPECT_EQ(wanted_lines(evidence_wanted(in)), std::vector<std::string>{"remote A: B"});
}

}  // namespace
}  // namespace mailtwin::sync::test
