#include "mailtwin/model/flags.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace mailtwin::model {
namespace {

TEST(FlagSet, AddsSystemFlagsAndKeywords) {
    FlagSet f;
    f.add_imap("\\Seen");
    f.add_imap("\\flagged");  // case-insensitive system flags (RFC 3501 §2.3.2)
    f.add_imap("$Forwarded");
    f.add_imap("$label1");
    f.add_imap("\\Recent");  // session flag: never stored
    EXPECT_TRUE(f.has(Flag::seen));
    EXPECT_TRUE(f.has(Flag::flagged));
    EXPECT_TRUE(f.has(Flag::forwarded));
    EXPECT_FALSE(f.has(Flag::draft));
    EXPECT_EQ(f.keywords, (std::set<std::string>{"$label1"}));
    EXPECT_EQ(f.to_imap(), "\\Flagged $Forwarded \\Seen $label1");
}

TEST(FlagSet, ClearsAFlag) {
    FlagSet f;
    f.set(Flag::deleted);
    f.set(Flag::deleted, false);
    EXPECT_EQ(f.bits(), 0);
}

TEST(FlagSet, LettersMapBothWays) {
    for (const auto& fl : k_flag_letters) {
        EXPECT_EQ(flag_from_letter(fl.letter), fl.flag);
        EXPECT_EQ(flag_from_imap(fl.imap_name), fl.flag);
    }
    EXPECT_FALSE(flag_from_letter('a').has_value());
}

// A FlagSet from IMAP names, space-separated: "\\Seen $a".
FlagSet flags(std::string_view names) {
    FlagSet f;
    while (!names.empty()) {
        const auto space = names.find(' ');
        f.add_imap(names.substr(0, space));
        names = space == std::string_view::npos ? std::string_view() : names.substr(space + 1);
    }
    return f;
}

TEST(FlagSetAlgebra, MinusKeepsWhatTheSecondLacks) {
    EXPECT_EQ(minus(flags("\\Seen \\Flagged $a $b"), flags("\\Flagged $b $c")), flags("\\Seen $a"));
    EXPECT_EQ(minus(flags("\\Seen $a"), flags("\\Seen $a")), FlagSet{});
    EXPECT_EQ(minus(flags("$Work"), flags("$work")), flags("$Work"));  // keywords compare case-sensitively
}

TEST(FlagSetAlgebra, IntersectionKeepsWhatBothHave) {
    EXPECT_EQ(intersection(flags("\\Seen \\Flagged $a $b"), flags("\\Flagged \\Draft $b $c")), flags("\\Flagged $b"));
    EXPECT_EQ(intersection(flags("\\Seen $a"), FlagSet{}), FlagSet{});
}

TEST(FlagSetAlgebra, UnitedKeepsWhatEitherHas) {
    EXPECT_EQ(united(flags("\\Seen $a"), flags("\\Flagged $a $b")), flags("\\Seen \\Flagged $a $b"));
    EXPECT_EQ(united(FlagSet{}, flags("$Forwarded")), flags("$Forwarded"));
}

TEST(FlagSetAlgebra, AppliedAddsThenRemoves) {
    const FlagSet now = flags("\\Seen \\Draft $a $b");
    EXPECT_EQ(applied(now, flags("\\Flagged $c"), flags("\\Draft $b")), flags("\\Seen \\Flagged $a $c"));
    EXPECT_EQ(applied(now, FlagSet{}, FlagSet{}), now);
    // Adding what is there and removing what is not change nothing.
    EXPECT_EQ(applied(now, flags("\\Seen $a"), flags("\\Deleted $z")), now);
    // A flag both added and removed ends up removed.
    EXPECT_EQ(applied(now, flags("\\Flagged $c"), flags("\\Flagged $c")), now);
}

TEST(FlagSetAlgebra, DiffIsTheChangeFromOneSetToAnother) {
    const FlagSet from = flags("\\Seen \\Draft $a $b");
    const FlagSet to = flags("\\Seen \\Flagged $b $c");
    const FlagDiff d = diff(from, to);
    EXPECT_EQ(d.add, flags("\\Flagged $c"));
    EXPECT_EQ(d.remove, flags("\\Draft $a"));
    EXPECT_EQ(applied(from, d.add, d.remove), to);
    EXPECT_EQ(applied(to, d.remove, d.add), from);  // the reverse change

    const FlagDiff none = diff(to, to);
    EXPECT_TRUE(none.add.empty());
    EXPECT_TRUE(none.remove.empty());
}

TEST(FlagSetAlgebra, EmptyMeansNoFlagAndNoKeyword) {
    EXPECT_TRUE(FlagSet{}.empty());
    EXPECT_FALSE(flags("\\Deleted").empty());
    EXPECT_FALSE(flags("$a").empty());
}

}  // namespace
}  // namespace mailtwin::model
