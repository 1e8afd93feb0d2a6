#include "mailtwin/maildir/scan.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>

#include "fixtures/temp_dir.hpp"
#include "maildir_test_support.hpp"
#include "mailtwin/maildir/error.hpp"
#include "mailtwin/maildir/folder.hpp"

namespace mailtwin::maildir {
namespace {

using namespace test_support;
using model::Flag;

class Scan : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(create_folder(m_folder)); }
    std::filesystem::path at(Location l, const std::string& name) const { return m_folder / subdir_name(l) / name; }
    // Sets the mtime of new/ and cur/ an hour back, as if the last change was long ago: the
    // stamp then is not racy and can be trusted.
    void age_dirs() const {
        const timespec t[2] = {{::time(nullptr) - 3600, 0}, {::time(nullptr) - 3600, 0}};
        for (auto l : {Location::new_dir, Location::cur_dir})
            ASSERT_EQ(::utimensat(AT_FDCWD, (m_folder / subdir_name(l)).c_str(), t, 0), 0);
    }
    const ScannedMessage* find(const ScanResult& r, const std::string& key) const {
        auto it = std::find_if(r.messages.begin(), r.messages.end(), [&](const auto& m) { return m.key == key; });
        return it == r.messages.end() ? nullptr : &*it;
    }
    test::TempDir m_dir;
    std::filesystem::path m_folder = m_dir / "INBOX";
};

TEST_F(Scan, ListsNewAndCurWithFlagsAndSizes) {
    write_file(at(Location::new_dir, "100.M1P1Q1.h"), "12345");
    write_file(at(Location::cur_dir, "200.M1P1Q1.h,S=999:2,FSa"), "x");
    write_file(at(Location::cur_dir, ".hidden"), "x");
    std::filesystem::create_directory(at(Location::cur_dir, "subdir"));

    auto r = scan_folder(m_folder);
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_FALSE(r->unchanged);
    ASSERT_EQ(r->messages.size(), 2u);
    const auto& a = r->messages[0];
    EXPECT_EQ(a.key, "100.M1P1Q1.h");
    EXPECT_EQ(a.location, Location::new_dir);
    EXPECT_EQ(a.size, 5u);  // from stat
    EXPECT_TRUE(a.flags.empty());
    const auto& b = r->messages[1];
    EXPECT_EQ(b.key, "200.M1P1Q1.h,S=999");
    EXPECT_EQ(b.location, Location::cur_dir);
    EXPECT_EQ(b.size, 999u);  // from ,S= without stat
    EXPECT_TRUE(b.flags.flags.has(Flag::seen));
    EXPECT_TRUE(b.flags.flags.has(Flag::flagged));
    EXPECT_EQ(b.flags.other_letters, "a");
    EXPECT_EQ(b.file_name, "200.M1P1Q1.h,S=999:2,FSa");
    EXPECT_EQ(r->stats.ignored, 2u);
    EXPECT_EQ(r->stats.passes, 1u);
    EXPECT_TRUE(r->duplicates.empty());
}

TEST_F(Scan, ReaderRenameIsTheSameKeyWithNewFlags) {
    write_file(at(Location::new_dir, "300.M1P1Q1.h"), "m");
    auto before = scan_folder(m_folder);
    ASSERT_TRUE(before);
    std::filesystem::rename(at(Location::new_dir, "300.M1P1Q1.h"), at(Location::cur_dir, "300.M1P1Q1.h:2,S"));
    auto after = scan_folder(m_folder, {.remembered = before->stamp});
    ASSERT_TRUE(after);
    ASSERT_EQ(after->messages.size(), 1u);
    EXPECT_EQ(after->messages[0].key, before->messages[0].key);
    EXPECT_EQ(after->messages[0].location, Location::cur_dir);
    EXPECT_TRUE(after->messages[0].flags.flags.has(Flag::seen));
}

TEST_F(Scan, FreshStampIsRacyAndNotTrusted) {
    write_file(at(Location::new_dir, "1.M1P1Q1.h"), "m");
    auto first = scan_folder(m_folder);
    ASSERT_TRUE(first);
    EXPECT_TRUE(first->stamp.racy);  // new/ was modified just now: within the same-tick window
    auto second = scan_folder(m_folder, {.remembered = first->stamp});
    ASSERT_TRUE(second);
    EXPECT_FALSE(second->unchanged);
    EXPECT_GT(second->stats.readdir_calls, 0u);
}

TEST_F(Scan, DefaultStampIsNeverTrusted) {
    age_dirs();
    auto r = scan_folder(m_folder, {.remembered = FolderStamp{}});
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->unchanged);
    EXPECT_FALSE(r->stamp.racy);
}

TEST_F(Scan, UnchangedHundredThousandMessagesNeedNoReaddir) {
    constexpr int k_count = 100'000;
    for (int i = 0; i < k_count; ++i) {
        const auto key = std::to_string(1'700'000'000 + i) + ".M0P1Q" + std::to_string(i) + ".host,S=4096";
        ASSERT_TRUE(touch(at(i % 10 == 0 ? Location::new_dir : Location::cur_dir, i % 10 == 0 ? key : key + ":2,S")));
    }
    age_dirs();
    auto full = scan_folder(m_folder);
    ASSERT_TRUE(full);
    EXPECT_EQ(full->messages.size(), static_cast<std::size_t>(k_count));
    EXPECT_FALSE(full->stamp.racy);
    EXPECT_EQ(full->stats.stat_calls, 4u);  // sizes come from ",S=": only the directories are stat()ed
    EXPECT_GE(full->stats.entries_read, static_cast<std::uint64_t>(k_count));

    auto again = scan_folder(m_folder, {.remembered = full->stamp});
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->unchanged);
    EXPECT_EQ(again->stats.readdir_calls, 0u);
    EXPECT_EQ(again->stats.entries_read, 0u);
    EXPECT_EQ(again->stats.stat_calls, 2u);
    EXPECT_EQ(again->stamp, full->stamp);

    write_file(at(Location::new_dir, "1800000000.M0P1Q0.host"), "new");
    auto changed = scan_folder(m_folder, {.remembered = full->stamp});
    ASSERT_TRUE(changed);
    EXPECT_FALSE(changed->unchanged);
    EXPECT_EQ(changed->messages.size(), static_cast<std::size_t>(k_count + 1));
    const auto* added = find(*changed, "1800000000.M0P1Q0.host");
    ASSERT_NE(added, nullptr);
    EXPECT_EQ(added->size, 3u);
}

TEST_F(Scan, ChangeInCurAloneIsFound) {
    write_file(at(Location::cur_dir, "1.M1P1Q1.h:2,"), "m");
    age_dirs();
    auto first = scan_folder(m_folder);
    ASSERT_TRUE(first);
    std::filesystem::rename(at(Location::cur_dir, "1.M1P1Q1.h:2,"), at(Location::cur_dir, "1.M1P1Q1.h:2,T"));
    auto second = scan_folder(m_folder, {.remembered = first->stamp});
    ASSERT_TRUE(second);
    EXPECT_FALSE(second->unchanged);
    ASSERT_EQ(second->messages.size(), 1u);
    EXPECT_TRUE(second->messages[0].flags.flags.has(Flag::deleted));
}

TEST_F(Scan, FilesVanishingOrRenamedBetweenListingAndStatAreHandled) {
    write_file(at(Location::new_dir, "1.M1P1Q1.h"), "one");
    write_file(at(Location::new_dir, "2.M1P1Q1.h"), "two");
    write_file(at(Location::new_dir, "3.M1P1Q1.h"), "three");
    bool done = false;
    ScanOptions options;
    options.after_listing = [&](Location l) {
        if (l != Location::new_dir || done) return;
        done = true;  // a reader acts once, between readdir and stat
        std::filesystem::remove(at(Location::new_dir, "1.M1P1Q1.h"));
        std::filesystem::rename(at(Location::new_dir, "2.M1P1Q1.h"), at(Location::cur_dir, "2.M1P1Q1.h:2,S"));
    };
    auto r = scan_folder(m_folder, options);
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_GE(r->stats.vanished, 2u);
    EXPECT_EQ(r->stats.passes, 2u);
    ASSERT_EQ(r->messages.size(), 2u);
    EXPECT_EQ(r->messages[0].key, "2.M1P1Q1.h");
    EXPECT_EQ(r->messages[0].location, Location::cur_dir);
    EXPECT_TRUE(r->messages[0].flags.flags.has(Flag::seen));
    EXPECT_EQ(r->messages[0].size, 3u);
    EXPECT_EQ(r->messages[1].key, "3.M1P1Q1.h");
    EXPECT_TRUE(r->duplicates.empty());
}

TEST_F(Scan, ChurnOnEveryPassStopsAfterTheLastPassWithARacyStamp) {
    int n = 0;
    write_file(at(Location::new_dir, "v0.M1P1Q1.h"), "x");
    write_file(at(Location::new_dir, "keep.M1P1Q1.h"), "x");
    ScanOptions options;
    options.after_listing = [&](Location l) {
        if (l != Location::new_dir) return;
        std::filesystem::remove(at(Location::new_dir, "v" + std::to_string(n) + ".M1P1Q1.h"));
        ++n;
        write_file(at(Location::new_dir, "v" + std::to_string(n) + ".M1P1Q1.h"), "x");
    };
    auto r = scan_folder(m_folder, options);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->stats.passes, static_cast<std::uint64_t>(k_max_scan_passes));
    EXPECT_TRUE(r->stamp.racy);
    ASSERT_EQ(r->messages.size(), 1u);
    EXPECT_EQ(r->messages[0].key, "keep.M1P1Q1.h");
}

TEST_F(Scan, DuplicateKeysAreReportedNotFatal) {
    write_file(at(Location::new_dir, "d.M1P1Q1.h"), "x");
    write_file(at(Location::cur_dir, "d.M1P1Q1.h:2,S"), "x");
    write_file(at(Location::cur_dir, "e.M1P1Q1.h:2,S"), "x");
    write_file(at(Location::cur_dir, "e.M1P1Q1.h:2,F"), "x");
    auto r = scan_folder(m_folder);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->messages.size(), 2u);
    EXPECT_EQ(r->messages[0].location, Location::cur_dir);  // cur/ wins over new/
    EXPECT_EQ(r->messages[0].file_name, "d.M1P1Q1.h:2,S");
    EXPECT_EQ(r->messages[1].file_name, "e.M1P1Q1.h:2,F");  // then the smallest name
    ASSERT_EQ(r->duplicates.size(), 2u);
    EXPECT_EQ(r->duplicates[0].key, "d.M1P1Q1.h");
    EXPECT_EQ(r->duplicates[0].files.size(), 2u);
    EXPECT_EQ(r->duplicates[1].key, "e.M1P1Q1.h");
}

TEST_F(Scan, MissingFolderIsNotAMaildir) {
    auto r = scan_folder(m_dir / "absent");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::not_a_maildir);
    EXPECT_NE(r.error().message.find("absent"), std::string::npos);
}

}  // namespace
}  // namespace mailtwin::maildir
