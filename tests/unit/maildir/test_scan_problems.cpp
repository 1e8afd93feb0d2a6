// Files with message names that are not readable regular files: never silently skipped, never
// taken for deleted. The scan keeps them (a known message must not look deleted) and lists them as
// problems, so the sync reports a new one with its path instead of leaving it behind unannounced.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "fixtures/temp_dir.hpp"
#include "maildir_test_support.hpp"
#include "mailtwin/maildir/folder.hpp"
#include "mailtwin/maildir/scan.hpp"

namespace mailtwin::maildir {
namespace {

using namespace test_support;

class ScanProblems : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(create_folder(m_folder)); }
    std::filesystem::path cur(const std::string& name) const { return m_folder / "cur" / name; }
    bool listed(const ScanResult& r, const std::string& key) const {
        return std::any_of(r.messages.begin(), r.messages.end(), [&](const auto& m) { return m.key == key; });
    }
    const ScanProblem* problem(const ScanResult& r, const std::string& name) const {
        auto it =
            std::find_if(r.problems.begin(), r.problems.end(), [&](const auto& p) { return p.file_name == name; });
        return it == r.problems.end() ? nullptr : &*it;
    }
    test::TempDir m_dir;
    std::filesystem::path m_folder = m_dir / "INBOX";
};

TEST_F(ScanProblems, ARegularFileIsNoProblem) {
    write_file(cur("1.M1P1.h:2,S"), "From: a\n\nbody\n");
    auto r = scan_folder(m_folder);
    ASSERT_TRUE(r);
    EXPECT_TRUE(listed(*r, "1.M1P1.h"));
    EXPECT_TRUE(r->problems.empty());
}

TEST_F(ScanProblems, FifoDanglingLinkAndLinkLoopAreListedAndReported) {
    ASSERT_EQ(::mkfifo(cur("2.M2P2.h:2,").c_str(), 0600), 0);
    std::filesystem::create_symlink(m_dir / "nowhere", cur("3.M3P3.h,S=10:2,S"));
    std::filesystem::create_symlink(cur("4.M4P4.h:2,"), cur("4.M4P4.h:2,"));  // a link to itself
    write_file(m_dir / "elsewhere", "From: b\n\nfine\n");
    std::filesystem::create_symlink(m_dir / "elsewhere", cur("5.M5P5.h:2,"));  // to a file: readable
    auto r = scan_folder(m_folder);
    ASSERT_TRUE(r);
    for (const char* key : {"2.M2P2.h", "3.M3P3.h,S=10", "4.M4P4.h", "5.M5P5.h"})
        EXPECT_TRUE(listed(*r, key)) << key << " must stay listed: it must never look deleted";
    ASSERT_NE(problem(*r, "2.M2P2.h:2,"), nullptr);
    EXPECT_EQ(problem(*r, "2.M2P2.h:2,")->reason, "is not a regular file");
    ASSERT_NE(problem(*r, "3.M3P3.h,S=10:2,S"), nullptr);
    EXPECT_EQ(problem(*r, "3.M3P3.h,S=10:2,S")->reason, "is a symbolic link to nothing");
    ASSERT_NE(problem(*r, "4.M4P4.h:2,"), nullptr);
    EXPECT_NE(problem(*r, "4.M4P4.h:2,")->reason.find("cannot be examined"), std::string::npos);
    EXPECT_EQ(problem(*r, "5.M5P5.h:2,"), nullptr);
    EXPECT_EQ(r->problems.size(), 3U);
}

TEST_F(ScanProblems, ANameWithoutUniquePartIsReportedAndAHiddenOneIsNot) {
    write_file(cur(":2,S"), "From: e\n\nno name\n");
    write_file(cur(".hidden:2,S"), "From: f\n\nnot mail\n");
    auto r = scan_folder(m_folder);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->messages.empty());
    ASSERT_EQ(r->problems.size(), 1U);
    EXPECT_EQ(r->problems[0].file_name, ":2,S");
    EXPECT_NE(r->problems[0].reason.find("no unique name"), std::string::npos);
}

TEST_F(ScanProblems, SameKeyInNewAndCurIsReportedAsADuplicate) {
    write_file(m_folder / "new" / "6.M6P6.h", "From: c\n\none\n");
    write_file(cur("6.M6P6.h:2,F"), "From: d\n\nanother\n");
    auto r = scan_folder(m_folder);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->duplicates.size(), 1U);
    EXPECT_EQ(r->duplicates[0].files.size(), 2U);
    EXPECT_EQ(r->duplicates[0].files[0].first, Location::cur_dir) << "the kept file comes first";
}

}  // namespace
}  // namespace mailtwin::maildir
