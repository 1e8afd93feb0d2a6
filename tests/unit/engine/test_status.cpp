#include "mailtwin/report/status.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "fixtures/temp_dir.hpp"
#include "mailtwin/report/status_format.hpp"
#include "mailtwin/state/account_lock.hpp"
#include "mailtwin/state/state_db.hpp"

namespace mailtwin::engine {
namespace {

model::FlagSet flags(std::initializer_list<model::Flag> fs) {
    model::FlagSet out;
    for (auto f : fs) out.set(f);
    return out;
}

model::PairState row(model::Uid uid, const std::string& key, model::FlagSet local = {}, bool detached = false) {
    model::PairState p;
    p.uid = uid;
    p.key = key;
    p.local_flags = local;
    p.remote_flags = local;
    p.detached = detached;
    return p;
}

model::LocalMessage file(const std::string& key, model::FlagSet f = {}) {
    model::LocalMessage m;
    m.key = key;
    m.flags = f;
    return m;
}

TEST(PendingChanges, CountsNewGoneAndRenamedFilesAgainstTheLastSync) {
    model::LocalView now;
    now.messages = {file("same"), file("flagged", flags({model::Flag::flagged})), file("brand-new")};
    std::vector<model::PairState> last{row(1, "same"), row(2, "flagged"), row(3, "deleted")};
    EXPECT_EQ(pending_changes(now, last), (PendingChanges{1, 1, 1}));
    EXPECT_EQ(pending_changes(now, last).total(), 3u);
}

TEST(PendingChanges, DetachedRowsAndDownloadsInFlightAreNotPending) {
    model::LocalView now;
    now.messages = {file("kept-locally", flags({model::Flag::seen}))};
    std::vector<model::PairState> last{row(0, "kept-locally", {}, true),  // its server copy is gone, on purpose
                                       row(5, "gone-too", {}, true),      // detached, now deleted here as well
                                       row(7, "")};                       // a download not yet recorded
    EXPECT_EQ(pending_changes(now, last), PendingChanges{});
}

TEST(FolderStatus, RemoteChangedComparesTheCountersAfterTheLastRunWithTheLiveStatus) {
    FolderStatus f;
    EXPECT_FALSE(f.remote_changed().has_value());
    f.record = state::FolderState{};
    f.record->uidvalidity = 7;
    f.record->highestmodseq = 90;  // the checkpoint, before the run's own writes
    f.record->uidnext = 10;
    f.record->after_run_highestmodseq = 100;  // after them
    f.record->after_run_uidnext = 12;
    f.record->after_run_messages = 3;
    f.remote = imap::StatusData{};
    f.remote->uidvalidity = 7;
    f.remote->highestmodseq = 100;
    EXPECT_EQ(f.remote_changed(), false);
    f.remote->highestmodseq = 101;
    EXPECT_EQ(f.remote_changed(), true);
    f.remote->highestmodseq = 100;
    f.remote->uidvalidity = 8;
    EXPECT_EQ(f.remote_changed(), true);
    // No mod-sequences: UIDNEXT and the count still tell new mail and expunges.
    f.record->highestmodseq = f.record->after_run_highestmodseq = 0;
    f.remote = imap::StatusData{};
    f.remote->uidnext = 12;
    f.remote->messages = 3;
    EXPECT_EQ(f.remote_changed(), false);
    f.remote->messages = 2;
    EXPECT_EQ(f.remote_changed(), true);
    f.remote->messages = 3;
    f.remote->uidnext = 13;
    EXPECT_EQ(f.remote_changed(), true);
}

TEST(StatusFormat, AgesAndIsoTimes) {
    EXPECT_EQ(format_age(1000, 1005), "just now");
    EXPECT_EQ(format_age(1000, 1042), "42 s ago");
    EXPECT_EQ(format_age(1000, 1000 + 3 * 60 + 59), "3 min ago");
    EXPECT_EQ(format_age(0, 5 * 3600), "5 h ago");
    EXPECT_EQ(format_age(0, 12 * 86400), "12 days ago");
    EXPECT_EQ(format_age(5000, 1000), "in the future");
    EXPECT_EQ(format_iso_utc(1714557600), "2024-05-01T10:00:00Z");
}

AccountStatus sample_account() {
    AccountStatus a;
    a.account = "work";
    a.host = "imap.example.com";
    a.maildir = "/home/me/Mail/work";
    a.state_found = true;
    a.remote_checked = true;
    FolderStatus inbox;
    inbox.name = "INBOX";
    inbox.local_path = "/home/me/Mail/work/INBOX";
    inbox.record = state::FolderState{};
    inbox.record->uidvalidity = 1700000000;
    inbox.record->highestmodseq = 1230;
    inbox.record->after_run_highestmodseq = 1234;
    inbox.record->after_run_messages = 120;
    inbox.record->last_sync = 1714557600;
    inbox.state_pairs = 120;
    inbox.remote = imap::StatusData{};
    inbox.remote->messages = 121;
    inbox.remote->uidvalidity = 1700000000;
    inbox.remote->highestmodseq = 1240;
    inbox.remote_listed = true;
    inbox.local_count = 121;
    inbox.pending = PendingChanges{1, 0, 2};
    FolderStatus lists;
    lists.name = "Lists/dev";
    lists.local_path = "/home/me/Mail/work/Lists/dev";
    lists.remote = imap::StatusData{};
    lists.remote->messages = 5;
    lists.remote_listed = true;
    a.folders = {inbox, lists};
    return a;
}

TEST(StatusFormat, TableIsAlignedAndSummarised) {
    const std::string out = render_status_table({sample_account()}, 1714557600 + 180);
    EXPECT_EQ(out,
              "work  imap.example.com -> /home/me/Mail/work\n"
              "  FOLDER     UIDVALIDITY  MODSEQ  SERVER  SYNCED  LOCAL  PENDING   LAST SYNC\n"
              "  INBOX      1700000000   1234    121*    120     121    +1 -0 ~2  3 min ago (2024-05-01T10:00:00Z)\n"
              "  Lists/dev  -            -       5       -       -      -         never\n"
              "  2 folders: 126 on the server, 120 synced, 121 local; 3 local changes pending; last sync 3 min ago\n"
              "  * changed on the server since the last sync\n");
}

TEST(StatusFormat, JsonHasOneObjectPerFolderThenAccountAndSummary) {
    const std::string out = render_status_json({sample_account()}, 1714557600 + 180);
    std::vector<std::string> lines;
    for (std::size_t pos = 0, nl; (nl = out.find('\n', pos)) != std::string::npos; pos = nl + 1)
        lines.push_back(out.substr(pos, nl - pos));
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(
        lines[0],
        "{\"event\":\"folder\",\"account\":\"work\",\"folder\":\"INBOX\",\"local_path\":\"/home/me/Mail/work/INBOX\","
        "\"selected\":true,\"synced_before\":true,\"uidvalidity\":1700000000,\"highestmodseq\":1230,\"uidnext\":0,"
        "\"last_sync\":1714557600,\"last_sync_iso\":\"2024-05-01T10:00:00Z\",\"remote_messages_last\":0,"
        "\"after_run\":{\"highestmodseq\":1234,\"uidnext\":0,\"messages\":120},"
        "\"synced_messages\":120,\"skipped_over_max_size\":{\"server\":0,\"local\":0},"
        "\"last_failure\":null,\"remote\":{\"messages\":121,\"uidvalidity\":1700000000,\"uidnext\":null,"
        "\"highestmodseq\":1240},\"remote_changed\":true,\"local_messages\":121,"
        "\"pending\":{\"added\":1,\"removed\":0,\"renamed\":2}}");
    EXPECT_NE(lines[1].find("\"folder\":\"Lists/dev\""), std::string::npos);
    EXPECT_NE(lines[1].find("\"uidvalidity\":null"), std::string::npos);
    EXPECT_NE(lines[1].find("\"pending\":null"), std::string::npos);
    EXPECT_EQ(lines[2].rfind("{\"event\":\"account\",\"account\":\"work\"", 0), 0u);
    EXPECT_NE(lines[2].find("\"last_sync\":1714557600"), std::string::npos);
    EXPECT_NE(lines[2].find("\"last_run\":null,\"last_run_iso\":null,\"last_run_error\":null,\"max_size\":0}"),
              std::string::npos)
        << lines[2];
    EXPECT_EQ(lines[3],
              "{\"event\":\"summary\",\"accounts\":1,\"folders\":2,\"pending\":3,\"remote_changed\":1,"
              "\"errors\":0,\"skipped_over_max_size\":0,\"failed_last_run\":0,\"now\":1714557780}");
}

// gather_status against a real state file and Maildir, offline.
class GatherStatus : public ::testing::Test {
protected:
    void SetUp() override {
        m_config.general.state_dir = m_dir / "state";
        config::Account a;
        a.name = "acc";
        a.maildir = m_dir / "Mail";
        a.imap.host = "imap.invalid";
        m_config.accounts.push_back(a);
    }
    void touch(const std::string& rel) {
        std::filesystem::create_directories((m_dir / "Mail" / rel).parent_path());
        std::ofstream(m_dir / "Mail" / rel) << "Subject: x\n\nbody\n";
    }
    void maildir(const std::string& folder) {
        for (const char* sub : {"cur", "new", "tmp"})
            std::filesystem::create_directories(m_dir / "Mail" / folder / sub);
    }

    test::TempDir m_dir{"mailtwin-status"};
    config::Config m_config;
};

TEST_F(GatherStatus, MatchesTheStateAndTheMaildir) {
    maildir("INBOX");
    touch("INBOX/cur/k1:2,S");   // as recorded
    touch("INBOX/cur/k2:2,FS");  // flagged since
    touch("INBOX/new/k4");       // new
    // k3 was deleted locally.
    {
        auto db = state::StateDb::open(m_config.general.state_dir / "state.mdb");
        ASSERT_TRUE(db) << db.error().describe();
        state::FolderState rec;
        rec.uidvalidity = 42;
        rec.highestmodseq = 900;
        rec.uidnext = 4;
        rec.last_sync = 1714557600;
        rec.message_count = 3;
        rec.local_path = (m_dir / "Mail" / "INBOX").string();
        auto w = db->write([&](state::WriteTxn& txn) -> util::Expected<void> {
            if (auto r = db->save_folder(txn, "acc", "INBOX", rec); !r) return r;
            model::Uid uid = 1;
            for (const char* key : {"k1", "k2", "k3"}) {
                state::MessageRecord m;
                m.uid = uid++;
                m.local_key = key;
                m.local_flags = flags({model::Flag::seen});
                m.remote_flags = m.local_flags;
                if (auto r = db->put_message(txn, "acc", "INBOX", m); !r) return r;
            }
            // A later run found INBOX unchanged: no new checkpoint, one run record.
            state::AccountRuns runs;
            runs.last_run = 1714557600 + 600;
            runs.folders["INBOX"] = state::FolderRun{1714557600 + 600, 0, ""};
            return db->save_runs(txn, "acc", runs);
        });
        ASSERT_TRUE(w) << w.error().describe();
    }
    // A running sync holds the account lock: status must neither wait for it nor need it.
    auto lock = state::AccountLock::acquire(m_config.general.state_dir, "acc");
    ASSERT_TRUE(lock);

    StatusOptions offline;
    offline.offline = true;
    AccountStatus s = gather_status(m_config, m_config.accounts[0], offline);
    EXPECT_TRUE(s.state_found);
    EXPECT_FALSE(s.remote_checked);
    EXPECT_FALSE(s.state_error.has_value());
    ASSERT_EQ(s.folders.size(), 1u);
    const FolderStatus& f = s.folders[0];
    EXPECT_EQ(f.name, "INBOX");
    ASSERT_TRUE(f.record.has_value());
    EXPECT_EQ(f.record->uidvalidity, 42u);
    EXPECT_EQ(f.record->highestmodseq, 900u);
    EXPECT_EQ(f.state_pairs, 3u);
    EXPECT_EQ(f.local_count, 3u);
    ASSERT_TRUE(f.pending.has_value());
    EXPECT_EQ(*f.pending, (PendingChanges{1, 1, 1}));
    EXPECT_EQ(f.last_sync(), 1714557600 + 600);  // the unchanged run, not the last checkpoint
    EXPECT_FALSE(f.failed_last_run());
    EXPECT_EQ(s.last_sync(), 1714557600 + 600);
    EXPECT_EQ(s.last_run, 1714557600 + 600);
}

TEST_F(GatherStatus, NeverCreatesAStateFile) {
    maildir("INBOX");
    touch("INBOX/new/a1");
    maildir("Archive");
    StatusOptions offline;
    offline.offline = true;
    AccountStatus s = gather_status(m_config, m_config.accounts[0], offline);
    EXPECT_FALSE(s.state_found);
    EXPECT_FALSE(std::filesystem::exists(m_config.general.state_dir));
    ASSERT_EQ(s.folders.size(), 2u);
    EXPECT_EQ(s.folders[0].name, "Archive");
    EXPECT_EQ(s.folders[1].name, "INBOX");
    EXPECT_EQ(s.folders[1].local_count, 1u);
    EXPECT_FALSE(s.folders[1].pending.has_value());  // nothing to compare with
}

}  // namespace
}  // namespace mailtwin::engine
