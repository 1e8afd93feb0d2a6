// maildir/folder_dirs.hpp: a folder renamed and removed as a whole.
#include "mailtwin/maildir/folder_dirs.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "fixtures/temp_dir.hpp"
#include "maildir_test_support.hpp"
#include "mailtwin/maildir/error.hpp"
#include "mailtwin/maildir/folder.hpp"

namespace mailtwin::maildir {
namespace {

using namespace test_support;

std::uint64_t inode(const std::filesystem::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return static_cast<std::uint64_t>(st.st_ino);
}

TEST(FolderDirs, ARenameKeepsEveryFileAndItsInodeAndCreatesTheParents) {
    test::TempDir dir;
    ASSERT_TRUE(create_folder(dir / "Projects"));
    ASSERT_TRUE(create_folder(dir / "Projects" / "Sub"));
    write_file(dir / "Projects" / "cur" / "1.k1:2,S", "m1");
    write_file(dir / "Projects" / "dovecot-keywords", "0 $Work\n");
    const auto before = inode(dir / "Projects" / "cur" / "1.k1:2,S");
    ASSERT_TRUE(rename_folder_dir(dir / "Projects", dir / "Archive" / "Projects-2024"));
    EXPECT_FALSE(std::filesystem::exists(dir / "Projects"));
    EXPECT_EQ(inode(dir / "Archive" / "Projects-2024" / "cur" / "1.k1:2,S"), before);
    EXPECT_TRUE(std::filesystem::exists(dir / "Archive" / "Projects-2024" / "dovecot-keywords"));
    EXPECT_TRUE(is_maildir(dir / "Archive" / "Projects-2024" / "Sub")) << "a nested child moves with it";
}

TEST(FolderDirs, ARenameNeverMergesIntoAnExistingFolder) {
    test::TempDir dir;
    ASSERT_TRUE(create_folder(dir / "A"));
    ASSERT_TRUE(create_folder(dir / "B"));
    write_file(dir / "A" / "cur" / "1.k1:2,", "m1");
    auto r = rename_folder_dir(dir / "A", dir / "B");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, make_error_code(Errc::name_collision));
    EXPECT_TRUE(std::filesystem::exists(dir / "A" / "cur" / "1.k1:2,"));
}

TEST(FolderDirs, ARemovalTakesTheFoldersOwnMaildirAndKeepsNestedChildFolders) {
    test::TempDir dir;
    ASSERT_TRUE(create_folder(dir / "A"));
    ASSERT_TRUE(create_folder(dir / "A" / "Child"));
    write_file(dir / "A" / "cur" / "1.k1:2,", "m1");
    write_file(dir / "A" / "Child" / "cur" / "2.k2:2,", "m2");
    write_file(dir / "A" / "dovecot-keywords", "");
    ASSERT_TRUE(remove_folder_dir(dir / "A"));
    EXPECT_FALSE(std::filesystem::exists(dir / "A" / "cur"));
    EXPECT_FALSE(std::filesystem::exists(dir / "A" / "dovecot-keywords"));
    EXPECT_TRUE(std::filesystem::exists(dir / "A" / "Child" / "cur" / "2.k2:2,"));

    ASSERT_TRUE(create_folder(dir / "B"));
    write_file(dir / "B" / "new" / "3.k3", "m3");
    ASSERT_TRUE(remove_folder_dir(dir / "B"));
    EXPECT_FALSE(std::filesystem::exists(dir / "B")) << "nothing else in it: the directory goes too";
}

}  // namespace
}  // namespace mailtwin::maildir
