// The sync engine end to end: the real binary, real servers (Dovecot, Cyrus, Courier, and a Dovecot
// that announces no optional extension), real Maildirs. Each test is one scenario of the shared spec's
// reconciliation rules, run on every server.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <thread>

#include "scenario.hpp"

namespace mailtwin::test {
namespace {

// Every test runs on each server: dovecot, cyrus, courier, degraded (see engine_server() in scenario.hpp).
class Sync : public ::testing::TestWithParam<std::string> {
protected:
    const DovecotInfo& server() { return engine_server(GetParam()); }
};

std::set<std::string> all_files(const Scenario& s) {
    std::set<std::string> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(s.maildir()))
        if (e.is_regular_file()) out.insert(e.path().string());
    return out;
}

std::size_t total(const SideContents& s) {
    std::size_t n = 0;
    for (const auto& [f, c] : s) n += c.size();
    return n;
}

void expect_converged(Scenario& s) {
    auto server = s.server();
    auto local = s.local();
    EXPECT_EQ(server, local);
    for (const auto& [id, count] : s.local_id_counts()) EXPECT_EQ(count, 1u) << "duplicate " << id;
}

TEST_P(Sync, InitialPullThenNoOpThenServerChanges) {
    Scenario s("pull", "", server());
    s.server_create("INBOX");
    s.server_create("Lists/dev");
    s.server_create("Ünïcödé/台北");
    s.server_append("Ünïcödé/台北", "u1", "\\Seen");
    s.server_append("INBOX", "m1", "\\Seen");
    s.server_append("INBOX", "m2", "\\Seen \\Flagged");
    s.server_append("INBOX", "m3");
    s.server_append("Lists/dev", "d1", "\\Answered \\Seen");

    auto first = s.sync();
    ASSERT_EQ(first.exit_code, 0) << first.output;
    expect_converged(s);
    EXPECT_EQ(total(s.local()), 5u);
    EXPECT_TRUE(std::filesystem::is_directory(s.local_dir("Ünïcödé/台北") / "cur"));
    // INTERNALDATE becomes the file's mtime (mail readers sort by it).
    for (const auto& e : std::filesystem::directory_iterator(s.local_dir("INBOX") / "cur")) {
        struct stat st {};
        ::stat(e.path().c_str(), &st);
        EXPECT_EQ(st.st_mtime, 1672740000);
    }

    // A no-op resync changes nothing on either side: no file renamed, no HIGHESTMODSEQ moved.
    auto files_before = all_files(s);
    auto modseqs_before = s.server_modseqs();
    auto noop = s.sync("-v");
    ASSERT_EQ(noop.exit_code, 0) << noop.output;
    expect_converged(s);
    EXPECT_EQ(all_files(s), files_before);
    EXPECT_EQ(s.server_modseqs(), modseqs_before);

    s.server_flags("INBOX", "m3", "\\Seen \\Answered", "");
    s.server_flags("INBOX", "m2", "", "\\Flagged");
    s.server_append("INBOX", "m4", "\\Flagged");
    s.server_expunge("INBOX", "m1");
    auto changes = s.sync();
    ASSERT_EQ(changes.exit_code, 0) << changes.output;
    expect_converged(s);
    EXPECT_EQ(s.local()["INBOX"].count("m1"), 0u);
    EXPECT_EQ(s.local()["INBOX"].find("m3")->second, "\\Answered \\Seen");
}

TEST_P(Sync, NoOpResyncTouchesNoFolder) {
    Scenario s("noop", "", server());
    s.server_create("A");
    s.server_create("B");
    s.server_append("A", "a1", "\\Seen");
    s.server_append("B", "b1");
    ASSERT_EQ(s.sync().exit_code, 0);
    ASSERT_EQ(s.sync().exit_code, 0);  // settles directory stamps written during the first run
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // past the same-tick window
    ASSERT_EQ(s.sync().exit_code, 0);
    auto json = s.sync("", "");
    auto r = s.sync("--dry-run -v");
    ASSERT_EQ(r.exit_code, 0);
    // Fast path: LIST-STATUS and two stats per folder say nothing changed; no plan lines at all.
    EXPECT_EQ(r.output.find("download"), std::string::npos) << r.output;
    // Skipping a folder unread needs HIGHESTMODSEQ (CONDSTORE): without it flag changes cannot be
    // ruled out, and the folder is read in full (still with no plan lines, as above).
    if (!s.capabilities().condstore()) return;
    auto verbose = s.sync("-v");
    EXPECT_NE(verbose.output.find("A: unchanged"), std::string::npos) << verbose.output;
    EXPECT_NE(verbose.output.find("B: unchanged"), std::string::npos) << verbose.output;
}

TEST_P(Sync, LocalChangesGoToTheServer) {
    Scenario s("push", "", server());
    s.server_create("INBOX");
    s.server_append("INBOX", "m1");
    s.server_append("INBOX", "m2", "\\Seen");
    s.server_append("INBOX", "m3", "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);

    s.local_rename_flags("INBOX", "m1", "FS");  // the reader opened and flagged it
    s.local_delete("INBOX", "m2");
    s.local_deliver("INBOX", "new1");       // into new/, no flags
    s.local_deliver("INBOX", "new2", "S");  // into cur/ with flags
    auto r = s.sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_converged(s);
    auto server = s.server()["INBOX"];
    EXPECT_EQ(server.count("m2"), 0u);
    EXPECT_EQ(server.find("m1")->second, "\\Flagged \\Seen");
    EXPECT_EQ(server.count("new1"), 1u);
    EXPECT_EQ(server.find("new2")->second, "\\Seen");
    // Nothing more to do, and nothing duplicated by the upload's own echo.
    ASSERT_EQ(s.sync().exit_code, 0);
    expect_converged(s);
    EXPECT_EQ(total(s.server()), 4u);
}

TEST_P(Sync, FoldersAreCreatedOnTheSideThatLacksThem) {
    Scenario s("create", "", server());
    s.server_create("Remote");
    s.server_append("Remote", "r1");
    ASSERT_EQ(s.sync().exit_code, 0);
    std::filesystem::create_directories(s.local_dir("Local/Sub"));
    for (const char* d : {"cur", "new", "tmp"}) std::filesystem::create_directories(s.local_dir("Local/Sub") / d);
    s.local_deliver("Local/Sub", "l1", "S");
    auto r = s.sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(s.server()["Local/Sub"].count("l1"), 1u);
    // CREATE Local/Sub makes the server create the superior name Local too (RFC 3501 6.3.3): a
    // \Noselect node on Dovecot, an empty mailbox on Cyrus, which the next run mirrors locally.
    auto second = s.sync();
    ASSERT_EQ(second.exit_code, 0) << second.output;
    expect_converged(s);
    EXPECT_EQ(s.local()["Local/Sub"].count("l1"), 1u);
    auto again = s.sync("--dry-run");
    EXPECT_EQ(again.output.find("creating"), std::string::npos) << again.output;
}

TEST_P(Sync, DeletedLocallyButFlaggedOnServerIsKept) {
    Scenario s("conflict", "", server());
    s.server_create("INBOX");
    s.server_append("INBOX", "c1", "\\Seen");
    s.server_append("INBOX", "c2", "\\Seen");
    s.server_append("INBOX", "c3", "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    s.local_delete("INBOX", "c1");
    s.server_flags("INBOX", "c1", "\\Flagged", "");  // changed on the other side since the last sync
    auto r = s.sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_converged(s);
    EXPECT_EQ(s.local()["INBOX"].count("c1"), 1u) << "on_conflict = keep restores it";
}

TEST_P(Sync, SafetyRailRefusesMassDeletionUntilForced) {
    Scenario s("rail", "", server());
    s.server_create("INBOX");
    for (int i = 0; i < 6; ++i) s.server_append("INBOX", "r" + std::to_string(i), "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    for (int i = 0; i < 5; ++i) s.local_delete("INBOX", "r" + std::to_string(i));
    auto refused = s.sync();
    EXPECT_EQ(refused.exit_code, 1) << refused.output;
    EXPECT_NE(refused.output.find("REFUSED"), std::string::npos) << refused.output;
    EXPECT_EQ(total(s.server()), 6u) << "nothing deleted on the server";
    auto forced = s.sync("--force");
    EXPECT_EQ(forced.exit_code, 0) << forced.output;
    EXPECT_EQ(total(s.server()), 1u);
}

TEST_P(Sync, MissingMaildirRootNeverEmptiesTheServer) {
    Scenario s("unmounted", "", server());
    s.server_create("INBOX");
    s.server_append("INBOX", "u1");
    s.server_append("INBOX", "u2");
    ASSERT_EQ(s.sync().exit_code, 0);
    std::filesystem::remove_all(s.maildir());
    auto r = s.sync("--force");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("is the disk mounted"), std::string::npos) << r.output;
    EXPECT_EQ(total(s.server()), 2u);
}

TEST_P(Sync, LostStateIsRebuiltByMatchingWithoutDuplicates) {
    Scenario s("loststate", "", server());
    s.server_create("INBOX");
    s.server_append("INBOX", "s1", "\\Seen");
    s.server_append("INBOX", "s2");
    ASSERT_EQ(s.sync().exit_code, 0);
    std::filesystem::remove_all(s.state_dir());
    s.server_append("INBOX", "s3");       // new on the server meanwhile
    s.local_deliver("INBOX", "s4", "S");  // and new locally
    auto r = s.sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_converged(s);
    EXPECT_EQ(total(s.server()), 4u);
    EXPECT_EQ(total(s.local()), 4u);
}

TEST_P(Sync, DryRunChangesNothing) {
    Scenario s("dryrun", "", server());
    s.server_create("INBOX");
    s.server_append("INBOX", "d1");
    auto r = s.sync("--dry-run -v");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("download"), std::string::npos) << r.output;
    EXPECT_EQ(total(s.local()), 0u);
    for (const char* d : {"cur", "new", "tmp"}) std::filesystem::create_directories(s.local_dir("INBOX") / d);
    s.local_deliver("INBOX", "d2");  // would be uploaded by a real run
    auto server_before = s.server();
    auto r2 = s.sync("--dry-run -v");
    EXPECT_NE(r2.output.find("upload"), std::string::npos) << r2.output;
    EXPECT_EQ(s.server(), server_before);
    auto json = s.sync("--dry-run --log-format json");
    EXPECT_NE(json.output.find("\"plan\":{\"action\":\"download\""), std::string::npos) << json.output;
}

TEST_P(Sync, PullNeverChangesTheServer) {
    Scenario s("pullonly", "direction = \"pull\"\n", server());
    s.server_create("INBOX");
    s.server_append("INBOX", "p1");
    s.server_append("INBOX", "p2", "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    s.local_delete("INBOX", "p1");
    s.local_rename_flags("INBOX", "p2", "FS");
    s.local_deliver("INBOX", "p3");
    ASSERT_EQ(s.sync().exit_code, 0);
    auto server = s.server()["INBOX"];
    EXPECT_EQ(server.size(), 2u);
    EXPECT_EQ(server.find("p2")->second, "\\Seen");
}

TEST_P(Sync, SecondConcurrentRunExitsFour) {
    Scenario s("lock", "", server());
    s.server_create("INBOX");
    s.server_append("INBOX", "l1");
    std::filesystem::create_directories(s.state_dir());
    {
        // Another mailtwin holds the account: the same flock it would take.
        int fd = ::open((s.state_dir() / "test.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        ASSERT_GE(fd, 0);
        ASSERT_EQ(::flock(fd, LOCK_EX), 0);
        auto locked = s.sync();
        EXPECT_EQ(locked.exit_code, 4) << locked.output;
        EXPECT_NE(locked.output.find("another mailtwin"), std::string::npos) << locked.output;
        ::close(fd);
    }
    // A run killed mid-way releases the lock by dying (flock): the next run proceeds and converges.
    auto stopped = s.sync("", "MAILTWIN_TEST_STOP_AFTER_STEP=1");
    EXPECT_EQ(stopped.exit_code, 99);
    auto after = s.sync();
    EXPECT_EQ(after.exit_code, 0) << after.output;
    expect_converged(s);
}

std::map<std::string, ino_t> local_inodes(const Scenario& s, const std::string& leaf) {
    std::map<std::string, ino_t> out;
    for (const char* sub : {"cur", "new"})
        for (const auto& e : std::filesystem::directory_iterator(s.local_dir(leaf) / sub)) {
            struct stat st {};
            ::stat(e.path().c_str(), &st);
            out[e.path().filename().string().substr(0, e.path().filename().string().find(':'))] = st.st_ino;
        }
    return out;
}

TEST_P(Sync, UidvalidityChangeRematchesWithoutDownloadingAgain) {
    Scenario s("uidvalidity", "", server());
    s.server_create("INBOX");
    for (int i = 0; i < 3; ++i) s.server_append("INBOX", "v" + std::to_string(i), "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    auto before = local_inodes(s, "INBOX");
    // The server loses its UIDs: the folder is recreated with the same messages (new UIDVALIDITY).
    auto remote = s.server();
    ASSERT_EQ(remote["INBOX"].size(), 3u);
    s.sync("--dry-run");  // harmless; keeps the state as it was
    {
        s.server_recreate("INBOX");
        for (int i = 0; i < 3; ++i) s.server_append("INBOX", "v" + std::to_string(i), "\\Seen");
        s.server_append("INBOX", "v3");  // and one really new message
    }
    auto r = s.sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_converged(s);
    auto after = local_inodes(s, "INBOX");
    EXPECT_EQ(after.size(), 4u);
    for (const auto& [key, inode] : before) {
        ASSERT_TRUE(after.count(key)) << "local file " << key << " was replaced";
        EXPECT_EQ(after[key], inode) << "local file " << key << " was downloaded again";
    }
    EXPECT_EQ(total(s.server()), 4u);
}

TEST_P(Sync, KeywordsTravelThroughDovecotKeywords) {
    Scenario s("keywords", "", server());
    s.server_create("INBOX");
    // A server without "\\*" in PERMANENTFLAGS (Mailutils imap4d) refuses keywords outright (APPEND
    // and STORE answer BAD): there is nothing to carry.
    if (!s.server_keeps_keywords("INBOX")) GTEST_SKIP() << "the server cannot store keywords (PERMANENTFLAGS)";
    s.server_append("INBOX", "k1", "\\Seen $label1 Junk");
    ASSERT_EQ(s.sync().exit_code, 0);
    std::ifstream kw(s.local_dir("INBOX") / "dovecot-keywords");
    std::string text((std::istreambuf_iterator<char>(kw)), {});
    EXPECT_NE(text.find("$label1"), std::string::npos) << text;
    EXPECT_NE(text.find("Junk"), std::string::npos) << text;
    bool lettered = false;
    for (const auto& e : std::filesystem::directory_iterator(s.local_dir("INBOX") / "cur")) {
        std::string name = e.path().filename().string();
        lettered = name.substr(name.find(":2,")) == ":2,Sab";
    }
    EXPECT_TRUE(lettered);
    // A second run changes nothing: the keywords are not lost on the server.
    ASSERT_EQ(s.sync().exit_code, 0);
    auto r = s.sync("--dry-run --full -v");
    EXPECT_EQ(r.output.find("set-flags"), std::string::npos) << r.output;
}

TEST_P(Sync, LocalMoveBecomesAServerMove) {
    Scenario s("localmove", "", server());
    s.server_create("A");
    s.server_create("B");
    s.server_append("A", "mv1", "\\Seen");
    s.server_append("A", "mv2", "\\Seen");
    s.server_append("A", "stay1", "\\Seen");
    s.server_append("A", "stay2", "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    // The reader moves a file to B (same name) and flags it on the way.
    s.local_move("A", "B", "mv1", "FS");
    // Without -v a dry run summarises: no line per message moved (a reader's archive of 500 messages
    // would be 500 lines), the move counted in its folder and the total.
    auto dry = s.sync("--dry-run");
    ASSERT_EQ(dry.exit_code, 0) << dry.output;
    EXPECT_EQ(dry.output.find("move remote"), std::string::npos) << dry.output;
    EXPECT_NE(dry.output.find("B: moved in 1 (planned)\n"), std::string::npos) << dry.output;
    EXPECT_NE(dry.output.find("would change 1 folder: moved in 1"), std::string::npos) << dry.output;
    auto r = s.sync("-v");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("move remote uid="), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("+1 \u2191"), std::string::npos) << "a move must not re-upload: " << r.output;
    EXPECT_NE(r.output.find("total: 1 folder changed in "), std::string::npos) << r.output;
    expect_converged(s);
    auto server = s.server();
    EXPECT_EQ(server["A"].count("mv1"), 0u);
    ASSERT_EQ(server["B"].count("mv1"), 1u);
    EXPECT_EQ(server["B"].find("mv1")->second, "\\Flagged \\Seen");
    auto again = s.sync("--dry-run -v");
    EXPECT_EQ(again.output.find("move remote"), std::string::npos) << again.output;
}

TEST_P(Sync, ServerMoveBecomesALocalRename) {
    Scenario s("remotemove", "", server());
    s.server_create("A");
    s.server_create("B");
    for (const char* id : {"rm1", "rm2", "rm3"}) s.server_append("A", id, "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    auto before = local_inodes(s, "A");
    s.server_move("A", "B", "rm1");  // another client moves it on the server
    auto r = s.sync("-v");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("move local key="), std::string::npos) << r.output;
    expect_converged(s);
    auto after = local_inodes(s, "B");
    ASSERT_EQ(after.size(), 1u);
    bool same_file = false;
    for (const auto& [key, inode] : before) same_file = same_file || (after.count(key) && after[key] == inode);
    EXPECT_TRUE(same_file) << "the local copy was downloaded again instead of renamed";
}

TEST_P(Sync, ExpungeNoneKeepsBothSides) {
    Scenario s("expnone", "expunge = \"none\"\n", server());
    s.server_create("INBOX");
    for (const char* id : {"e1", "e2", "e3", "e4"}) s.server_append("INBOX", id, "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    s.local_delete("INBOX", "e1");
    s.server_expunge("INBOX", "e2");
    auto r = s.sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(s.server()["INBOX"].count("e1"), 1u) << "a local deletion stays local";
    EXPECT_EQ(s.local()["INBOX"].count("e2"), 1u) << "a server expunge stays on the server";
    EXPECT_EQ(s.sync().exit_code, 0);
    EXPECT_EQ(s.server()["INBOX"].count("e1"), 1u) << "and is not copied back either";
    EXPECT_EQ(s.local()["INBOX"].count("e1"), 0u);
}

TEST_P(Sync, FlagChangesFromBothSidesMerge) {
    Scenario s("merge", "", server());
    s.server_create("INBOX");
    s.server_append("INBOX", "f1", "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    s.local_rename_flags("INBOX", "f1", "FS");        // flagged locally
    s.server_flags("INBOX", "f1", "\\Answered", "");  // answered from another client
    ASSERT_EQ(s.sync().exit_code, 0);
    expect_converged(s);
    EXPECT_EQ(s.server()["INBOX"].find("f1")->second, "\\Flagged \\Answered \\Seen");
}

TEST_P(Sync, OnConflictDeletePropagatesTheDeletion) {
    Scenario s("conflictdel", "on_conflict = \"delete\"\n", server());
    s.server_create("INBOX");
    for (const char* id : {"c1", "c2", "c3"}) s.server_append("INBOX", id, "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    s.local_delete("INBOX", "c1");
    s.server_flags("INBOX", "c1", "\\Flagged", "");
    ASSERT_EQ(s.sync().exit_code, 0);
    expect_converged(s);
    EXPECT_EQ(s.server()["INBOX"].count("c1"), 0u);
}

TEST_P(Sync, MovedOnBothSidesTheServerWins) {
    Scenario s("bothmove", "", server());
    for (const char* f : {"A", "B", "C"}) s.server_create(f);
    for (const char* id : {"bm1", "bm2", "bm3"}) s.server_append("A", id, "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    s.local_move("A", "B", "bm1", "S");
    s.server_move("A", "C", "bm1");
    auto r = s.sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_converged(s);
    auto server = s.server();
    EXPECT_EQ(server["B"].count("bm1"), 0u);
    EXPECT_EQ(server["C"].count("bm1"), 1u);
    std::size_t copies = 0;
    for (const auto& [f, c] : server) copies += c.count("bm1");
    EXPECT_EQ(copies, 1u) << "nothing duplicated";
}

TEST_P(Sync, FolderFilterSelectsAndExcludes) {
    Scenario s("filter", "folders = [\"@P/*\", \"!@P/Spam\", \"!@P/Lists/*\", \"@P/Lists/keep\"]\n", server());
    for (const char* f : {"INBOX", "Spam", "Lists/drop", "Lists/keep"}) s.server_create(f);
    for (const char* f : {"INBOX", "Spam", "Lists/drop", "Lists/keep"})
        s.server_append(f, std::string("x-") + f[0] + f[1]);
    ASSERT_EQ(s.sync().exit_code, 0);
    EXPECT_TRUE(std::filesystem::exists(s.local_dir("INBOX")));
    EXPECT_TRUE(std::filesystem::exists(s.local_dir("Lists/keep")));
    EXPECT_FALSE(std::filesystem::exists(s.local_dir("Spam")));
    EXPECT_FALSE(std::filesystem::exists(s.local_dir("Lists/drop")));
}

TEST_P(Sync, TwentyMegabyteMessageIsByteExact) {
    Scenario s("big", "", server());
    s.server_create("INBOX");
    std::string text = "From: a@b\r\nSubject: big\r\nMessage-ID: <big@scenario.test>\r\n\r\n";
    std::string line;
    for (int i = 0; i < 76; ++i) line += static_cast<char>('A' + i % 26);
    while (text.size() < 20u * 1024 * 1024) text += line + "\r\n";
    s.server_append_text("INBOX", text);
    ASSERT_EQ(s.sync().exit_code, 0);
    std::string local;
    for (const char* sub : {"cur", "new"})
        for (const auto& e : std::filesystem::directory_iterator(s.local_dir("INBOX") / sub)) {
            std::ifstream in(e.path(), std::ios::binary);
            local.assign(std::istreambuf_iterator<char>(in), {});
        }
    EXPECT_EQ(local.size(), text.size());
    EXPECT_TRUE(local == text) << "the downloaded file differs from what was appended";
}

TEST_P(Sync, TrashReceivesLocalDeletions) {
    Scenario s("trash", "trash = \"@P/Trash\"\n", server());
    s.server_create("INBOX");
    s.server_create("Trash");
    for (const char* id : {"t1", "t2", "t3"}) s.server_append("INBOX", id, "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    s.local_delete("INBOX", "t1");
    ASSERT_EQ(s.sync().exit_code, 0);
    auto server = s.server();
    EXPECT_EQ(server["INBOX"].count("t1"), 0u);
    EXPECT_EQ(server["Trash"].count("t1"), 1u) << "moved to the trash folder, not expunged";
}

// 2,000 messages, a kill after each of a dozen steps in turn, every run resuming the last one's
// work: both sides end up with the same bodies (Message-ID and body hash), none twice, none lost.
TEST_P(Sync, KilledTwelveTimesDuringALargeSyncConverges) {
    Scenario s("bigkill", "", server());
    s.server_create("INBOX");
    s.server_create("Archive");
    std::vector<std::string> inbox, archive;
    for (int i = 0; i < 1500; ++i) inbox.push_back("bk" + std::to_string(i));
    for (int i = 0; i < 500; ++i) archive.push_back("ba" + std::to_string(i));
    s.server_append_many("INBOX", inbox);
    s.server_append_many("Archive", archive);
    for (int point = 1; point <= 12; ++point) {
        auto r = s.sync("", "MAILTWIN_TEST_STOP_AFTER_STEP=" + std::to_string(point));
        ASSERT_TRUE(r.exit_code == 99 || r.exit_code == 0) << r.output;
        if (point == 6) {  // changes on both sides in the middle of it all
            s.local_deliver("INBOX", "local-mid", "S");
            s.server_append("Archive", "server-mid");
        }
    }
    auto clean = s.sync();
    ASSERT_EQ(clean.exit_code, 0) << clean.output;
    for (const char* f : {"INBOX", "Archive"}) {
        auto server = s.server_bodies(f);
        auto local = s.local_bodies(f);
        EXPECT_EQ(server, local) << f;
        EXPECT_EQ(std::set<std::string>(server.begin(), server.end()).size(), server.size()) << "duplicate in " << f;
    }
    EXPECT_EQ(s.server_bodies("INBOX").size(), 1501u);
    EXPECT_EQ(s.server_bodies("Archive").size(), 501u);
    auto again = s.sync("--dry-run -v");
    EXPECT_EQ(again.output.find("download"), std::string::npos) << again.output;
}

// Changes on both sides, then a run killed right after its N-th committed step, for every N the
// run has; each time a clean run must converge with nothing lost and nothing duplicated.
TEST_P(Sync, KilledAfterEveryStepConverges) {
    std::map<int, model::UidValidity> synced_uidvalidity;  // INBOX's, after the first sync of each step
    for_each_kill_point(
        [&](int step) {
            auto s = std::make_unique<Scenario>("crash" + std::to_string(step), "", server());
            s->server_create("INBOX");
            s->server_create("Other");
            for (int i = 0; i < 4; ++i) s->server_append("INBOX", "base" + std::to_string(i), "\\Seen");
            EXPECT_EQ(s->sync().exit_code, 0);
            synced_uidvalidity[step] = s->server_uidvalidity("INBOX");
            s->server_append("INBOX", "srvnew", "\\Flagged");
            s->server_append("Other", "other1");
            s->server_flags("INBOX", "base0", "\\Answered", "");
            s->server_expunge("INBOX", "base1");
            s->local_deliver("INBOX", "locnew", "S");
            s->local_rename_flags("INBOX", "base2", "FS");
            s->local_delete("INBOX", "base3");
            return s;
        },
        [&](Scenario& s, int step, const RunResult& killed, const RunResult& clean) {
            expect_converged(s);
            auto server = s.server();
            std::string ids;
            for (const auto& [id, flags] : server["INBOX"]) ids += id + " ";
            // Mailutils imap4d announced a new UIDVALIDITY for INBOX in most of these runs (issue 20
            // item 4). Across such a change mailtwin matches by identity and puts back a message
            // deleted on the server meanwhile rather than risk a loss (README, "UIDVALIDITY change or
            // lost state"): base1 may then be on both sides, once. Without one it must be gone.
            const bool new_uidvalidity = s.server_uidvalidity("INBOX") != synced_uidvalidity[step];
            const std::size_t restored = new_uidvalidity ? server["INBOX"].count("base1") : 0;
            EXPECT_LE(restored, 1u);
            EXPECT_EQ(server["INBOX"].size(), 4u + restored)
                << "step " << step << ": " << ids << "\nkilled run: " << killed.output
                << "\nclean run: " << clean.output;
            for (const char* id : {"base0", "base2", "srvnew", "locnew"})  // base1 and base3 were deleted
                EXPECT_EQ(server["INBOX"].count(id), 1u) << id << " after a kill at step " << step;
            EXPECT_EQ(server["Other"].count("other1"), 1u);
        });
}

INSTANTIATE_TEST_SUITE_P(Servers, Sync, ::testing::Values("dovecot", "cyrus", "courier", "mailutils", "degraded"),
                         [](const auto& param_info) { return std::string(param_info.param); });

}  // namespace
}  // namespace mailtwin::test
