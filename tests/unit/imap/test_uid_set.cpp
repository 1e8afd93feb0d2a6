#include "mailtwin/imap/uid_set.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace mailtwin::imap {
namespace {

std::vector<model::Uid> expand(const UidSet& s) { return {s.begin(), s.end()}; }

TEST(UidSet, ParsesNumbersRangesAndStar) {
    auto s = UidSet::parse("1:3,7,10:9,12:*");
    ASSERT_TRUE(s);
    ASSERT_EQ(s->ranges().size(), 4u);
    EXPECT_EQ(s->ranges()[0], (UidRange{1, 3}));
    EXPECT_EQ(s->ranges()[1], (UidRange{7, 7}));
    EXPECT_EQ(s->ranges()[2], (UidRange{9, 10}));  // "10:9" is the same range as "9:10"
    EXPECT_EQ(s->ranges()[3], (UidRange{12, UidSet::k_star}));
    EXPECT_TRUE(s->has_star());
    EXPECT_FALSE(UidSet::parse("1:3")->has_star());
}

TEST(UidSet, IteratesInWireOrderWithoutExpandingRanges) {
    auto s = UidSet::parse("5,1:3,4294967294:4294967295");
    ASSERT_TRUE(s);
    EXPECT_EQ(expand(*s), (std::vector<model::Uid>{5, 1, 2, 3, 4294967294u, 4294967295u}));
    EXPECT_EQ(s->count(), 6u);
    // A full-range set is one range; iterating its start is cheap.
    auto all = UidSet::parse("1:4294967295");
    ASSERT_TRUE(all);
    EXPECT_EQ(all->ranges().size(), 1u);
    EXPECT_EQ(all->count(), 4294967295u);
    auto it = all->begin();
    EXPECT_EQ(*it++, 1u);
    EXPECT_EQ(*it, 2u);
    EXPECT_TRUE(all->contains(4000000000u));
    EXPECT_EQ(UidSet{}.begin(), UidSet{}.end());
}

TEST(UidSet, ContainsAndNormalized) {
    auto s = UidSet::parse("10:12,1,11:20,2,4");
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->contains(15));
    EXPECT_TRUE(s->contains(1));
    EXPECT_FALSE(s->contains(3));
    EXPECT_FALSE(s->contains(21));
    EXPECT_EQ(s->count(), 3u + 1 + 10 + 1 + 1);  // with multiplicity
    auto n = s->normalized();
    EXPECT_EQ(n.to_string(), "1:2,4,10:20");
    EXPECT_EQ(n.count(), 14u);
    EXPECT_EQ(UidSet::parse("4294967295,1:4294967294")->normalized().to_string(), "1:4294967295");
}

TEST(UidSet, RejectsMalformedSets) {
    for (const char* bad : {"",    ",",  "1,",         ",1",          "0",  "0:5", "1:0", "1::2", "1:2:3", "a",
                            "1 2", "-1", "4294967296", "99999999999", "01", "1:",  ":1",  "*:",   "**",    "1,,2"}) {
        EXPECT_FALSE(UidSet::parse(bad)) << bad;
    }
}

TEST(UidSet, AddNormalisesAndToStringRoundTrips) {
    UidSet s;
    s.add({9, 3});
    s.add({20, 20});
    EXPECT_EQ(s.to_string(), "3:9,20");
    EXPECT_EQ(UidSet::parse(s.to_string()), s);
}

}  // namespace
}  // namespace mailtwin::imap
