// The keyword <-> tag rules: which names cross, and the three-way merge per message.
#include "mailtwin/notmuch/notmuch_tags.hpp"

#include <gtest/gtest.h>

namespace mailtwin::engine {
namespace {

using Names = std::set<std::string>;

TEST(TagFilter, NotmuchsOwnTagsAndNonAtomsNeverCross) {
    const TagFilter filter({"todo"});
    for (const char* own : {"inbox", "unread", "new", "attachment", "signed", "encrypted", "replied", "flagged",
                            "passed", "draft", "todo"})
        EXPECT_FALSE(filter.crosses(own)) << own;
    for (const char* atom : {"Work", "$Label1", "$Junk", "lists/dev", "a.b-c_d", "Inbox"})
        EXPECT_TRUE(filter.crosses(atom)) << atom;
    for (const char* not_atom : {"", "has space", "paren(", "brace{", "100%", "star*", "quote\"", "back\\slash",
                                 "bracket]", "caf\xc3\xa9", "tab\there"})
        EXPECT_FALSE(filter.crosses(not_atom)) << not_atom;
    EXPECT_EQ(filter.crossing({"inbox", "Work", "has space"}), Names{"Work"});
}

TEST(MergeTags, WithoutABaseEverythingIsAddedAndNothingRemoved) {
    const auto c = merge_tags({"Local", "Both"}, {"Server", "Both"}, {});
    EXPECT_EQ(c.add_to_files, (Names{"Both", "Local"}));  // every copy gets the message's tags
    EXPECT_EQ(c.add_tags, Names{"Server"});
    EXPECT_TRUE(c.remove_from_files.empty());
    EXPECT_TRUE(c.remove_tags.empty());
}

TEST(MergeTags, AChangeOnOneSideGoesToTheOther) {
    const Names base{"Work", "Home"};
    auto c = merge_tags({"Work", "Home", "Urgent"}, base, base);  // tag added
    EXPECT_EQ(c.add_to_files, Names{"Urgent"});
    EXPECT_TRUE(c.add_tags.empty() && c.remove_tags.empty() && c.remove_from_files.empty());
    c = merge_tags({"Work"}, base, base);  // tag removed
    EXPECT_EQ(c.remove_from_files, Names{"Home"});
    EXPECT_TRUE(c.add_to_files.empty() && c.add_tags.empty() && c.remove_tags.empty());
    c = merge_tags(base, {"Work", "Home", "Phone"}, base);  // keyword added
    EXPECT_EQ(c.add_tags, Names{"Phone"});
    EXPECT_TRUE(c.add_to_files.empty() && c.remove_from_files.empty() && c.remove_tags.empty());
    c = merge_tags(base, {"Home"}, base);  // keyword removed
    EXPECT_EQ(c.remove_tags, Names{"Work"});
    EXPECT_TRUE(c.add_to_files.empty() && c.remove_from_files.empty() && c.add_tags.empty());
    EXPECT_TRUE(merge_tags(base, base, base).empty());
}

TEST(MergeTags, DifferentChangesOnBothSidesAreAllKept) {
    // notmuch: +Laptop -Work; server: +Phone -Old.
    const auto c = merge_tags({"Old", "Laptop"}, {"Work", "Phone"}, {"Work", "Old"});
    EXPECT_EQ(c.add_to_files, Names{"Laptop"});
    EXPECT_EQ(c.remove_from_files, Names{"Work"});
    EXPECT_EQ(c.add_tags, Names{"Phone"});
    EXPECT_EQ(c.remove_tags, Names{"Old"});
}

TEST(MergeTags, TheSameChangeOnBothSidesNeedsNothingMore) {
    // "New" added and "Gone" removed on both sides: no tag to change; the file changes are no-ops
    // for the copies that have them already, and reach copies that do not.
    const auto c = merge_tags({"New"}, {"New"}, {"Gone"});
    EXPECT_TRUE(c.add_tags.empty() && c.remove_tags.empty());
    EXPECT_EQ(c.add_to_files, Names{"New"});
    EXPECT_EQ(c.remove_from_files, Names{"Gone"});
}

}  // namespace
}  // namespace mailtwin::engine
