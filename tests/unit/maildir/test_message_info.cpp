#include "mailtwin/maildir/message_info.hpp"

#include <gtest/gtest.h>

#include "fixtures/temp_dir.hpp"
#include "maildir_test_support.hpp"

namespace mailtwin::maildir {
namespace {

using namespace test_support;

TEST(HeaderEnd, FindsTheEmptyLineWithLfOrCrlf) {
    EXPECT_EQ(find_header_end("A: b\n\nbody"), 6u);
    EXPECT_EQ(find_header_end("A: b\r\n\r\nbody"), 8u);
    EXPECT_EQ(find_header_end("\r\nbody"), 2u);  // no header at all
    EXPECT_EQ(find_header_end("A: b\r\nC: d\r\n"), std::string_view::npos);
}

TEST(MessageId, ParsesCaseInsensitiveFoldedCrlf) {
    const std::string h = "From: a@b\r\nmessage-id:\r\n <abc.123@example.org>\r\nSubject: s\r\n\r\n";
    EXPECT_EQ(parse_message_id(h), "<abc.123@example.org>");
}

TEST(MessageId, ParsesLfAndFoldedWithTabs) {
    const std::string h = "Subject: x\nMESSAGE-ID: <part1\n\t.part2@host> (comment)\nTo: y\n\n";
    EXPECT_EQ(parse_message_id(h), "<part1\t.part2@host>");
}

TEST(MessageId, StopsAtTheEndOfTheHeader) {
    EXPECT_EQ(parse_message_id("Subject: x\n\nMessage-ID: <in@body>\n"), std::nullopt);
    EXPECT_EQ(parse_message_id("Subject: x\r\n"), std::nullopt);
}

TEST(MessageId, TakesTheFirstFieldAndToleratesSpaceBeforeColon) {
    EXPECT_EQ(parse_message_id("Message-ID : <one@h>\nMessage-ID: <two@h>\n\n"), "<one@h>");
    EXPECT_EQ(parse_message_id("Message-ID: no-brackets@h \n\n"), "no-brackets@h");
    EXPECT_EQ(parse_message_id("Message-ID:   \n\n"), std::nullopt);
    EXPECT_EQ(header_value("X-Other: v\n  w\n\n", "x-other"), "v  w");
}

TEST(MessageInfo, ReadsNothingUntilAskedThenCaches) {
    test::TempDir dir;
    const auto path = dir / "m";
    const std::string body(500'000, 'b');
    write_file(path, "From: a\r\nMessage-ID: <lazy@h>\r\n\r\n" + body);
    MessageInfo info(path);
    EXPECT_EQ(info.bytes_read(), 0u);
    auto id = info.message_id();
    ASSERT_TRUE(id);
    EXPECT_EQ(*id, "<lazy@h>");
    EXPECT_LT(info.bytes_read(), 20'000u);  // one chunk: the body was not read
    const auto after_id = info.bytes_read();
    ASSERT_TRUE(info.message_id());
    EXPECT_EQ(info.bytes_read(), after_id);  // cached

    auto hash = info.content_hash();
    ASSERT_TRUE(hash);
    auto direct = hash_file(path);
    ASSERT_TRUE(direct);
    EXPECT_EQ(*hash, *direct);
}

TEST(MessageInfo, HeaderEndStraddlingReadChunks) {
    test::TempDir dir;
    const auto path = dir / "m";
    // The empty line lands across the 16 KiB read boundary; the Message-ID comes last.
    std::string header = "X-Pad: " + std::string(16 * 1024 - 7 - 2 - 1, 'p') + "\r\n";
    header += "Message-ID: <late@h>\r";
    write_file(path, header + "\n\r\nMessage-ID: <body@h>\r\n");
    MessageInfo info(path);
    auto id = info.message_id();
    ASSERT_TRUE(id);
    EXPECT_EQ(*id, "<late@h>");
}

TEST(MessageInfo, Rfc822SizeCountsBareLfAsCrlf) {
    test::TempDir dir;
    write_file(dir / "lf", "A: b\n\nbody\n");
    write_file(dir / "crlf", "A: b\r\n\r\nbody\r\n");
    MessageInfo lf(dir / "lf");
    MessageInfo crlf(dir / "crlf");
    EXPECT_EQ(*lf.rfc822_size(), 14u);
    EXPECT_EQ(*crlf.rfc822_size(), 14u);
    EXPECT_NE(*lf.content_hash(), *crlf.content_hash());  // the hash is of the raw bytes
}

TEST(MessageInfo, NoMessageIdAndMissingFile) {
    test::TempDir dir;
    write_file(dir / "m", "Subject: none\n\nbody");
    MessageInfo info(dir / "m");
    auto id = info.message_id();
    ASSERT_TRUE(id);
    EXPECT_FALSE(id->has_value());

    MessageInfo gone(dir / "gone");
    auto err = gone.message_id();
    ASSERT_FALSE(err);
    EXPECT_NE(err.error().message.find("gone"), std::string::npos);
    EXPECT_FALSE(gone.content_hash());
    EXPECT_FALSE(gone.rfc822_size());
}

}  // namespace
}  // namespace mailtwin::maildir
