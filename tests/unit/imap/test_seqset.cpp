#include "mailtwin/imap/seqset.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace mailtwin::imap {
namespace {

TEST(SeqSet, SortsDedupsAndMergesRuns) {
    const std::vector<model::Uid> uids{12, 3, 1, 2, 4, 5, 7, 9, 10, 11, 5, 0, 1};
    const SeqSet set = SeqSet::from_uids(uids);
    EXPECT_EQ(set.to_string(), "1:5,7,9:12");
    EXPECT_EQ(set.count(), 10u);
    EXPECT_EQ(set.ranges().size(), 3u);
    EXPECT_TRUE(set.contains(4));
    EXPECT_FALSE(set.contains(6));
    EXPECT_TRUE(set.contains(12));
    EXPECT_FALSE(set.contains(13));
}

TEST(SeqSet, EmptyAndSingle) {
    EXPECT_TRUE(SeqSet::from_uids(std::vector<model::Uid>{}).empty());
    EXPECT_TRUE(SeqSet::from_uids(std::vector<model::Uid>{0}).empty());
    EXPECT_EQ(SeqSet::from_uids(std::vector<model::Uid>{42}).to_string(), "42");
    EXPECT_EQ(SeqSet{}.to_string(), "");
    EXPECT_TRUE(SeqSet{}.split(100).empty());
}

TEST(SeqSet, RangesAndOpenEnd) {
    EXPECT_EQ(SeqSet::from_range(9, 3).to_string(), "3:9");
    EXPECT_EQ(SeqSet::from_range(5, 5).to_string(), "5");
    EXPECT_TRUE(SeqSet::from_range(0, 5).empty());
    const SeqSet all = SeqSet::from_to_highest(1);
    EXPECT_EQ(all.to_string(), "1:*");
    EXPECT_FALSE(all.empty());
    EXPECT_EQ(all.count(), 0u);
    EXPECT_TRUE(all.contains(4000000000u));
    EXPECT_EQ(SeqSet::from_to_highest(0).to_string(), "1:*");
}

TEST(SeqSet, HandlesTheLargestUid) {
    const std::vector<model::Uid> uids{4294967295u, 4294967294u, 4294967295u};
    EXPECT_EQ(SeqSet::from_uids(uids).to_string(), "4294967294:4294967295");
}

TEST(SeqSet, SplitKeepsEveryPieceUnderTheLimit) {
    std::vector<model::Uid> uids;
    for (model::Uid u = 1; u < 20000; u += 2) uids.push_back(u);  // no runs: worst case
    const SeqSet set = SeqSet::from_uids(uids);
    for (const std::size_t limit : {21u, 50u, 100u, 1000u, 7000u}) {
        const auto pieces = set.split(limit);
        ASSERT_FALSE(pieces.empty());
        std::vector<SeqSet::Range> joined;
        for (const SeqSet& p : pieces) {
            EXPECT_LE(p.to_string().size(), limit);
            EXPECT_FALSE(p.empty());
            joined.insert(joined.end(), p.ranges().begin(), p.ranges().end());
        }
        EXPECT_EQ(joined, set.ranges()) << limit;
        // Greedy: a piece is only cut when the next range would not fit.
        for (std::size_t i = 0; i + 1 < pieces.size(); ++i) {
            const std::string next =
                SeqSet::from_range(pieces[i + 1].ranges().front().first, pieces[i + 1].ranges().front().last)
                    .to_string();
            EXPECT_GT(pieces[i].to_string().size() + 1 + next.size(), limit);
        }
    }
}

TEST(SeqSet, SplitExactBoundaryAndTinyLimit) {
    const SeqSet set = SeqSet::from_uids(std::vector<model::Uid>{100000, 100002, 100004, 100006});
    ASSERT_EQ(set.to_string().size(), 27u);
    ASSERT_EQ(set.split(27).size(), 1u);
    const auto two = set.split(26);
    ASSERT_EQ(two.size(), 2u);
    EXPECT_EQ(two[0].to_string(), "100000,100002,100004");
    EXPECT_EQ(two[1].to_string(), "100006");
    // A limit below the longest range text (21 bytes) is raised to it: nothing is ever dropped.
    const SeqSet big = SeqSet::from_range(4294967290u, 4294967295u);
    const auto pieces = big.split(1);
    ASSERT_EQ(pieces.size(), 1u);
    EXPECT_EQ(pieces[0], big);
    EXPECT_EQ(set.split(1).size(), 2u);
}

TEST(SeqSet, SplitKeepsTheOpenEnd) {
    const auto pieces = SeqSet::from_to_highest(10).split(10);
    ASSERT_EQ(pieces.size(), 1u);
    EXPECT_EQ(pieces[0].to_string(), "10:*");
    EXPECT_EQ(pieces[0].to_highest_from(), 10u);
}

}  // namespace
}  // namespace mailtwin::imap
