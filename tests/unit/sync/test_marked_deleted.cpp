// A message marked deleted (Maildir T, IMAP \Deleted) on either side: with deletions allowed on both
// sides it is expunged on both (mbsync's Expunge Both); a change on the unmarked side is a conflict;
// otherwise the mark is synced like any flag. The rule has no favourite side: every table is also
// planned flipped.
#include <gtest/gtest.h>

#include "mailtwin/sync/planner.hpp"
#include "mailtwin/sync/policy.hpp"
#include "scenario.hpp"

namespace mailtwin::sync::test {
namespace {

void check_table(const std::vector<Scenario>& table, const Policy& policy) {
    for (const auto& s : table) {
        SCOPED_TRACE(s.name);
        const auto o = run(s, policy);
        EXPECT_EQ(lines(o.plan), s.expected);
        EXPECT_EQ(mirrored_sorted_lines(o.flipped), sorted_lines(o.plan)) << "flipped run is not mirrored";
    }
}

SideFlags flags(const std::string& r, const std::string& l) { return {{parse_flags(r), parse_flags(l)}}; }

TEST(MarkedDeletedOutcome, TheRule) {
    const Policy both;
    EXPECT_EQ(marked_deleted_outcome(flags("S", "S"), flags("S", "S"), both), MarkedDeleted::none);
    EXPECT_EQ(marked_deleted_outcome(flags("ST", "S"), flags("S", "S"), both), MarkedDeleted::expunge);
    EXPECT_EQ(marked_deleted_outcome(flags("S", "ST"), flags("S", "S"), both), MarkedDeleted::expunge);
    EXPECT_EQ(marked_deleted_outcome(flags("ST", "FST"), flags("S", "S"), both), MarkedDeleted::expunge);
    // The unmarked side changed since the last sync: on_conflict.
    EXPECT_EQ(marked_deleted_outcome(flags("ST", "FS"), flags("S", "S"), both), MarkedDeleted::unmark);
    EXPECT_EQ(marked_deleted_outcome(flags("ST", "S,$work"), flags("S", "S"), both), MarkedDeleted::unmark);
    // ... including the mark removed there (an undelete).
    EXPECT_EQ(marked_deleted_outcome(flags("ST", "S"), flags("ST", "ST"), both), MarkedDeleted::unmark);
    Policy del;
    del.on_conflict = OnConflict::del;
    EXPECT_EQ(marked_deleted_outcome(flags("ST", "FS"), flags("S", "S"), del), MarkedDeleted::expunge);
    // Deletions may not reach both sides: the mark is only a flag.
    for (auto e : {ExpungeTo::none, ExpungeTo::local, ExpungeTo::remote}) {
        Policy p;
        p.expunge = e;
        EXPECT_EQ(marked_deleted_outcome(flags("ST", "S"), flags("S", "S"), p), MarkedDeleted::none);
    }
    for (auto d : {Direction::pull, Direction::push}) {
        Policy p;
        p.direction = d;
        EXPECT_EQ(marked_deleted_outcome(flags("S", "ST"), flags("S", "S"), p), MarkedDeleted::none);
    }
}

TEST(MarkedDeletedPlan, ExpungeBoth) {
    check_table(
        {
            {"marked on one side: expunged on both",
             "1:ST 2:S",
             "1=1:S/S 2=2:S/S",
             "1:S 2:S",
             {"expunge remote uid=1 key=1", "expunge local uid=1 key=1"}},
            {"marked on both sides",
             "1:T",
             "1=1:T/-",
             "1:T",
             {"expunge remote uid=1 key=1", "expunge local uid=1 key=1"}},
            {"marked and changed on the same side",
             "1:FST",
             "1=1:S/S",
             "1:S",
             {"expunge remote uid=1 key=1", "expunge local uid=1 key=1"}},
            {"marked here, flagged there: keep removes the mark",
             "1:ST",
             "1=1:S/S",
             "1:FS",
             {"set-flags remote uid=1 key=1 +F -T", "record uid=1 key=1 flags=FS/FS"}},
            {"marked at the last sync, undeleted on one side: kept",
             "1:ST",
             "1=1:ST/ST",
             "1:S",
             {"set-flags remote uid=1 key=1 -T", "record uid=1 key=1 flags=S/S"}},
            {"not held by the safety rail: each was marked",
             "1:T 2:T 3:T 4",
             "1=1 2=2 3=3 4=4",
             "1 2 3 4",
             {"expunge remote uid=1 key=1", "expunge remote uid=2 key=2", "expunge remote uid=3 key=3",
              "expunge local uid=1 key=1", "expunge local uid=2 key=2", "expunge local uid=3 key=3"}},
            {"a new marked message is expunged where it is, not copied",
             "1:T 2:S",
             "",
             "",
             {"expunge remote uid=1 key=-", "download uid=2 flags=S size=100"}},
            {"gone on one side, marked on the other: the deletion stands",
             "2",
             "1=1:-/- 2=2",
             "1:T 2",
             {"expunge local uid=1 key=1"}},
            {"gone on one side, marked and changed on the other: never restored",
             "2",
             "1=1:-/- 2=2",
             "1:FT 2",
             {"expunge local uid=1 key=1"}},
        },
        Policy{});
}

TEST(MarkedDeletedPlan, WithTrashANewLocalMarkedMessageIsUploadedToGoThereNextTime) {
    Policy p;
    p.trash = true;
    const auto plan = plan_folder(remote_view(""), local_view("1:T"), folder_state(""), p, k_now);
    EXPECT_EQ(lines(plan), (std::vector<std::string>{"upload key=1 flags=T size=100"}));
    // A server one is expunged, which `trash` turns into a move to the trash folder.
    const auto remote = plan_folder(remote_view("1:T"), local_view(""), folder_state(""), p, k_now);
    EXPECT_EQ(lines(remote), (std::vector<std::string>{"expunge remote uid=1 key=-"}));
}

// Which remote expunges finish a mark a server client set (never moved into `trash`).
std::vector<std::pair<model::Uid, bool>> remote_expunges(const Plan& plan) {
    std::vector<std::pair<model::Uid, bool>> out;
    for (const auto& a : plan.actions)
        if (const auto* e = std::get_if<Expunge>(&a); e && e->side == util::Side::remote)
            out.emplace_back(e->uid, e->server_marked);
    return out;
}

TEST(MarkedDeletedPlan, AMarkSetOnTheServerOnlyIsFinishedThereNotMovedToTrash) {
    Policy p;
    p.trash = true;
    // 1: marked on the server; 2: marked locally; 3: on both; 4: new on the server, marked;
    // 6: deleted locally, so its expunge is a local deletion however the server copy is flagged.
    const auto plan = plan_folder(remote_view("1:T 2 3:T 4:T 5 6:T"), local_view("1 2:T 3:T 5"),
                                  folder_state("1=1 2=2 3=3 5=5 6=6"), p, k_now);
    EXPECT_EQ(remote_expunges(plan),
              (std::vector<std::pair<model::Uid, bool>>{{1, true}, {2, false}, {3, false}, {4, true}, {6, false}}));
}

TEST(MarkedDeletedPlan, OnConflictDelete) {
    Policy p;
    p.on_conflict = OnConflict::del;
    check_table({{"marked here, flagged there: deleted",
                  "1:ST",
                  "1=1:S/S",
                  "1:FS",
                  {"expunge remote uid=1 key=1", "expunge local uid=1 key=1"}}},
                p);
}

TEST(MarkedDeletedPlan, OtherwiseTheMarkIsAFlag) {
    Policy none;
    none.expunge = ExpungeTo::none;
    check_table({{"expunge=none carries the mark",
                  "1:ST",
                  "1=1:S/S",
                  "1:S",
                  {"set-flags local uid=1 key=1 +T", "record uid=1 key=1 flags=ST/ST"}}},
                none);
    Policy to_local;
    to_local.expunge = ExpungeTo::local;
    check_table({{"expunge=local carries the mark",
                  "1:S",
                  "1=1:S/S",
                  "1:ST",
                  {"set-flags remote uid=1 key=1 +T", "record uid=1 key=1 flags=ST/ST"}}},
                to_local);
}

}  // namespace
}  // namespace mailtwin::sync::test
