// status, folders and --ext-exit against the fixture Dovecot, through the real binary.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <set>

#include "daily_setup.hpp"
#include "fixtures/imap_test_util.hpp"
#include "mailtwin/state/account_lock.hpp"
#include "mailtwin/state/state_db.hpp"

namespace mailtwin::test {
namespace {

using boost::property_tree::ptree;

const ptree* folder_line(const std::vector<ptree>& lines, const std::string& folder) {
    for (const auto& l : lines)
        if (l.get<std::string>("event", "") == "folder" && l.get<std::string>("folder", "") == folder) return &l;
    return nullptr;
}

std::set<std::string> local_files(const DailySetup& s, const std::string& leaf) {
    std::set<std::string> out;
    for (const char* sub : {"new", "cur", "tmp"})
        for (const auto& e : std::filesystem::directory_iterator(s.local_dir(leaf) / sub))
            out.insert(std::string(sub) + "/" + e.path().filename().string());
    return out;
}

std::string find_line(const std::string& text, const std::string& needle) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (line.find(needle) != std::string::npos) return line;
    return "";
}

TEST(DailyStatus, JsonMatchesTheStateDatabase) {
    DailySetup s("status-json");
    s.server_create("A");
    s.server_append("A", "m1", "\\Seen");
    s.server_append("A", "m2");
    auto sync = s.mailtwin("sync");
    ASSERT_EQ(sync.exit_code, 0) << sync.out << sync.err;

    auto r = s.mailtwin("status --json");
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    auto lines = json_lines(r.out);
    const ptree* a = folder_line(lines, s.folder("A"));
    ASSERT_NE(a, nullptr) << r.out;
    const auto rec = record_of(s, s.folder("A"));
    EXPECT_EQ(a->get<std::uint64_t>("uidvalidity"), rec.uidvalidity);
    EXPECT_EQ(a->get<std::uint64_t>("highestmodseq"), rec.highestmodseq);
    EXPECT_EQ(a->get<std::uint64_t>("uidnext"), rec.uidnext);
    EXPECT_EQ(a->get<std::int64_t>("last_sync"), rec.last_sync);
    EXPECT_EQ(a->get<std::string>("local_path"), s.local_dir("A").string());
    EXPECT_EQ(a->get<int>("synced_messages"), 2);
    EXPECT_EQ(a->get<int>("local_messages"), 2);
    EXPECT_EQ(a->get<int>("remote.messages"), 2);
    EXPECT_EQ(a->get<std::uint64_t>("remote.uidvalidity"), rec.uidvalidity);
    EXPECT_EQ(a->get<std::string>("remote_changed"), "false");
    EXPECT_EQ(a->get<int>("pending.added"), 0);
    EXPECT_EQ(a->get<int>("pending.removed"), 0);
    EXPECT_EQ(a->get<int>("pending.renamed"), 0);
    EXPECT_EQ(lines.back().get<std::string>("event"), "summary");
    EXPECT_EQ(lines.back().get<int>("errors"), 0);
}

TEST(DailyStatus, ReportsPendingChangesOnBothSidesAndChangesNothing) {
    DailySetup s("status-pending");
    s.server_create("A");
    s.server_append("A", "m1");
    s.server_append("A", "m2");
    ASSERT_EQ(s.mailtwin("sync").exit_code, 0);

    // A mail reader flags one message and a new one is delivered locally; the server gets a third.
    const auto dir = s.local_dir("A");
    std::filesystem::path some;
    for (const char* sub : {"new", "cur"})
        for (const auto& e : std::filesystem::directory_iterator(dir / sub)) some = e.path();
    ASSERT_FALSE(some.empty());
    const std::string key = some.filename().string().substr(0, some.filename().string().find(':'));
    std::filesystem::rename(some, dir / "cur" / (key + ":2,FS"));
    std::ofstream(dir / "new" / "1700000000.local1.host") << "Subject: written here\n\nhi\n";
    s.server_append("A", "m3");

    const auto files_before = local_files(s, "A");
    const auto record_before = record_of(s, s.folder("A"));
    auto r = s.mailtwin("status");
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    const std::string line = find_line(r.out, s.folder("A"));
    EXPECT_NE(line.find("+1 -0 ~1"), std::string::npos) << r.out;
    EXPECT_NE(line.find(" 3* "), std::string::npos) << r.out;  // three on the server, changed since
    EXPECT_NE(line.find(" (20"), std::string::npos) << r.out;  // the last sync, with its ISO time
    EXPECT_NE(r.out.find("changed on the server since the last sync"), std::string::npos) << r.out;

    // A report: the Maildir, the state and the server are as they were.
    EXPECT_EQ(local_files(s, "A"), files_before);
    EXPECT_EQ(record_of(s, s.folder("A")), record_before);
    auto again = s.mailtwin("status --json");
    auto lines = json_lines(again.out);
    const ptree* a = folder_line(lines, s.folder("A"));
    ASSERT_NE(a, nullptr) << again.out;
    EXPECT_EQ(a->get<int>("remote.messages"), 3);
    EXPECT_EQ(a->get<int>("pending.added"), 1);
    EXPECT_EQ(a->get<int>("pending.renamed"), 1);

    auto offline = s.mailtwin("status --offline");
    EXPECT_EQ(offline.exit_code, 0) << offline.out << offline.err;
    EXPECT_NE(offline.out.find("offline"), std::string::npos) << offline.out;
    EXPECT_NE(find_line(offline.out, s.folder("A")).find("+1 -0 ~1"), std::string::npos) << offline.out;
}

TEST(DailyStatus, DoesNotWaitForTheAccountLock) {
    DailySetup s("status-lock");
    s.server_create("A");
    s.server_append("A", "m1");
    ASSERT_EQ(s.mailtwin("sync").exit_code, 0);
    // As if a sync were running: it holds the account lock for its whole run.
    auto lock = state::AccountLock::acquire(s.state_dir(), "test");
    ASSERT_TRUE(lock) << lock.error().describe();
    const auto start = std::chrono::steady_clock::now();
    auto r = s.mailtwin("status --json");
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
    EXPECT_NE(folder_line(json_lines(r.out), s.folder("A")), nullptr) << r.out;
    // And the sync itself is still refused while the lock is held (exit 4): status did not steal it.
    EXPECT_EQ(s.mailtwin("sync").exit_code, 4);
}

TEST(DailyLock, AClashIsSilentUnderQuietAndNamedOtherwise) {
    DailySetup s("quiet-lock");
    s.server_create("A");
    auto lock = state::AccountLock::acquire(s.state_dir(), "test");
    ASSERT_TRUE(lock) << lock.error().describe();
    const auto quiet = s.mailtwin("-q sync");
    EXPECT_EQ(quiet.exit_code, 4);
    EXPECT_EQ(quiet.out + quiet.err, "");
    const auto plain = s.mailtwin("sync");
    EXPECT_EQ(plain.exit_code, 4);
    EXPECT_NE(plain.err.find("another mailtwin (pid "), std::string::npos) << plain.err;
}

TEST(DailyFolders, ListsMappingFilterSpecialUseAndLocalOnlyFolders) {
    DailySetup s("folders");
    s.server_create("A");
    s.server_create("B/C");
    s.server_create_top("Sent");  // special_use = \Sent in the fixture's dovecot.conf
    for (const char* sub : {"cur", "new", "tmp"}) std::filesystem::create_directories(s.local_dir("Mine") / sub);
    auto r = s.mailtwin("folders test");
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const std::string a = find_line(r.out, s.folder("A") + " ");
    EXPECT_EQ(a.rfind("[x]", 0), 0u) << r.out;
    EXPECT_NE(a.find(s.local_dir("A").string()), std::string::npos) << r.out;
    EXPECT_NE(a.find("server only"), std::string::npos) << r.out;
    EXPECT_EQ(find_line(r.out, s.folder("B/C")).rfind("[x]", 0), 0u) << r.out;
    const std::string mine = find_line(r.out, s.folder("Mine"));
    EXPECT_EQ(mine.rfind("[x]", 0), 0u) << r.out;
    EXPECT_NE(mine.find("local only"), std::string::npos) << r.out;
    // The fixture's special-use folder is outside this account's globs.
    const std::string sent = find_line(r.out, "\\Sent");
    EXPECT_EQ(sent.rfind("[ ]  Sent ", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("hierarchy delimiter"), std::string::npos) << r.out;
    // Listing changes nothing locally.
    EXPECT_FALSE(std::filesystem::exists(s.local_dir("A")));
}

TEST(DailyExtExit, ExitCodeCarriesWhatChanged) {
    DailySetup s("ext-exit");
    s.server_create("A");
    for (const char* id : {"m1", "m2", "m3", "m4"}) s.server_append("A", id);
    auto first = s.mailtwin("--ext-exit sync");
    EXPECT_EQ(first.exit_code, 32) << first.out << first.err;  // downloaded
    auto nothing = s.mailtwin("--ext-exit sync");
    EXPECT_EQ(nothing.exit_code, 0) << nothing.out << nothing.err;
    s.server_add_flag("A", "m1", "\\Flagged");
    auto flags = s.mailtwin("sync --ext-exit");
    EXPECT_EQ(flags.exit_code, 64) << flags.out << flags.err;
    s.server_expunge("A", "m1");
    s.server_append("A", "m5");
    auto both = s.mailtwin("--ext-exit sync");
    EXPECT_EQ(both.exit_code, 32 + 128) << both.out << both.err;
    // Without the option the contract's plain codes are unchanged.
    s.server_append("A", "m6");
    EXPECT_EQ(s.mailtwin("sync").exit_code, 0);
}

}  // namespace
}  // namespace mailtwin::test
