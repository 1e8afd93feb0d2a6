#include "mailtwin/maildir/filename.hpp"

#include <gtest/gtest.h>

#include "mailtwin/maildir/error.hpp"

namespace mailtwin::maildir {
namespace {

using model::Flag;

TEST(MaildirFlags, EveryKnownLetterParsesAndRendersAlone) {
    for (const auto& fl : model::k_flag_letters) {
        const auto f = MaildirFlags::from_letters(std::string(1, fl.letter));
        EXPECT_TRUE(f.flags.has(fl.flag)) << fl.letter;
        EXPECT_EQ(f.flags.bits(), static_cast<std::uint8_t>(fl.flag)) << fl.letter;
        EXPECT_TRUE(f.other_letters.empty());
        EXPECT_EQ(f.letters(), std::string(1, fl.letter));
    }
}

TEST(MaildirFlags, AllLettersRenderInAsciiOrder) {
    const auto f = MaildirFlags::from_letters("TSRPFD");
    EXPECT_EQ(f.letters(), "DFPRST");
    for (const auto& fl : model::k_flag_letters) EXPECT_TRUE(f.flags.has(fl.flag));
}

TEST(MaildirFlags, UnknownLettersAreKeptSortedWithoutRepeats) {
    const auto f = MaildirFlags::from_letters("cSaFbaZ");
    EXPECT_EQ(f.other_letters, "Zabc");
    EXPECT_TRUE(f.flags.has(Flag::seen));
    EXPECT_TRUE(f.flags.has(Flag::flagged));
    EXPECT_EQ(f.letters(), "FSZabc");  // one ASCII order across known and unknown letters
}

TEST(MaildirFlags, RepeatedKnownLettersCollapse) {
    EXPECT_EQ(MaildirFlags::from_letters("SSS").letters(), "S");
    EXPECT_TRUE(MaildirFlags::from_letters("").empty());
    EXPECT_FALSE(MaildirFlags::from_letters("a").empty());
}

TEST(FileName, ParsesColonTwoInfo) {
    auto n = parse_file_name("1700000000.M1P2Q3.host:2,FS");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->key, "1700000000.M1P2Q3.host");
    EXPECT_EQ(n->info, InfoKind::v2);
    EXPECT_EQ(n->separator, ':');
    EXPECT_TRUE(n->flags.flags.has(Flag::flagged));
    EXPECT_TRUE(n->flags.flags.has(Flag::seen));
    EXPECT_FALSE(n->flags.flags.has(Flag::draft));
    EXPECT_EQ(render_file_name(*n), "1700000000.M1P2Q3.host:2,FS");
}

TEST(FileName, ParsesBangTwoVariant) {
    auto n = parse_file_name("1700000000.M1P2Q3.host!2,RS");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->key, "1700000000.M1P2Q3.host");
    EXPECT_EQ(n->separator, '!');
    EXPECT_EQ(n->flags.letters(), "RS");
    EXPECT_EQ(render_file_name(*n), "1700000000.M1P2Q3.host!2,RS");
}

TEST(FileName, BangWithoutInfoBelongsToTheKey) {
    auto n = parse_file_name("1.M1P1Q1.we!rd!host");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->key, "1.M1P1Q1.we!rd!host");
    EXPECT_EQ(n->info, InfoKind::none);
    EXPECT_EQ(key_of("1.M1P1Q1.we!rd!host!2,S"), "1.M1P1Q1.we!rd!host");
}

TEST(FileName, NameWithoutInfoIsAKeyOnly) {
    auto n = parse_file_name("1700000000.M1P2Q3.host");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->info, InfoKind::none);
    EXPECT_TRUE(n->flags.empty());
    EXPECT_EQ(render_file_name(*n), "1700000000.M1P2Q3.host");
}

TEST(FileName, EmptyFlagsAfterTwoComma) {
    auto n = parse_file_name("k:2,");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->info, InfoKind::v2);
    EXPECT_TRUE(n->flags.empty());
    EXPECT_EQ(render_file_name(*n), "k:2,");
}

TEST(FileName, UnsortedFlagsAreNormalizedOnRender) {
    auto n = parse_file_name("k:2,SbFa");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->flags.other_letters, "ab");
    EXPECT_EQ(render_file_name(*n), "k:2,FSab");
}

TEST(FileName, ExperimentalOneInfoIsKeptVerbatim) {
    auto n = parse_file_name("k:1,whatever,Zq");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->info, InfoKind::v1);
    EXPECT_EQ(n->raw_info, "1,whatever,Zq");
    EXPECT_TRUE(n->flags.empty());
    EXPECT_EQ(render_file_name(*n), "k:1,whatever,Zq");
}

TEST(FileName, UnknownInfoIsKeptVerbatim) {
    auto n = parse_file_name("k:3,x");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->info, InfoKind::unknown);
    EXPECT_EQ(render_file_name(*n), "k:3,x");
}

TEST(FileName, DovecotSizeFieldsStayInTheKey) {
    auto n = parse_file_name("1700000000.M1P2.host,S=1234,W=1260:2,S");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->key, "1700000000.M1P2.host,S=1234,W=1260");
    EXPECT_EQ(n->size, 1234u);
    EXPECT_EQ(n->vsize, 1260u);
    EXPECT_EQ(render_file_name(*n), "1700000000.M1P2.host,S=1234,W=1260:2,S");
}

TEST(FileName, MalformedSizeFieldsAreIgnored) {
    const auto f = parse_key_fields("k,S=12x,W=,S=7");
    EXPECT_EQ(f.size, 7u);
    EXPECT_FALSE(f.vsize);
    EXPECT_FALSE(parse_key_fields("k").size);
    EXPECT_FALSE(parse_key_fields("S=5").size);  // the first part is the name, not a field
}

TEST(FileName, RejectsNamesThatAreNotMessages) {
    for (std::string_view bad : {std::string_view(""), std::string_view(".hidden"), std::string_view("a/b"),
                                 std::string_view(":2,S"), std::string_view("a\0b", 3)}) {
        auto n = parse_file_name(bad);
        ASSERT_FALSE(n) << bad;
        EXPECT_EQ(n.error().code, Errc::invalid_file_name);
        EXPECT_FALSE(n.error().message.empty());
    }
}

TEST(FileName, RendersKeyAndFlags) {
    auto flags = MaildirFlags::from_letters("a");
    flags.flags.set(Flag::seen);
    flags.flags.set(Flag::answered);
    EXPECT_EQ(render_file_name("key,S=5", flags), "key,S=5:2,RSa");
    EXPECT_EQ(render_file_name("key", flags, '!'), "key!2,RSa");
    EXPECT_EQ(render_file_name("key", MaildirFlags{}), "key:2,");
}

TEST(FileName, KeyOfStopsAtTheSeparator) {
    EXPECT_EQ(key_of("abc:2,S"), "abc");
    EXPECT_EQ(key_of("abc"), "abc");
    EXPECT_EQ(key_of("abc,S=3:2,"), "abc,S=3");
}

}  // namespace
}  // namespace mailtwin::maildir
