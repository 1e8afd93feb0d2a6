// `status` right after a sync (issue 18 item 3, item 10 part), through the real binary against the
// fixture Dovecot: LAST SYNC moves for folders a run found unchanged (one small LMDB write for the
// whole run), mailtwin's own writes are not "changed on the server" but another client's are, a
// failed folder keeps its last good sync, and messages max_size kept back are counted and explained.
#include <gtest/gtest.h>
#include <lmdb.h>
#include <sys/stat.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#include "daily_setup.hpp"
#include "fixtures/imap_test_util.hpp"
#include "mailtwin/maildir/scan.hpp"
#include "mailtwin/report/status_format.hpp"
#include "mailtwin/state/codec.hpp"
#include "mailtwin/state/state_db.hpp"

namespace mailtwin::test {
namespace {

namespace fs = std::filesystem;
using boost::property_tree::ptree;

std::vector<std::string> words(const std::string& line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

// The lines of `text`, each as its words: the table's column padding depends on the values, the
// words do not.
std::vector<std::vector<std::string>> word_lines(const std::string& text) {
    std::vector<std::vector<std::string>> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(words(line));
    return out;
}

const ptree& folder_json(const std::vector<ptree>& lines, const std::string& folder) {
    for (const auto& l : lines)
        if (l.get<std::string>("event", "") == "folder" && l.get<std::string>("folder", "") == folder) return l;
    throw std::runtime_error("no status line for " + folder);
}

// The bytes of the account's run record as stored.
std::size_t run_record_bytes(const DailySetup& s) {
    auto db = state::StateDb::open(s.state_dir() / "state.mdb");
    if (!db) throw std::runtime_error(db.error().describe());
    auto txn = db->begin_read();
    auto runs = db->load_runs(*txn, "test");
    return runs && *runs ? state::codec::encode(**runs).size() : 0;
}

// The id of the last committed LMDB write transaction: one more per commit that wrote anything.
std::size_t last_write_txn(const DailySetup& s) {
    auto env = state::Env::open(s.state_dir() / "state.mdb");
    if (!env) throw std::runtime_error(env.error().describe());
    MDB_envinfo info{};
    mdb_env_info(env->handle(), &info);
    return info.me_last_txnid;
}

// Run times are whole seconds: waiting past the next second makes two runs' times differ.
std::int64_t next_second() {
    const auto start = std::time(nullptr);
    while (std::time(nullptr) == start) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return std::time(nullptr);
}

std::string message_body(std::size_t bytes) {
    std::string body;
    while (body.size() < bytes) body.append(76, 'x').append("\r\n");
    return body;
}

TEST(StatusFreshness, AnUnchangedRunRefreshesEveryFolderWithOneWriteAndNoStar) {
    DailySetup s("fresh-unchanged");
    s.server_create("A");
    s.server_create("B");
    s.server_append("A", "a1");
    s.server_append("B", "b1", "\\Seen");
    ASSERT_EQ(s.mailtwin("sync").exit_code, 0);
    // The run after a change looks at the folders once more (their directories moved with its own
    // downloads, and a stamp younger than the scan's racy window is not trusted) and records their
    // checkpoints; from then on they are unchanged.
    std::this_thread::sleep_for(maildir::k_racy_window + std::chrono::milliseconds(200));
    ASSERT_EQ(s.mailtwin("sync").exit_code, 0);
    const auto first = record_of(s, s.folder("A"));

    const std::int64_t second_run = next_second();
    const std::size_t txns_before = last_write_txn(s);
    const auto unchanged = s.mailtwin("sync");
    ASSERT_EQ(unchanged.exit_code, 0) << unchanged.out << unchanged.err;
    EXPECT_EQ(unchanged.out + unchanged.err, "");
    // The product rule: a run that finds nothing changed makes one small write, no per-folder one.
    EXPECT_EQ(last_write_txn(s) - txns_before, 1u);
    EXPECT_TRUE(record_of(s, s.folder("A")) == first) << "the folder's checkpoint was not rewritten";
    EXPECT_LT(first.last_sync, second_run);
    std::cout << "unchanged run: " << last_write_txn(s) - txns_before << " write transaction, run record "
              << run_record_bytes(s) << " bytes for 2 folders\n";

    const auto json = s.mailtwin("status --json");
    ASSERT_EQ(json.exit_code, 0) << json.out << json.err;
    const auto lines = json_lines(json.out);
    for (const char* leaf : {"A", "B"}) {
        const ptree& f = folder_json(lines, s.folder(leaf));
        EXPECT_GE(f.get<std::int64_t>("last_sync"), second_run) << leaf;
        EXPECT_EQ(f.get<std::string>("remote_changed"), "false") << leaf;
        EXPECT_EQ(f.get<std::string>("last_failure"), "null") << leaf;
    }
    EXPECT_GE(lines[lines.size() - 2].get<std::int64_t>("last_run"), second_run);

    const auto table = s.mailtwin("status");
    ASSERT_EQ(table.exit_code, 0) << table.out << table.err;
    const auto a = record_of(s, s.folder("A"));
    const auto b = record_of(s, s.folder("B"));
    const std::int64_t shown = folder_json(lines, s.folder("A")).get<std::int64_t>("last_sync");
    const std::string when = "(" + engine::format_iso_utc(shown) + ")";
    EXPECT_EQ(word_lines(table.out),
              (std::vector<std::vector<std::string>>{
                  {"test", "127.0.0.1", "->", s.maildir().string()},
                  {"FOLDER", "UIDVALIDITY", "MODSEQ", "SERVER", "SYNCED", "LOCAL", "PENDING", "LAST", "SYNC"},
                  {s.folder("A"), std::to_string(a.uidvalidity), std::to_string(a.after_run_highestmodseq), "1", "1",
                   "1", "none", "just", "now", when},
                  {s.folder("B"), std::to_string(b.uidvalidity), std::to_string(b.after_run_highestmodseq), "1", "1",
                   "1", "none", "just", "now", when},
                  {"2", "folders:", "2", "on", "the", "server,", "2", "synced,", "2", "local;", "no", "local",
                   "changes", "pending;", "last", "sync", "just", "now"}}))
        << table.out;

    // --dry-run refreshes nothing and writes nothing; --folder refreshes only that folder.
    next_second();
    const std::size_t before_dry = last_write_txn(s);
    ASSERT_EQ(s.mailtwin("sync --dry-run").exit_code, 0);
    EXPECT_EQ(last_write_txn(s), before_dry);
    const std::int64_t only_a = next_second();
    ASSERT_EQ(s.mailtwin("sync --folder " + s.folder("A")).exit_code, 0);
    const auto after = json_lines(s.mailtwin("status --json").out);
    EXPECT_GE(folder_json(after, s.folder("A")).get<std::int64_t>("last_sync"), only_a);
    EXPECT_EQ(folder_json(after, s.folder("B")).get<std::int64_t>("last_sync"), shown);
}

TEST(StatusFreshness, OwnWritesAreNotChangesOnTheServerButAnotherClientsAre) {
    DailySetup s("fresh-own");
    s.server_create("A");
    s.server_create("B");
    for (const char* id : {"a1", "a2", "a3"}) s.server_append("A", id);
    s.server_append("B", "b1");
    ASSERT_EQ(s.mailtwin("sync").exit_code, 0);

    // In the Maildir: a flag (a STORE), a deletion (an expunge), a new message (an upload) and a move
    // from A to B (a UID MOVE): every kind of server write a sync makes.
    std::vector<std::string> files;
    for (const char* sub : {"cur", "new"})
        for (const auto& e : fs::directory_iterator(s.local_dir("A") / sub)) files.push_back(e.path().string());
    ASSERT_EQ(files.size(), 3u);
    const std::string key0 =
        fs::path(files[0]).filename().string().substr(0, fs::path(files[0]).filename().string().find(':'));
    fs::rename(files[0], s.local_dir("A") / "cur" / (key0 + ":2,FS"));
    fs::remove(files[1]);
    fs::rename(files[2], s.local_dir("B") / "cur" / fs::path(files[2]).filename());
    std::ofstream(s.local_dir("A") / "new" / "1700000000.up1.host") << sample_message("up1");
    const auto sync = s.mailtwin("sync");
    ASSERT_EQ(sync.exit_code, 0) << sync.out << sync.err;

    auto status = s.mailtwin("status --json");
    auto lines = json_lines(status.out);
    for (const char* leaf : {"A", "B"}) {
        const ptree& f = folder_json(lines, s.folder(leaf));
        EXPECT_EQ(f.get<std::string>("remote_changed"), "false") << leaf << ": " << status.out;
        // The server did move past the checkpoint: the run recognised its own writes.
        EXPECT_GT(f.get<std::uint64_t>("after_run.highestmodseq"), f.get<std::uint64_t>("highestmodseq")) << leaf;
        EXPECT_EQ(f.get<std::uint64_t>("after_run.highestmodseq"), f.get<std::uint64_t>("remote.highestmodseq"));
    }
    EXPECT_EQ(folder_json(lines, s.folder("A")).get<int>("remote.messages"), 2);  // a1 flagged, up1
    EXPECT_EQ(folder_json(lines, s.folder("B")).get<int>("remote.messages"), 2);  // b1, the moved one
    const auto table = s.mailtwin("status");
    EXPECT_EQ(table.out.find("changed on the server"), std::string::npos) << table.out;
    EXPECT_EQ(words(table.out.substr(table.out.find(s.folder("A") + " "))).at(3), "2") << table.out;

    // Another client flags a message in B: B, and only B, is marked.
    s.server_add_flag("B", "b1", "\\Answered");
    const auto other = s.mailtwin("status");
    EXPECT_EQ(other.exit_code, 0);
    std::istringstream in(other.out);
    std::vector<std::vector<std::string>> rows;
    for (std::string line; std::getline(in, line);) rows.push_back(words(line));
    ASSERT_GE(rows.size(), 6u) << other.out;
    EXPECT_EQ(rows[2].at(0), s.folder("A"));
    EXPECT_EQ(rows[2].at(3), "2") << other.out;
    EXPECT_EQ(rows[3].at(0), s.folder("B"));
    EXPECT_EQ(rows[3].at(3), "2*") << other.out;
    EXPECT_EQ(rows[5], words("* changed on the server since the last sync")) << other.out;

    // Another client's new mail and expunge are marked too, even in a folder mailtwin wrote to.
    s.server_append("A", "from-elsewhere");
    lines = json_lines(s.mailtwin("status --json").out);
    EXPECT_EQ(folder_json(lines, s.folder("A")).get<std::string>("remote_changed"), "true");
    ASSERT_EQ(s.mailtwin("sync").exit_code, 0);
    lines = json_lines(s.mailtwin("status --json").out);
    EXPECT_EQ(folder_json(lines, s.folder("A")).get<std::string>("remote_changed"), "false");
    EXPECT_EQ(folder_json(lines, s.folder("B")).get<std::string>("remote_changed"), "false");
    s.server_expunge("A", "from-elsewhere");
    lines = json_lines(s.mailtwin("status --json").out);
    EXPECT_EQ(folder_json(lines, s.folder("A")).get<std::string>("remote_changed"), "true");
}

TEST(StatusFreshness, AFailedFolderKeepsItsLastGoodSyncAndSaysWhy) {
    DailySetup s("fresh-failed");
    s.server_create("A");
    s.server_create("B");
    s.server_append("A", "a1");
    s.server_append("B", "b1");
    ASSERT_EQ(s.mailtwin("sync").exit_code, 0);
    const std::int64_t good = record_of(s, s.folder("A")).last_sync;

    // A FIFO among A's messages cannot be uploaded: A fails, B is found unchanged.
    const fs::path fifo = s.local_dir("A") / "new" / "1700000000.fifo.host";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const std::int64_t failed_run = next_second();
    const auto run = s.mailtwin("sync");
    EXPECT_EQ(run.exit_code, 1) << run.out << run.err;

    const auto lines = json_lines(s.mailtwin("status --json").out);
    const ptree& a = folder_json(lines, s.folder("A"));
    EXPECT_EQ(a.get<std::int64_t>("last_sync"), good) << "a failed folder does not look freshly synced";
    EXPECT_GE(a.get<std::int64_t>("last_failure.at"), failed_run);
    const std::string error = a.get<std::string>("last_failure.error");
    EXPECT_NE(error.find(fifo.string()), std::string::npos) << error;
    EXPECT_GE(folder_json(lines, s.folder("B")).get<std::int64_t>("last_sync"), failed_run);
    EXPECT_EQ(lines.back().get<int>("failed_last_run"), 1);

    const auto table = s.mailtwin("status");
    std::istringstream in(table.out);
    std::vector<std::string> text;
    for (std::string line; std::getline(in, line);) text.push_back(line);
    ASSERT_GE(text.size(), 7u) << table.out;
    const auto row_a = words(text[2]);
    ASSERT_GE(row_a.size(), 3u);
    EXPECT_EQ(row_a.back(), "!") << table.out;
    EXPECT_EQ(row_a[row_a.size() - 2], "(" + engine::format_iso_utc(good) + ")") << table.out;
    EXPECT_EQ(text[4], "  " + s.folder("A") + ": the run " +
                           engine::format_age(a.get<std::int64_t>("last_failure.at"), std::time(nullptr)) +
                           " failed: " + error)
        << table.out;
    EXPECT_EQ(text.back(), "  ! failed in the last run that visited it; LAST SYNC is its last good sync") << table.out;

    // Fixed, the next run clears the mark.
    fs::remove(fifo);
    ASSERT_EQ(s.mailtwin("sync").exit_code, 0);
    const auto fixed = json_lines(s.mailtwin("status --json").out);
    EXPECT_EQ(folder_json(fixed, s.folder("A")).get<std::string>("last_failure"), "null");
}

TEST(StatusFreshness, MessagesOverMaxSizeAreCountedAndExplained) {
    DailySetup s("fresh-skips");
    std::ofstream(s.config_path(), std::ios::app) << "max_size = \"2K\"\n";
    s.server_create("A");
    s.server_append("A", "small");
    s.server_append_many("A", "big", 1, 4096);
    ASSERT_EQ(s.mailtwin("sync").exit_code, 0);
    // A big local message is not uploaded either.
    std::ofstream(s.local_dir("A") / "new" / "1700000000.bigl.host") << sample_message("bigl", message_body(4096));
    ASSERT_EQ(s.mailtwin("sync").exit_code, 0);
    // An incremental run that does not see them again keeps counting them.
    s.server_append("A", "small2");
    ASSERT_EQ(s.mailtwin("sync").exit_code, 0);

    const auto table = s.mailtwin("status");
    ASSERT_EQ(table.exit_code, 0) << table.out << table.err;
    EXPECT_NE(table.out.find("\n  " + s.folder("A") +
                             ": 2 messages over max_size = 2K were not copied (1 on the server, 1 in the Maildir)\n"
                             "  to copy them, raise max_size in [accounts.test.sync] and run: mailtwin sync --full "
                             "test\n"),
              std::string::npos)
        << table.out;
    const auto lines = json_lines(s.mailtwin("status --json").out);
    EXPECT_EQ(folder_json(lines, s.folder("A")).get<int>("skipped_over_max_size.server"), 1);
    EXPECT_EQ(folder_json(lines, s.folder("A")).get<int>("skipped_over_max_size.local"), 1);
    EXPECT_EQ(lines.back().get<int>("skipped_over_max_size"), 2);

    // As the line says: raised, and a full run copies them; nothing is left to report.
    std::string config;
    {
        std::ifstream in(s.config_path());
        std::stringstream ss;
        ss << in.rdbuf();
        config = ss.str();
    }
    config.replace(config.find("max_size = \"2K\""), 15, "max_size = \"1M\"");
    std::ofstream(s.config_path()) << config;
    const auto full = s.mailtwin("sync --full test");
    ASSERT_EQ(full.exit_code, 0) << full.out << full.err;
    const auto after = s.mailtwin("status");
    EXPECT_EQ(after.out.find("max_size"), std::string::npos) << after.out;
    EXPECT_EQ(json_lines(s.mailtwin("status --json").out).back().get<int>("skipped_over_max_size"), 0);
}

}  // namespace
}  // namespace mailtwin::test
