#include "mailtwin/maildir/location.hpp"

#include <gtest/gtest.h>

namespace mailtwin::maildir {
namespace {

TEST(Location, SubdirectoryNames) {
    EXPECT_EQ(subdir_name(Location::new_dir), "new");
    EXPECT_EQ(subdir_name(Location::cur_dir), "cur");
    EXPECT_EQ(k_tmp_subdir, "tmp");
}

}  // namespace
}  // namespace mailtwin::maildir
