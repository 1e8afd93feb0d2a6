#include "mailtwin/model/flags.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace mailtwin::model
