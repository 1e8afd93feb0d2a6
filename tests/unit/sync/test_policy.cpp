#include "mailtwin/sync/policy.hpp"

#include <gtest/gtest.h>

#include "scenario.hpp"

namespace mailtwin::sync {
namespace {

using util::Side;

SideFlags flags(const std::string& r, const std::string& l) { return {{test::parse_flags(r), test::parse_flags(l)}}; }

struct MergeRow {
    const char* name;
    SideFlags now;
    SideFlags base;
    SideFlags expected;
};

TEST(MergeFlags, TableAndMirror) {
    const MergeRow rows[] = {
        {"unchanged", flags("S", "S"), flags("S", "S"), flags("S", "S")},
        {"set on one side", flags("FS", "S"), flags("S", "S"), flags("FS", "FS")},
        {"cleared on one side", flags("-", "S"), flags("S", "S"), flags("-", "-")},
        {"same change on both", flags("F", "F"), flags("-", "-"), flags("F", "F")},
        {"conflict: set wins", flags("S", "-"), flags("-", "S"), flags("S", "S")},
        {"no base (intersection): union", flags("S", "F"), flags("-", "-"), flags("FS", "FS")},
        {"neither changed, bases differ: each keeps", flags("S", "-"), flags("S", "-"), flags("S", "-")},
        {"keyword set on one side", flags("S,$a", "S"), flags("S", "S"), flags("S,$a", "S,$a")},
        {"keyword cleared on one side", flags(",$a", ",$a,$b"), flags(",$a,$b", ",$a,$b"), flags(",$a", ",$a")},
        {"deleted flag merges like others", flags("T", "-"), flags("-", "-"), flags("T", "T")},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.name);
        const auto got = merge_flags(row.now, row.base, Policy{});
        EXPECT_EQ(got[Side::remote], row.expected[Side::remote]);
        EXPECT_EQ(got[Side::local], row.expected[Side::local]);
        // Mirrored: swap the sides of the input, get the swapped output.
        const auto flipped = merge_flags(SideFlags{{row.now[Side::local], row.now[Side::remote]}},
                                         SideFlags{{row.base[Side::local], row.base[Side::remote]}}, Policy{});
        EXPECT_EQ(flipped[Side::remote], row.expected[Side::local]);
        EXPECT_EQ(flipped[Side::local], row.expected[Side::remote]);
    }
}

TEST(MergeFlags, DirectionKeepsTheProtectedSide) {
    Policy pull;
    pull.direction = Direction::pull;
    const auto got = merge_flags(flags("S", "F"), flags("-", "-"), pull);
    EXPECT_EQ(got[Side::remote], test::parse_flags("S"));
    EXPECT_EQ(got[Side::local], test::parse_flags("FS"));
}

TEST(MergeFlags, IgnoredKeywordsStayWhereTheyAre) {
    Policy p;
    p.keywords = KeywordMode::ignore;
    const auto got = merge_flags(flags("S,$a", "F,$b"), flags("-", "-"), p);
    EXPECT_EQ(got[Side::remote], test::parse_flags("FS,$a"));
    EXPECT_EQ(got[Side::local], test::parse_flags("FS,$b"));
    EXPECT_TRUE(same_synced_flags(test::parse_flags("S,$a"), test::parse_flags("S"), p));
    EXPECT_FALSE(same_synced_flags(test::parse_flags("S,$a"), test::parse_flags("S"), Policy{}));
    EXPECT_EQ(flags_to_copy(test::parse_flags("S,$a"), p), test::parse_flags("S"));
}

TEST(PolicyRules, MayChangeAndMayExpunge) {
    Policy p;
    EXPECT_TRUE(p.may_change(Side::remote));
    EXPECT_TRUE(p.may_expunge(Side::local));
    p.direction = Direction::pull;
    EXPECT_FALSE(p.may_change(Side::remote));
    EXPECT_FALSE(p.may_expunge(Side::remote));
    EXPECT_TRUE(p.may_expunge(Side::local));
    p.direction = Direction::both;
    p.expunge = ExpungeTo::remote;
    EXPECT_TRUE(p.may_expunge(Side::remote));
    EXPECT_FALSE(p.may_expunge(Side::local));
    p.expunge = ExpungeTo::none;
    EXPECT_FALSE(p.may_expunge(Side::remote));
    EXPECT_FALSE(p.may_expunge(Side::local));
}

}  // namespace
}  // namespace mailtwin::sync
