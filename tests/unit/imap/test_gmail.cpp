// Gmail and Exchange responses (tests/data/imap/gmail_exchange.txt): X-GM-EXT-1 in CAPABILITY,
// X-GM-LABELS / X-GM-MSGID / X-GM-THRID items (with a literal label) and unknown items in FETCH,
// \All and \Important in LIST, unsolicited FETCH (FLAGS) with and without UID. Everything parses;
// unknown items land in FetchData::other and never disturb UID, FLAGS, MODSEQ or RFC822.SIZE.
#include <gtest/gtest.h>

#include "mailtwin/imap/capabilities.hpp"
#include "mailtwin/imap/parser.hpp"
#include "mailtwin/imap/response.hpp"
#include "transcript.hpp"

namespace mailtwin::imap {
namespace {

using model::Flag;
using test::transcript;

std::vector<Response> parse_all(std::string_view input) {
    Parser p;
    std::vector<Response> out;
    auto r = feed_all(p, input, [&](Response&& resp) { out.push_back(std::move(resp)); });
    EXPECT_TRUE(r) << (r ? "" : r.error().describe());
    return out;
}

const Value* other_item(const FetchData& f, std::string_view name) {
    for (const auto& [n, v] : f.other)
        if (n == name) return &v;
    return nullptr;
}

TEST(GmailExchange, TranscriptParses) {
    auto rs = parse_all(transcript("gmail_exchange.txt"));
    ASSERT_EQ(rs.size(), 20u);

    auto caps = decode_capability(rs[1]);
    ASSERT_TRUE(caps);
    Capabilities c(*caps);
    EXPECT_TRUE(c.has("X-GM-EXT-1"));
    EXPECT_TRUE(c.condstore());
    EXPECT_FALSE(c.qresync());
    EXPECT_TRUE(c.move());

    auto all_mail = decode_list(rs[4]);
    ASSERT_TRUE(all_mail);
    EXPECT_EQ(all_mail->mailbox, "[Gmail]/All Mail");
    EXPECT_TRUE(all_mail->has(MailboxAttr::all));
    auto gmail = decode_list(rs[3]);
    ASSERT_TRUE(gmail);
    EXPECT_TRUE(gmail->has(MailboxAttr::noselect));
    auto important = decode_list(rs[6]);
    ASSERT_TRUE(important);
    EXPECT_TRUE(important->has(MailboxAttr::important));
    EXPECT_FALSE(important->has(MailboxAttr::all));

    auto ns = decode_namespace(rs[11]);
    ASSERT_TRUE(ns);
    ASSERT_EQ(ns->personal.size(), 1u);
    EXPECT_EQ(ns->personal[0].prefix, "");

    // X-GM-THRID, X-GM-MSGID and X-GM-LABELS before the items mailtwin reads.
    auto f1 = decode_fetch(rs[12]);
    ASSERT_TRUE(f1);
    EXPECT_EQ(f1->seq, 1u);
    EXPECT_EQ(f1->uid, 4u);
    ASSERT_TRUE(f1->flags);
    EXPECT_EQ(f1->flags->bits(), static_cast<std::uint8_t>(Flag::seen));
    EXPECT_TRUE(f1->flags->keywords.empty());  // the labels are not flags
    EXPECT_EQ(f1->modseq, 4321u);
    ASSERT_NE(other_item(*f1, "X-GM-LABELS"), nullptr);
    EXPECT_EQ(other_item(*f1, "X-GM-LABELS")->items.size(), 4u);
    ASSERT_NE(other_item(*f1, "X-GM-MSGID"), nullptr);
    EXPECT_EQ(other_item(*f1, "X-GM-MSGID")->number(), 1278455344230334865u);
    ASSERT_NE(other_item(*f1, "X-GM-THRID"), nullptr);

    // An empty label list.
    auto f2 = decode_fetch(rs[13]);
    ASSERT_TRUE(f2);
    EXPECT_EQ(f2->uid, 5u);
    ASSERT_TRUE(f2->flags);
    EXPECT_EQ(f2->flags->bits(), 0u);
    EXPECT_TRUE(f2->flags->keywords.empty());

    // A label sent as a literal, a keyword flag, the largest MSGID.
    auto f3 = decode_fetch(rs[14]);
    ASSERT_TRUE(f3);
    EXPECT_EQ(f3->uid, 6u);
    EXPECT_EQ(f3->rfc822_size, 1234u);
    ASSERT_TRUE(f3->flags);
    EXPECT_TRUE(f3->flags->has(Flag::seen));
    EXPECT_EQ(f3->flags->keywords, std::set<std::string>{"$Phishing"});
    const Value* labels = other_item(*f3, "X-GM-LABELS");
    ASSERT_NE(labels, nullptr);
    ASSERT_EQ(labels->items.size(), 3u);
    EXPECT_EQ(labels->items[2].string(), "with space");
    EXPECT_EQ(other_item(*f3, "X-GM-MSGID")->number(), 9223372036854775807u);

    auto f4 = decode_fetch(rs[15]);
    ASSERT_TRUE(f4);
    EXPECT_EQ(f4->uid, 7u);
    EXPECT_EQ(f4->modseq, 4400u);
    EXPECT_TRUE(f4->flags->has(Flag::flagged));

    // Unsolicited flag updates (Exchange sends them even after STORE .SILENT): with and without UID.
    auto f5 = decode_fetch(rs[16]);
    ASSERT_TRUE(f5);
    EXPECT_EQ(f5->seq, 12u);
    EXPECT_EQ(f5->uid, 1u);
    auto f6 = decode_fetch(rs[17]);
    ASSERT_TRUE(f6);
    EXPECT_EQ(f6->seq, 13u);
    EXPECT_FALSE(f6->uid);
    EXPECT_TRUE(f6->bodies.empty());

    // An unknown item with nested lists, NIL and a literal is skipped as a whole.
    auto f7 = decode_fetch(rs[18]);
    ASSERT_TRUE(f7);
    EXPECT_EQ(f7->uid, 9u);
    ASSERT_TRUE(f7->flags);
    EXPECT_TRUE(f7->flags->has(Flag::draft));
    ASSERT_NE(other_item(*f7, "X-UNKNOWN-ITEM"), nullptr);

    EXPECT_EQ(rs[19].kind, Response::Kind::tagged);
    EXPECT_EQ(rs[19].status, Status::ok);
}

TEST(GmailExchange, TranscriptParsesInEveryChunking) {
    // Bytes arriving one at a time (a slow link) give the same responses.
    const std::string all = transcript("gmail_exchange.txt");
    Parser p;
    std::vector<Response> out;
    for (std::size_t i = 0; i < all.size(); ++i) {
        auto r =
            feed_all(p, std::string_view(all).substr(i, 1), [&](Response&& resp) { out.push_back(std::move(resp)); });
        ASSERT_TRUE(r) << "at byte " << i << ": " << r.error().describe();
    }
    EXPECT_EQ(out.size(), 20u);
}

}  // namespace
}  // namespace mailtwin::imap
