#include "mailtwin/sync/planner.hpp"

#include <gtest/gtest.h>

#include "scenario.hpp"

namespace mailtwin::sync::test {
namespace {

using Lines = std::vector<std::string>;

// Runs a table: the plan as written must print `expected`; the flipped run must give the mirrored plan.
void check_table(const std::vector<Scenario>& table, const Policy& policy) {
    for (const auto& s : table) {
        SCOPED_TRACE(s.name);
        const auto o = run(s, policy);
        EXPECT_EQ(lines(o.plan), s.expected);
        EXPECT_EQ(mirrored_sorted_lines(o.flipped), sorted_lines(o.plan)) << "flipped run is not mirrored";
    }
}

TEST(PlannerTable, NewMessages) {
    check_table(
        {
            {"nothing changed", "1:S", "1=1:S/S", "1:S", {}},
            {"new on one side is copied", "1:S 2:F", "1=1:S/S", "1:S", {"download uid=2 flags=F size=100"}},
            {"new on both sides without identities",
             "1 2",
             "1=1",
             "1 5",
             {"download uid=2 flags=- size=100", "upload key=5 flags=- size=100"}},
            {"first sync of an empty side",
             "1:S 2",
             "",
             "",
             {"download uid=1 flags=S size=100", "download uid=2 flags=- size=100"}},
        },
        Policy{});
}

TEST(PlannerTable, FlagMerge) {
    check_table(
        {
            {"set on one side wins",
             "1:FS",
             "1=1:S/S",
             "1:S",
             {"set-flags local uid=1 key=1 +F", "record uid=1 key=1 flags=FS/FS"}},
            {"cleared on one side wins",
             "1:S",
             "1=1:S/S",
             "1:-",
             {"set-flags remote uid=1 key=1 -S", "record uid=1 key=1 flags=-/-"}},
            {"changed on both sides the same way: only the base moves",
             "1:FS",
             "1=1:S/S",
             "1:FS",
             {"record uid=1 key=1 flags=FS/FS"}},
            {"different flags changed on each side merge",
             "1:FS",
             "1=1:S/S",
             "1:-",
             {"set-flags remote uid=1 key=1 -S", "set-flags local uid=1 key=1 +F", "record uid=1 key=1 flags=F/F"}},
            {"conflict (one set, other cleared since last): set wins",
             "1:S",
             "1=1:-/S",
             "1:-",
             {"set-flags local uid=1 key=1 +S", "record uid=1 key=1 flags=S/S"}},
            {"keywords take part in the merge",
             "1:S,$work",
             "1=1:S/S",
             "1:S",
             {"set-flags local uid=1 key=1 +,$work", "record uid=1 key=1 flags=S,$work/S,$work"}},
            // (One of two: a file that loses every keyword letter is local_keywords' case.)
            {"keyword removed on one side is removed on the other",
             "1:S,$a,$work",
             "1=1:S,$a,$work/S,$a,$work",
             "1:S,$a",
             {"set-flags remote uid=1 key=1 -,$work", "record uid=1 key=1 flags=S,$a/S,$a"}},
            // With expunge = "both", \Deleted is a deletion (test_marked_deleted.cpp).
            {"\\Deleted on one side expunges both",
             "1:ST",
             "1=1:S/S",
             "1:S",
             {"expunge remote uid=1 key=1", "expunge local uid=1 key=1"}},
        },
        Policy{});
}

TEST(PlannerTable, KeywordsIgnored) {
    Policy p;
    p.keywords = KeywordMode::ignore;
    check_table(
        {
            {"a keyword is not copied", "1:S,$work", "1=1:S/S", "1:S", {"record uid=1 key=1 flags=S,$work/S"}},
            {"a keyword missing on the other side is never removed",
             "1:S,$work",
             "1=1:S,$work/S,$work",
             "1:S",
             {"record uid=1 key=1 flags=S,$work/S"}},
            {"system flags still merge",
             "1:FS,$work",
             "1=1:S,$work/S",
             "1:S",
             {"set-flags local uid=1 key=1 +F", "record uid=1 key=1 flags=FS,$work/FS"}},
            {"a download carries no keywords", "1:S 2:S,$work", "1=1:S/S", "1:S", {"download uid=2 flags=S size=100"}},
        },
        p);
}

TEST(PlannerTable, Deletions) {
    check_table(
        {
            {"expunged on one side is expunged on the other",
             "2",
             "1=1:S/S 2=2",
             "1:S 2",
             {"expunge local uid=1 key=1"}},
            {"gone from both sides: the row is forgotten", "2", "1=1 2=2", "2", {"forget uid=1 key=1"}},
            {"deleted here, changed there: keep restores",
             "2",
             "1=1:S/S 2=2",
             "1:FS 2",
             {"restore-upload key=1 flags=FS size=100"}},
            {"detached survivor stays alone", "1:F 2", "1=-! 2=2", "2", {}},
            {"detached survivor gone: forgotten", "2", "1=-! 2=2", "2", {"forget uid=1 key=-"}},
        },
        Policy{});
    Policy del;
    del.on_conflict = OnConflict::del;
    check_table({{"deleted here, changed there: delete propagates",
                  "2",
                  "1=1:S/S 2=2",
                  "1:FS 2",
                  {"expunge local uid=1 key=1"}}},
                del);
    Policy none;
    none.expunge = ExpungeTo::none;
    check_table({{"expunge=none keeps the survivor, detached",
                  "2",
                  "1=1:S/S 2=2",
                  "1:S 2",
                  {"detach uid=1 key=1 gone=remote"}}},
                none);
    Policy to_local;
    to_local.expunge = ExpungeTo::local;
    check_table(
        {{"expunge=local propagates server deletions", "2", "1=1:S/S 2=2", "1:S 2", {"expunge local uid=1 key=1"}},
         {"expunge=local keeps local deletions off the server",
          "1:S 2",
          "1=1:S/S 2=2",
          "2",
          {"detach uid=1 key=1 gone=local"}}},
        to_local);
}

TEST(PlannerTable, Direction) {
    Policy pull;
    pull.direction = Direction::pull;
    check_table(
        {
            {"pull: new local mail stays local", "1", "1=1", "1 2", {}},
            {"pull: new remote mail is downloaded", "1 2", "1=1", "1", {"download uid=2 flags=- size=100"}},
            {"pull: local deletion does not reach the server",
             "1 2",
             "1=1 2=2",
             "2",
             {"detach uid=1 key=1 gone=local"}},
            {"pull: local flag change stays local", "1", "1=1", "1:S", {"record uid=1 key=1 flags=-/S"}},
            {"pull: remote flag change reaches local",
             "1:F",
             "1=1",
             "1",
             {"set-flags local uid=1 key=1 +F", "record uid=1 key=1 flags=F/F"}},
            {"pull: deleted locally, changed remotely: no restore, detached",
             "1:F 2",
             "1=1 2=2",
             "2",
             {"detach uid=1 key=1 gone=local"}},
        },
        pull);
}

TEST(PlannerTable, SafetyRail) {
    const std::string state = "1=1 2=2 3=3 4=4";
    check_table(
        {
            {"half of the folder may go",
             "1 2 3 4",
             state,
             "1 2",
             {"expunge remote uid=3 key=3", "expunge remote uid=4 key=4"}},
            {"more than max_delete_percent is refused",
             "1 2 3 4",
             state,
             "1",
             {"refuse deletions seen on local: 3 of 4 (more than max_delete_percent; run with --force to allow)"}},
            {"other actions still happen",
             "1 2 3 4 5",
             state,
             "1",
             {"download uid=5 flags=- size=100",
              "refuse deletions seen on local: 3 of 4 (more than max_delete_percent; run with --force to allow)"}},
            {"an empty side never empties the other",
             "1 2 3 4",
             state,
             "",
             {"refuse deletions seen on local: 4 of 4 (the folder appears empty on that side)"}},
            {"restores are not deletions",
             "1 2:F 3:F 4:F",
             state,
             "1",
             {"restore-download uid=2 flags=F size=100", "restore-download uid=3 flags=F size=100",
              "restore-download uid=4 flags=F size=100"}},
        },
        Policy{});
    Policy force;
    force.force = true;
    check_table({{"--force lets the deletions through",
                  "1 2 3 4",
                  state,
                  "1",
                  {"expunge remote uid=2 key=2", "expunge remote uid=3 key=3", "expunge remote uid=4 key=4"}}},
                force);
}

TEST(PlannerTable, MatchingByIdentity) {
    check_table(
        {
            {"lost state: same message on both sides is paired, flags united",
             "1:S@a 2@b",
             "",
             "7:F@a 8@c",
             {"pair uid=1 key=7 flags=-/-", "set-flags remote uid=1 key=7 +F", "set-flags local uid=1 key=7 +S",
              "record uid=1 key=7 flags=FS/FS", "download uid=2 flags=- size=100", "upload key=8 flags=- size=100"}},
            {"lost state, identical copies: a pair, nothing else",
             "1:S@a",
             "",
             "5:S@a",
             {"pair uid=1 key=5 flags=S/S"}},
            {"same identity twice: paired in order, the extra one copied",
             "1@a 2@a",
             "",
             "5@a",
             {"pair uid=1 key=5 flags=-/-", "download uid=2 flags=- size=100"}},
            {"copy of unknown outcome found: paired, not repeated",
             "9:S@a",
             "-=3:S/S@a",
             "3:S@a",
             {"pair uid=9 key=3 flags=S/S"}},
            {"copy of unknown outcome not found: repeated",
             "",
             "-=3:S/S@a",
             "3:S@a",
             {"upload key=3 flags=S size=100"}},
            {"copy of unknown outcome, source gone, copy missing: forgotten", "", "-=3@a", "", {"forget uid=- key=3"}},
            {"same size, other Message-ID: no match",
             "1@a",
             "",
             "5@b",
             {"download uid=1 flags=- size=100", "upload key=5 flags=- size=100"}},
        },
        Policy{});
}

TEST(PlannerTable, Filters) {
    Policy size;
    size.max_size = 1000;
    check_table({{"max_size",
                  "1#5000 2#500",
                  "none",
                  "",
                  {"download uid=2 flags=- size=500", "skip remote uid=1 key=- larger than max_size"}}},
                size);
    Policy age;
    age.max_age_days = 30;
    check_table({{"max_age_days",
                  "1~40 2~3",
                  "none",
                  "",
                  {"download uid=2 flags=- size=100", "skip remote uid=1 key=- older than max_age_days"}}},
                age);
}

// Not flippable: max_messages is about the local side only.
TEST(Planner, MaxMessagesKeepsTheNewest) {
    Policy p;
    p.max_messages = 2;
    const auto plan = plan_folder(remote_view("1 2 3"), local_view(""), folder_state("none"), p, k_now);
    EXPECT_EQ(lines(plan), (Lines{"download uid=2 flags=- size=100", "download uid=3 flags=- size=100",
                                  "skip remote uid=1 key=- not among the newest max_messages"}));
    EXPECT_TRUE(
        plan_folder(remote_view("1 2 3"), local_view("2 3"), folder_state("2=2 3=3"), p, k_now).changes_nothing());
}

// Not flippable: UIDVALIDITY exists on the server only.
TEST(Planner, UidValidityChangeRematchesByIdentity) {
    const auto state = folder_state("1=1:S/S@a 2=2@b 3=3@z 4=-@q!", false, 1);
    const auto remote = remote_view("10:S@a 11:F@b 12@c", 2);
    const auto local = local_view("1:S@a 2@b 3@z");
    const auto plan = plan_folder(remote, local, state, Policy{}, k_now);
    EXPECT_EQ(lines(plan), (Lines{
                               "reset-uids uidvalidity 1 -> 2", "pair uid=10 key=1 flags=S/S",
                               "pair uid=11 key=2 flags=-/-", "set-flags local uid=11 key=2 +F",
                               "record uid=11 key=2 flags=F/F", "download uid=12 flags=- size=100",
                               "upload key=3 flags=- size=100",  // its server copy vanished: restored
                           }));
    ASSERT_EQ(plan.warnings.size(), 1u);
    EXPECT_EQ(plan.counters.pairs, 2u);
    EXPECT_EQ(plan.counters.downloads, 1u);
}

TEST(Planner, UidValidityChangeNeedsIdentitiesOfAllUnpaired) {
    const auto state = folder_state("1=1@a 2=2", false, 1);
    const auto req = needs_identities(remote_view("10 11", 2), local_view("1 2"), state);
    EXPECT_EQ(req.remote, (std::vector<model::Uid>{10, 11}));
    EXPECT_EQ(req.local, (std::vector<std::string>{"2"}));  // the state knows key 1's identity
}

TEST(Planner, NeedsIdentitiesOnlyWhenBothSidesHaveUnpaired) {
    const auto state = folder_state("1=1 2=2");
    EXPECT_TRUE(needs_identities(remote_view("1 2 3 4"), local_view("1 2"), state).empty());
    EXPECT_TRUE(needs_identities(remote_view("1 2"), local_view("1 2 9"), state).empty());
    const auto req = needs_identities(remote_view("1 2 3"), local_view("1 2 9"), state);
    EXPECT_EQ(req.remote, (std::vector<model::Uid>{3}));
    EXPECT_EQ(req.local, (std::vector<std::string>{"9"}));
    const auto known = needs_identities(remote_view("1 2 3@x"), local_view("1 2 9@y"), state);
    EXPECT_TRUE(known.empty());
}

TEST(Planner, IncrementalRemoteView) {
    auto remote = remote_view("2:F 5");
    remote.kind = model::RemoteViewKind::changes_since;
    remote.vanished = {3, 77};  // 77 was never paired: ignored
    const auto state = folder_state("1=1:S/S 2=2 3=3 4=4");
    const auto plan = plan_folder(remote, local_view("1:S 2 3 4"), state, Policy{}, k_now);
    EXPECT_EQ(lines(plan), (Lines{"set-flags local uid=2 key=2 +F", "record uid=2 key=2 flags=F/F",
                                  "expunge local uid=3 key=3", "download uid=5 flags=- size=100"}));
}

TEST(Planner, IncrementalViewWithoutBaseIsRefused) {
    auto remote = remote_view("1", 2);
    remote.kind = model::RemoteViewKind::changes_since;
    const auto plan = plan_folder(remote, local_view("1"), folder_state("1=1", false, 1), Policy{}, k_now);
    ASSERT_EQ(plan.actions.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<Refuse>(plan.actions[0]));
    EXPECT_TRUE(plan.refused());
    EXPECT_TRUE(plan.hold_checkpoint[util::Side::remote]);
}

TEST(Planner, UnchangedLocalViewMeansLocalEqualsState) {
    model::LocalView unchanged;
    unchanged.kind = model::LocalViewKind::unchanged;
    const auto state = folder_state("1=1:S/S 2=2");
    EXPECT_EQ(lines(plan_folder(remote_view("1:FS 2"), unchanged, state, Policy{}, k_now)),
              (Lines{"set-flags local uid=1 key=1 +F", "record uid=1 key=1 flags=FS/FS"}));
    EXPECT_TRUE(plan_folder(remote_view("1:S 2"), unchanged, state, Policy{}, k_now).actions.empty());
}

TEST(Planner, MissingMaildirRootNeverEmptiesTheServer) {
    auto local = local_view("");
    local.root_present = false;
    Policy force;
    force.force = true;
    const auto plan = plan_folder(remote_view("1 2 3"), local, folder_state("1=1 2=2 3=3"), force, k_now);
    EXPECT_EQ(lines(plan), (Lines{"refuse deletions seen on local: 3 of 3 (the Maildir root is missing)"}));
    EXPECT_TRUE(plan.hold_checkpoint[util::Side::local]);
    EXPECT_EQ(plan.counters.refused, 3u);
}

TEST(Planner, RefusedRemoteDeletionsHoldTheCheckpoint) {
    const auto plan =
        plan_folder(remote_view("1"), local_view("1 2 3 4"), folder_state("1=1 2=2 3=3 4=4"), Policy{}, k_now);
    EXPECT_TRUE(plan.refused());
    EXPECT_TRUE(plan.hold_checkpoint[util::Side::remote]);
    EXPECT_FALSE(plan.hold_checkpoint[util::Side::local]);
}

}  // namespace
}  // namespace mailtwin::sync::test
