// Moves end to end (issue 13, items 1-3): a move on one side while the other side changes the
// message, a move of most of a folder (the safety rail counts moves as moves), and moves by a new
// file as neomutt and mu4e make them, with mailtwin's trash and the reader's trash together. On every
// server of the engine suite.
#include <gtest/gtest.h>

#include "scenario.hpp"

namespace mailtwin::test {
namespace {

class Moves : public ::testing::TestWithParam<std::string> {
protected:
    const DovecotInfo& server() { return engine_server(GetParam()); }
};

void expect_once_per_side(Scenario& s) {
    auto server = s.server();
    auto local = s.local();
    EXPECT_EQ(server, local);
    std::map<std::string, int> server_ids;
    for (const auto& [folder, contents] : server)
        for (const auto& [id, flags] : contents) ++server_ids[id];
    for (const auto& [id, n] : server_ids) EXPECT_EQ(n, 1) << id << " is on the server " << n << " times";
    for (const auto& [id, n] : s.local_id_counts()) EXPECT_EQ(n, 1u) << id << " is in the Maildir " << n << " times";
}

void expect_no_op(Scenario& s) {
    auto again = s.sync("--dry-run -v");
    EXPECT_EQ(again.exit_code, 0) << again.output;
    for (const char* word : {"move ", "upload", "download", "expunge", "set-flags"})
        EXPECT_EQ(again.output.find(word), std::string::npos) << word << " in the run after: " << again.output;
}

TEST_P(Moves, MovedLocallyWhileFlaggedOnTheServerIsOneMessageWithBothChanges) {
    Scenario s("mvconflict1", "", server());
    s.server_create("A");
    s.server_create("B");
    for (const char* id : {"c1", "c2", "c3"}) s.server_append("A", id);
    ASSERT_EQ(s.sync().exit_code, 0);
    s.local_move("A", "B", "c1", "S");           // the reader reads and archives it
    s.server_flags("A", "c1", "\\Flagged", "");  // the phone flags it meanwhile
    auto r = s.sync("-v");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("move remote uid="), std::string::npos) << r.output;
    expect_once_per_side(s);
    auto server = s.server();
    EXPECT_EQ(server["A"].count("c1"), 0u);
    ASSERT_EQ(server["B"].count("c1"), 1u);
    EXPECT_EQ(server["B"].find("c1")->second, "\\Flagged \\Seen");
    expect_no_op(s);
}

TEST_P(Moves, MovedOnTheServerWhileFlaggedLocallyIsOneMessageWithBothChanges) {
    Scenario s("mvconflict2", "", server());
    s.server_create("A");
    s.server_create("B");
    for (const char* id : {"d1", "d2", "d3"}) s.server_append("A", id, "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    s.server_move("A", "B", "d1");          // another client archives it
    s.local_rename_flags("A", "d1", "FS");  // the reader flags it meanwhile
    auto r = s.sync("-v");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("move local key="), std::string::npos) << r.output;
    expect_once_per_side(s);
    auto local = s.local();
    EXPECT_EQ(local["A"].count("d1"), 0u);
    ASSERT_EQ(local["B"].count("d1"), 1u);
    EXPECT_EQ(local["B"].find("d1")->second, "\\Flagged \\Seen");
    expect_no_op(s);
}

TEST_P(Moves, ArchivingMostOfAFolderIsNotRefusedAsDeletions) {
    Scenario s("archive", "", server());
    s.server_create("INBOX");
    s.server_create("Archive");
    std::vector<std::string> ids;
    for (int i = 0; i < 10; ++i) ids.push_back("ar" + std::to_string(i));
    for (const auto& id : ids) s.server_append("INBOX", id, "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    // 8 of 10 archived (max_delete_percent = 50): four by rename (mv, aerc), four by a new file (mu4e).
    for (int i = 0; i < 4; ++i) s.local_move("INBOX", "Archive", ids[static_cast<std::size_t>(i)], "S");
    for (int i = 4; i < 8; ++i) s.local_rewrite("INBOX", "Archive", ids[static_cast<std::size_t>(i)], "S");
    auto r = s.sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output.find("REFUSED"), std::string::npos) << r.output;
    auto server = s.server();
    EXPECT_EQ(server["INBOX"].size(), 2u);
    EXPECT_EQ(server["Archive"].size(), 8u);
    expect_once_per_side(s);
    expect_no_op(s);
}

TEST_P(Moves, ArchivingAndDeletingTooMuchRefusesOnlyTheDeletions) {
    Scenario s("archdel", "", server());
    s.server_create("INBOX");
    s.server_create("Archive");
    std::vector<std::string> ids;
    for (int i = 0; i < 10; ++i) ids.push_back("ad" + std::to_string(i));
    for (const auto& id : ids) s.server_append("INBOX", id, "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    for (int i = 0; i < 2; ++i) s.local_move("INBOX", "Archive", ids[static_cast<std::size_t>(i)], "S");
    for (int i = 2; i < 9; ++i) s.local_delete("INBOX", ids[static_cast<std::size_t>(i)]);
    auto r = s.sync();
    EXPECT_EQ(r.exit_code, 1) << "7 of 10 deleted is over max_delete_percent: " << r.output;
    auto server = s.server();
    EXPECT_EQ(server["Archive"].size(), 2u) << "the moves are done whole";
    EXPECT_EQ(server["INBOX"].size(), 8u) << "the deletions are held back";
    for (int i = 0; i < 2; ++i) EXPECT_EQ(server["INBOX"].count(ids[static_cast<std::size_t>(i)]), 0u);
}

TEST_P(Moves, NeomuttSaveToAnotherFolderIsAServerMoveNotAReupload) {
    Scenario s("neosave", "", server());
    s.server_create("INBOX");
    s.server_create("Lists");
    s.server_append("INBOX", "ns1", "\\Seen");
    s.server_append("INBOX", "ns2", "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    const auto bodies_before = s.server_bodies("INBOX");
    // neomutt's `s`: a new file with a new name (and a Content-Length header) in +Lists; the old unlinked.
    s.local_rewrite("INBOX", "Lists", "ns1", "FS", "Content-Length: 6\n");
    auto r = s.sync("-v");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("move remote uid="), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("+1 \u2191"), std::string::npos) << "a move must not re-upload: " << r.output;
    expect_once_per_side(s);
    auto server = s.server();
    ASSERT_EQ(server["Lists"].count("ns1"), 1u);
    EXPECT_EQ(server["Lists"].find("ns1")->second, "\\Flagged \\Seen");
    // The server's copy is the one it had (moved): no Content-Length header was uploaded.
    const auto moved = s.server_bodies("Lists");
    ASSERT_EQ(moved.size(), 1u);
    EXPECT_EQ(bodies_before.count(*moved.begin()), 1u);
    expect_no_op(s);
}

TEST_P(Moves, RewrittenInPlaceKeepsTheServerCopy) {
    Scenario s("inplace", "", server());
    s.server_create("INBOX");
    s.server_append("INBOX", "ip1");
    s.server_append("INBOX", "ip2");
    ASSERT_EQ(s.sync().exit_code, 0);
    const auto before = s.server_bodies("INBOX");
    s.local_rewrite("INBOX", "INBOX", "ip1", "S", "X-Label: work\n");
    auto r = s.sync("-v");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output.find("+1 \u2191"), std::string::npos) << r.output;
    expect_once_per_side(s);
    EXPECT_EQ(s.server_bodies("INBOX"), before);
    EXPECT_EQ(s.server()["INBOX"].find("ip1")->second, "\\Seen");
    expect_no_op(s);
}

TEST_P(Moves, ReaderTrashAndMailtwinTrashGiveOneCopyInTrash) {
    // neomutt `set trash = +Trash` writes the deleted message into Trash as a new file; mailtwin's
    // `trash` would move the server copy there too.
    Scenario s("twotrash", "trash = \"@P/Trash\"\n", server());
    s.server_create("INBOX");
    s.server_create("Trash");
    for (const char* id : {"tt1", "tt2", "tt3"}) s.server_append("INBOX", id, "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    s.local_rewrite("INBOX", "Trash", "tt1", "S", "Content-Length: 6\n");
    auto r = s.sync("-v");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_once_per_side(s);
    auto server = s.server();
    EXPECT_EQ(server["INBOX"].count("tt1"), 0u);
    EXPECT_EQ(server["Trash"].count("tt1"), 1u);
    expect_no_op(s);
}

// Every kind of move in one run, killed after each of its state commits in turn: the next run
// converges, every message once on each side, none lost.
TEST_P(Moves, KilledAfterEveryStepOfTheMovesConverges) {
    int steps = 0;
    for_each_kill_point(
        [&](int step) {
            auto s = std::make_unique<Scenario>("mvcrash" + std::to_string(step), "", server());
            s->server_create("A");
            s->server_create("B");
            for (const char* id : {"k1", "k2", "k3", "k4", "k5"}) s->server_append("A", id, "\\Seen");
            EXPECT_EQ(s->sync().exit_code, 0);
            s->local_move("A", "B", "k1", "S");                             // rename
            s->server_flags("A", "k1", "\\Flagged", "");                    // ... while flagged on the server
            s->local_rewrite("A", "B", "k2", "FS", "Content-Length: 6\n");  // neomutt's save
            s->local_rewrite("A", "A", "k3", "S", "X-Label: x\n");          // rewritten in place
            s->server_move("A", "B", "k4");                                 // another client's move
            return s;
        },
        [&steps](Scenario& s, int step, const RunResult&, const RunResult&) {
            steps = step;
            expect_once_per_side(s);
            auto server = s.server();
            for (const char* id : {"k3", "k5"}) EXPECT_EQ(server["A"].count(id), 1u) << id << ", step " << step;
            for (const char* id : {"k1", "k2", "k4"}) EXPECT_EQ(server["B"].count(id), 1u) << id << ", step " << step;
        });
    EXPECT_GT(steps, 3) << "the run with the moves must have state commits to be killed after";
}

INSTANTIATE_TEST_SUITE_P(Servers, Moves, ::testing::Values("dovecot", "cyrus", "courier", "mailutils", "degraded"),
                         [](const auto& param_info) { return std::string(param_info.param); });

}  // namespace
}  // namespace mailtwin::test
