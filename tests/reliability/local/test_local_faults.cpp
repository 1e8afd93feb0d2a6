// Local faults: a full disk, a read-only folder, files removed and renamed by another process while
// mailtwin scans, and a corrupt or truncated state file. The contract: a clear error and exit 1 (or 2
// for a state file that cannot be used), no partial or duplicated message on either side, nothing
// deleted on the server because of a local fault, and a documented way back that works.
#include <gtest/gtest.h>

#include <sys/mount.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <random>
#include <thread>

#include "support/setup.hpp"

namespace mailtwin::test {
namespace {

namespace fs = std::filesystem;

bool is_root() { return ::geteuid() == 0; }

// A tmpfs mounted on `where` for the test's lifetime (lazy unmount: nothing can keep it busy).
class Tmpfs {
public:
    Tmpfs(const fs::path& where, const std::string& size) : m_where(where) {
        fs::create_directories(where);
        if (::mount("tmpfs", where.c_str(), "tmpfs", 0, ("size=" + size).c_str()) != 0)
            throw std::runtime_error("mount tmpfs on " + where.string() + ": " + std::strerror(errno));
    }
    void resize(const std::string& size) {
        if (::mount("tmpfs", m_where.c_str(), "tmpfs", MS_REMOUNT, ("size=" + size).c_str()) != 0)
            throw std::runtime_error("remount tmpfs: " + std::string(std::strerror(errno)));
    }
    ~Tmpfs() { ::umount2(m_where.c_str(), MNT_DETACH); }
    Tmpfs(const Tmpfs&) = delete;
    Tmpfs& operator=(const Tmpfs&) = delete;

private:
    fs::path m_where;
};

bool subset(const Contents& part, const Contents& whole) {
    return std::includes(whole.begin(), whole.end(), part.begin(), part.end());
}

std::size_t files_in_tmp(const fs::path& root) {
    std::size_t n = 0;
    if (!fs::exists(root)) return 0;
    for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file() && e.path().parent_path().filename() == "tmp") ++n;
    return n;
}

TEST(LocalFaults, DiskFullFailsTheFolderKeepsWholeMessagesAndRecovers) {
    if (!is_root()) GTEST_SKIP() << "needs root to mount a small tmpfs as the Maildir (CI runs as root)";
    SyncSetup s("disk-full");
    s.server_create("INBOX");
    std::vector<std::pair<std::string, std::string>> msgs;
    for (int i = 0; i < 8; ++i) {
        std::string body(300000, static_cast<char>('a' + i));
        body += '\n';
        msgs.emplace_back("full" + std::to_string(i), std::move(body));
    }
    s.server_append("INBOX", msgs);
    const Contents server = s.server();
    Tmpfs disk(s.maildir(), "1m");  // 8 x 300 KB does not fit
    auto r = s.sync();
    EXPECT_FALSE(r.crashed() || r.timed_out) << describe(r);
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    EXPECT_NE(r.output.find("No space left"), std::string::npos) << describe(r);
    EXPECT_TRUE(subset(s.local(), server)) << "a partial message is visible:\n" << diff(server, s.local(), "local");
    EXPECT_EQ(s.server(), server) << "a local fault changed the server";
    disk.resize("16m");  // the user frees space
    auto again = s.sync();
    ASSERT_EQ(again.exit_code, 0) << describe(again);
    EXPECT_EQ(diff(server, s.local(), "local"), "");
    EXPECT_EQ(s.server(), server);
    EXPECT_EQ(files_in_tmp(s.maildir()), 0u) << "tmp/ leftovers of the failed run were not cleaned";
}

TEST(LocalFaults, ReadOnlyFolderFailsOnlyThatFolder) {
    SyncSetup s("readonly");
    s.server_create("Locked");
    s.server_create("Open");
    s.server_append("Locked", {{"l1", "one"}});
    s.server_append("Open", {{"o1", "one"}});
    ASSERT_EQ(s.sync().exit_code, 0);
    s.server_append("Locked", {{"l2", "two"}});
    s.server_append("Open", {{"o2", "two"}});
    const fs::path locked = s.local_dir("Locked");
    // Root ignores permission bits: a read-only bind mount is the root-proof read-only folder.
    bool mounted = false;
    if (is_root()) {
        ASSERT_EQ(::mount(locked.c_str(), locked.c_str(), nullptr, MS_BIND, nullptr), 0) << std::strerror(errno);
        mounted = true;
        ASSERT_EQ(::mount(nullptr, locked.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr), 0)
            << std::strerror(errno);
    } else {
        for (const char* d : {"cur", "new", "tmp"})
            fs::permissions(locked / d, fs::perms::owner_read | fs::perms::owner_exec);
    }
    auto r = s.sync();
    if (mounted)
        ::umount2(locked.c_str(), MNT_DETACH);
    else
        for (const char* d : {"cur", "new", "tmp"}) fs::permissions(locked / d, fs::perms::owner_all);
    EXPECT_FALSE(r.crashed() || r.timed_out) << describe(r);
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    EXPECT_NE(r.output.find("Locked"), std::string::npos) << describe(r);
    const Contents local = s.local();
    EXPECT_EQ(std::count_if(local.begin(), local.end(), [](const Item& i) { return i.id == "o2"; }), 1)
        << "Open was synced";
    EXPECT_EQ(s.server().size(), 4u) << "nothing deleted on the server";
    auto again = s.sync();
    ASSERT_EQ(again.exit_code, 0) << describe(again);
    EXPECT_EQ(diff(s.server(), s.local(), "local"), "");
}

TEST(LocalFaults, FilesRenamedAndRemovedDuringTheScanNeverDuplicate) {
    SyncSetup s("scan-race");
    s.server_create("INBOX");
    std::vector<std::pair<std::string, std::string>> msgs;
    for (int i = 0; i < 300; ++i) msgs.emplace_back("race" + std::to_string(i), "body " + std::to_string(i));
    s.server_append("INBOX", msgs);
    ASSERT_EQ(s.sync().exit_code, 0);
    // Another process (a mail reader) renames files to change flags and deletes some, as fast as it
    // can, while mailtwin runs; then it stops and a clean run must settle everything.
    std::atomic<bool> stop{false};
    std::atomic<int> renamed{0}, removed{0};
    std::thread reader([&] {
        std::mt19937 rng(42);
        const fs::path cur = s.local_dir("INBOX") / "cur";
        while (!stop) {
            std::vector<fs::path> files;
            std::error_code ec;
            for (const char* sub : {"cur", "new"})
                for (const auto& e : fs::directory_iterator(s.local_dir("INBOX") / sub, ec)) files.push_back(e.path());
            if (files.empty()) continue;
            const fs::path victim = files[rng() % files.size()];
            std::string name = victim.filename().string();
            if (rng() % 10 == 0 && removed < 20) {
                if (fs::remove(victim, ec)) ++removed;
            } else {
                const auto colon = name.find(":2,");
                const std::string base = colon == std::string::npos ? name : name.substr(0, colon);
                fs::rename(victim, cur / (base + (rng() % 2 ? ":2,S" : ":2,FS")), ec);
                if (!ec) ++renamed;
            }
        }
    });
    std::vector<ChildResult> runs;
    for (int i = 0; i < 4; ++i) runs.push_back(s.sync());
    stop = true;
    reader.join();
    for (const auto& r : runs) {
        EXPECT_FALSE(r.crashed() || r.timed_out) << describe(r);
        EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << describe(r);
    }
    auto clean = s.sync();
    ASSERT_EQ(clean.exit_code, 0) << describe(clean);
    const Contents server = s.server(), local = s.local();
    EXPECT_EQ(diff(server, local, "local"), "");
    EXPECT_EQ(server.size(), 300u - static_cast<std::size_t>(removed.load()))
        << "renamed " << renamed << ", removed " << removed;
    std::set<std::string> ids;
    for (const auto& i : server) EXPECT_TRUE(ids.insert(i.id).second) << "duplicate " << i.id;
    report_figures("scan_race",
                   std::to_string(renamed.load()) + " renames and " + std::to_string(removed.load()) +
                       " deletions by another process during 4 runs; no duplicate, server and local equal");
}

// The state file damaged in three ways; for each: a clear error naming the file and the way back,
// nothing changed on either side, and the way back (remove the state file) rebuilds by matching.
void corrupt_state_case(const std::string& name, const std::function<void(const fs::path&)>& damage) {
    SCOPED_TRACE(name);
    SyncSetup s("lmdb-" + name);
    s.server_create("INBOX");
    s.server_append("INBOX", {{"a1", "one"}, {"a2", "two"}}, "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    s.local_deliver("INBOX", "a3", "three");
    const Contents server = s.server();
    const auto local_before = s.local_files();
    const fs::path file = s.state_dir() / "state.mdb";
    ASSERT_TRUE(fs::exists(file));
    damage(file);
    auto r = s.sync();
    EXPECT_FALSE(r.crashed() || r.timed_out) << describe(r);
    EXPECT_NE(r.exit_code, 0) << describe(r);
    EXPECT_NE(r.output.find(file.string()), std::string::npos) << "the error names the state file\n" << describe(r);
    EXPECT_NE(r.output.find("remove"), std::string::npos) << "the error says how to recover\n" << describe(r);
    EXPECT_EQ(s.server(), server);
    EXPECT_EQ(s.local_files(), local_before);
    // `--full` cannot help: the file cannot even be opened.
    auto full = s.sync({"--full"});
    EXPECT_NE(full.exit_code, 0) << describe(full);
    // The documented recovery: remove the state file; the next run rebuilds it by matching.
    fs::remove(file);
    fs::remove(s.state_dir() / "state.mdb-lock");
    auto rebuilt = s.sync();
    ASSERT_EQ(rebuilt.exit_code, 0) << describe(rebuilt);
    EXPECT_EQ(diff(s.server(), s.local(), "local"), "");
    EXPECT_EQ(s.server().size(), 3u) << "no duplicate after the rebuild";
}

TEST(LocalFaults, CorruptOrTruncatedStateFileGivesAClearErrorAndRemovingItRecovers) {
    corrupt_state_case("garbage", [](const fs::path& f) {
        std::fstream out(f, std::ios::in | std::ios::out | std::ios::binary);
        std::mt19937 rng(7);
        std::string junk(16384, '\0');
        for (auto& c : junk) c = static_cast<char>(rng());
        out.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    });
    corrupt_state_case("truncated", [](const fs::path& f) { fs::resize_file(f, 100); });
}

TEST(LocalFaults, EmptiedStateFileIsALostStateAndIsRebuiltByMatching) {
    SyncSetup s("lmdb-empty");
    s.server_create("INBOX");
    s.server_append("INBOX", {{"e1", "one"}, {"e2", "two"}}, "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    s.local_deliver("INBOX", "e3", "three");
    fs::resize_file(s.state_dir() / "state.mdb", 0);  // LMDB starts an empty file afresh
    auto r = s.sync();
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_EQ(diff(s.server(), s.local(), "local"), "");
    EXPECT_EQ(s.server().size(), 3u) << "matched, not downloaded or uploaded twice";
}

}  // namespace
}  // namespace mailtwin::test
