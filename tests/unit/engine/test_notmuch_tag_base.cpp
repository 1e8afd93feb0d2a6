// The tag base file: what it saves it loads, words with any byte survive, damage is reported with
// the way out.
#include "mailtwin/notmuch/notmuch_tag_base.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "fixtures/temp_dir.hpp"

namespace mailtwin::engine {
namespace {

TEST(TagBase, SavedIsLoaded) {
    test::TempDir dir("mailtwin-tagbase");
    const auto file = TagBase::file_for(dir.path(), "work");
    EXPECT_EQ(file, dir.path() / "notmuch-tags-work");
    auto missing = TagBase::load(file);
    ASSERT_TRUE(missing);
    EXPECT_EQ(*missing, TagBase{}) << "a missing file is an empty base";

    TagBase base;
    base.uuid = "6b5bc050-8e5f-4181-ba8e-129fa1f1f782";
    base.lastmod = 42;
    base.messages["plain@x"] = {{"Work", "$Label1"}, {"1700000000.M1P2.host,S=120"}};
    base.messages["odd id with \"quotes\" %20@x"] = {{}, {"k1", "k,2 with space"}};
    ASSERT_TRUE(base.save(file));
    auto loaded = TagBase::load(file);
    ASSERT_TRUE(loaded) << loaded.error().describe();
    EXPECT_EQ(*loaded, base);
}

TEST(TagBase, DamageSaysHowToRecover) {
    test::TempDir dir("mailtwin-tagbase");
    const auto file = dir / "notmuch-tags-work";
    std::ofstream(file) << "mailtwin-notmuch-tags 1 uuid 7\nonly-an-id\n";
    auto loaded = TagBase::load(file);
    ASSERT_FALSE(loaded);
    EXPECT_NE(loaded.error().message.find("line 2"), std::string::npos) << loaded.error().message;
    EXPECT_NE(loaded.error().message.find("remove it"), std::string::npos) << loaded.error().message;
    std::ofstream(file) << "something else\n";
    EXPECT_FALSE(TagBase::load(file));
}

}  // namespace
}  // namespace mailtwin::engine
