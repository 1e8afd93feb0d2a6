#include "mailtwin/imap/parser.hpp"

#include <gtest/gtest.h>

#include "transcript.hpp"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace mailtwin::imap {
namespace {

using namespace std::string_literals;

using test::transcript;

// Records every call in one string: "<begin seq uid item total>bytes<end>".
class RecordingSink final : public LiteralSink {
public:
    bool accept_sections_only_empty = true;
    std::vector<FetchContext> contexts;
    std::vector<std::string> items;  // FetchContext::item copied (the view dies after begin)
    std::string log;
    std::size_t data_calls = 0;

    bool begin(const FetchContext& ctx, std::uint64_t total) override {
        if (accept_sections_only_empty && !ctx.section.empty()) return false;
        contexts.push_back(ctx);
        items.emplace_back(ctx.item);
        log += "<begin " + std::to_string(ctx.seq) + " " + (ctx.uid ? std::to_string(*ctx.uid) : "-") + " " +
               std::string(ctx.item) + " " + std::to_string(total) + ">";
        return true;
    }
    void data(std::string_view chunk) override {
        ++data_calls;
        log.append(chunk);
    }
    void end() override { log += "<end>"; }
};

struct Outcome {
    std::vector<Response> responses;
    std::string sink_log;
    std::error_code error;
    std::string error_message;
    bool operator==(const Outcome& o) const {
        return responses == o.responses && sink_log == o.sink_log && error == o.error &&
               error_message == o.error_message;
    }
};

// Feeds `input` in the given chunk sizes (cycled; empty = one piece) and collects everything.
Outcome run(std::string_view input, const std::vector<std::size_t>& chunks = {}, ParserLimits limits = {},
            bool with_sink = true) {
    Outcome out;
    RecordingSink sink;
    Parser parser(limits);
    if (with_sink) parser.set_sink(&sink);
    std::size_t pos = 0;
    std::size_t k = 0;
    while (pos < input.size() && !parser.failed()) {
        std::size_t len = chunks.empty() ? input.size() : chunks[k++ % chunks.size()];
        len = std::min(len, input.size() - pos);
        auto r = feed_all(parser, input.substr(pos, len),
                          [&](Response&& resp) { out.responses.push_back(std::move(resp)); });
        pos += len;
        if (!r) {
            out.error = r.error().code;
            out.error_message = r.error().message;
        }
    }
    out.sink_log = sink.log;
    return out;
}

Response parse_one(std::string_view input) {
    auto out = run(input);
    EXPECT_FALSE(out.error) << out.error_message;
    EXPECT_EQ(out.responses.size(), 1u) << input;
    return out.responses.empty() ? Response{} : out.responses.front();
}

Outcome fail_with(std::string_view input, Errc expected, ParserLimits limits = {}, bool with_sink = true) {
    auto out = run(input, {}, limits, with_sink);
    EXPECT_EQ(out.error, make_error_code(expected))
        << "input: " << input.substr(0, 80) << "\nmessage: " << out.error_message;
    // The same error, message included, for byte-by-byte input.
    auto bytewise = run(input, {1}, limits, with_sink);
    EXPECT_EQ(bytewise.error, out.error);
    EXPECT_EQ(bytewise.error_message, out.error_message);
    return out;
}

// ---------------------------------------------------------------------------------------------------
// Test every split (Beast's parsegrind): each transcript fed at every two-chunk split and byte by byte
// gives the same responses and the same streamed bytes.

class Parsegrind : public ::testing::TestWithParam<const char*> {};

TEST_P(Parsegrind, EverySplitGivesIdenticalResults) {
    const std::string input = transcript(GetParam());
    ASSERT_FALSE(input.empty());
    const Outcome whole = run(input);
    ASSERT_FALSE(whole.error) << whole.error_message;
    ASSERT_FALSE(whole.responses.empty());
    for (std::size_t split = 1; split < input.size(); ++split) {
        Outcome two;
        RecordingSink sink;
        Parser parser;
        parser.set_sink(&sink);
        auto collect = [&](Response&& r) { two.responses.push_back(std::move(r)); };
        ASSERT_TRUE(feed_all(parser, std::string_view(input).substr(0, split), collect));
        ASSERT_TRUE(feed_all(parser, std::string_view(input).substr(split), collect));
        two.sink_log = sink.log;
        ASSERT_EQ(two, whole) << GetParam() << " split at " << split;
        EXPECT_TRUE(parser.idle());
    }
    EXPECT_EQ(run(input, {1}), whole) << "byte by byte";
    EXPECT_EQ(run(input, {7, 1, 3, 64}), whole) << "mixed chunks";
}

INSTANTIATE_TEST_SUITE_P(Transcripts, Parsegrind,
                         ::testing::Values("rfc3501_select.txt", "rfc3501_fetch.txt", "rfc7162_qresync.txt",
                                           "dovecot_fetch_bodies.txt", "list.txt", "misc.txt"));

TEST(Parsegrind, TranscriptsParseToTheExpectedNumberOfResponses) {
    EXPECT_EQ(run(transcript("rfc3501_select.txt")).responses.size(), 8u);
    EXPECT_EQ(run(transcript("rfc3501_fetch.txt")).responses.size(), 11u);
    EXPECT_EQ(run(transcript("rfc7162_qresync.txt")).responses.size(), 20u);
    EXPECT_EQ(run(transcript("dovecot_fetch_bodies.txt")).responses.size(), 7u);
    EXPECT_EQ(run(transcript("list.txt")).responses.size(), 17u);
    EXPECT_EQ(run(transcript("misc.txt")).responses.size(), 32u);
}

// ---------------------------------------------------------------------------------------------------
// Syntax elements

TEST(ParserSyntax, TaggedStatusWithCodeAndText) {
    auto r = parse_one("A142 OK [READ-WRITE] SELECT completed\r\n");
    EXPECT_EQ(r.kind, Response::Kind::tagged);
    EXPECT_EQ(r.tag, "A142");
    EXPECT_EQ(r.status, Status::ok);
    ASSERT_TRUE(r.code);
    EXPECT_EQ(r.code->kind, CodeKind::read_write);
    EXPECT_EQ(r.code->name, "READ-WRITE");
    EXPECT_EQ(r.code->args, "");
    EXPECT_EQ(r.text, "SELECT completed");
}

TEST(ParserSyntax, TaggedStatusWordsAreCaseInsensitive) {
    EXPECT_EQ(parse_one("a1 no fail\r\n").status, Status::no);
    EXPECT_EQ(parse_one("a1 Bad fail\r\n").status, Status::bad);
    auto bare = parse_one("a1 OK\r\n");
    EXPECT_EQ(bare.status, Status::ok);
    EXPECT_EQ(bare.text, "");
    EXPECT_FALSE(bare.code);
}

TEST(ParserSyntax, ResponseTextMayContainAnything) {
    // Text is not tokenised: parens, quotes, brackets and a "{5}" at the end are just text.
    auto r = parse_one("* OK [ALERT] (unbalanced \"quote ] {5}\r\n");
    EXPECT_EQ(r.kind, Response::Kind::untagged);
    EXPECT_EQ(r.data, DataKind::status);
    ASSERT_TRUE(r.code);
    EXPECT_EQ(r.code->kind, CodeKind::alert);
    EXPECT_EQ(r.text, "(unbalanced \"quote ] {5}");
}

TEST(ParserSyntax, CodeWithoutTextAndUnknownCodeKeptAsText) {
    auto r = parse_one("* OK [UIDVALIDITY 3857529045]\r\n");
    ASSERT_TRUE(r.code);
    EXPECT_EQ(r.code->args, "3857529045");
    EXPECT_EQ(r.text, "");
    auto u = parse_one("a NO [X-WEIRD a (b) \"c] text\r\n");
    ASSERT_TRUE(u.code);
    EXPECT_EQ(u.code->kind, CodeKind::other);
    EXPECT_EQ(u.code->name, "X-WEIRD");
    EXPECT_EQ(u.code->args, "a (b) \"c");
    EXPECT_EQ(u.text, "text");
}

TEST(ParserSyntax, ContinuationWithAndWithoutText) {
    auto r = parse_one("+ Ready for literal data\r\n");
    EXPECT_EQ(r.kind, Response::Kind::continuation);
    EXPECT_EQ(r.text, "Ready for literal data");
    auto bare = parse_one("+\r\n");
    EXPECT_EQ(bare.kind, Response::Kind::continuation);
    EXPECT_EQ(bare.text, "");
}

TEST(ParserSyntax, ByeIsItsOwnKind) {
    auto r = parse_one("* BYE [ALERT] Autologout; idle for too long\r\n");
    EXPECT_EQ(r.kind, Response::Kind::bye);
    EXPECT_EQ(r.status, Status::bye);
    EXPECT_EQ(r.text, "Autologout; idle for too long");
    EXPECT_EQ(parse_one("* PREAUTH IMAP4rev1 server logged in as Smith\r\n").status, Status::preauth);
}

TEST(ParserSyntax, AtomsNumbersNilAndNestedLists) {
    auto r = parse_one("* X atom 123 nil NIL (a (b (c)) ()) \\Seen \\* 9:*\r\n");
    EXPECT_EQ(r.keyword, "X");
    ASSERT_EQ(r.args.size(), 8u);
    EXPECT_TRUE(r.args[0].is_atom("ATOM"));
    EXPECT_EQ(r.args[1].number(), 123u);
    EXPECT_TRUE(r.args[2].is_nil());
    EXPECT_TRUE(r.args[3].is_nil());
    EXPECT_EQ(dump(r.args[4]), "(a (b (c)) ())");
    // A list may directly follow a list (BODYSTRUCTURE multiparts, NAMESPACE).
    auto adjacent = parse_one("* X ((a)(b) \"mixed\")\r\n");
    EXPECT_EQ(adjacent.args[0].items.size(), 3u);
    EXPECT_EQ(r.args[4].items[1].items[1].items[0].text, "c");
    EXPECT_TRUE(r.args[4].items[2].items.empty());
    EXPECT_EQ(r.args[5].text, "\\Seen");
    EXPECT_EQ(r.args[6].text, "\\*");
    EXPECT_EQ(r.args[7].text, "9:*");
}

TEST(ParserSyntax, QuotedStringsWithEscapes) {
    auto r = parse_one("* X \"a \\\"b\\\" \\\\c\" \"\" \"(not a list)\"\r\n");
    ASSERT_EQ(r.args.size(), 3u);
    EXPECT_EQ(r.args[0].kind, ValueKind::quoted);
    EXPECT_EQ(r.args[0].text, "a \"b\" \\c");
    EXPECT_EQ(r.args[1].text, "");
    EXPECT_EQ(r.args[2].text, "(not a list)");
    EXPECT_EQ(r.args[0].string(), "a \"b\" \\c");
    EXPECT_FALSE(r.args[0].number());
}

TEST(ParserSyntax, LiteralsInMemory) {
    auto r = parse_one("* LIST () \"/\" {12}\r\nfoo ) \"{3}\r\n\r\n");
    ASSERT_EQ(r.args.size(), 3u);
    EXPECT_EQ(r.args[2].kind, ValueKind::literal);
    EXPECT_EQ(r.args[2].text, "foo ) \"{3}\r\n");
    EXPECT_EQ(r.args[2].size, 12u);
}

TEST(ParserSyntax, Literal8AndLiteralPlusAndEmptyLiteral) {
    const std::string input = "* X ~{4}\r\n\0\1\2\3 {2+}\r\nab {0}\r\n\r\n"s;
    auto r = parse_one(input);
    ASSERT_EQ(r.args.size(), 3u);
    EXPECT_TRUE(r.args[0].binary);
    EXPECT_EQ(r.args[0].text, "\0\1\2\3"s);
    EXPECT_EQ(r.args[1].text, "ab");
    EXPECT_EQ(r.args[2].kind, ValueKind::literal);
    EXPECT_EQ(r.args[2].text, "");
}

TEST(ParserSyntax, SectionAtomsKeepSpacesAndParens) {
    auto ok = parse_one("* 1 FETCH (BODY[HEADER.FIELDS (MESSAGE-ID)]<0> NIL BINARY.SIZE[1] 3)\r\n");
    ASSERT_EQ(ok.args.size(), 1u);
    ASSERT_EQ(ok.args[0].items.size(), 4u);
    EXPECT_EQ(ok.args[0].items[0].text, "BODY[HEADER.FIELDS (MESSAGE-ID)]<0>");
    EXPECT_TRUE(ok.args[0].items[1].is_nil());
    EXPECT_EQ(ok.args[0].items[2].text, "BINARY.SIZE[1]");
    // A section ends at its first "]": a quoted header name containing "]" is not supported.
    fail_with("* 1 FETCH (BODY[HEADER.FIELDS (\"X]\")] NIL)\r\n", Errc::syntax);
}

TEST(ParserSyntax, BareLfIsAcceptedAsLineEnd) {
    auto crlf = run("* 3 EXISTS\r\n* LIST () \"/\" {3}\r\nabc\r\n");
    auto lf = run("* 3 EXISTS\n* LIST () \"/\" {3}\nabc\n");
    ASSERT_FALSE(lf.error) << lf.error_message;
    EXPECT_EQ(lf.responses, crlf.responses);
}

TEST(ParserSyntax, TrailingSpaceAtTopLevelTolerated) {
    auto r = parse_one("* SEARCH \r\n");
    EXPECT_EQ(r.data, DataKind::search);
    EXPECT_TRUE(r.args.empty());
}

TEST(ParserSyntax, UntaggedKeywordIsUpperCasedAndClassified) {
    auto r = parse_one("* 5 fetch (UID 3)\r\n");
    EXPECT_EQ(r.keyword, "FETCH");
    EXPECT_EQ(r.data, DataKind::fetch);
    EXPECT_EQ(r.number, 5u);
    EXPECT_EQ(parse_one("* 0 EXISTS\r\n").number, 0u);
    EXPECT_EQ(parse_one("* XAPPLEPUSHSERVICE aps-version 2\r\n").data, DataKind::other);
}

// ---------------------------------------------------------------------------------------------------
// feed() contract

TEST(ParserFeed, OneResponsePerCallAndConsumedStopsAtItsEnd) {
    Parser p;
    const std::string_view input = "* 1 EXISTS\r\n* 2 EXISTS\r\nA1 OK";
    auto r1 = p.feed(input);
    EXPECT_EQ(r1.status, FeedStatus::response);
    EXPECT_EQ(r1.consumed, 12u);
    EXPECT_EQ(p.take().number, 1u);
    auto r2 = p.feed(input.substr(12));
    EXPECT_EQ(r2.status, FeedStatus::response);
    EXPECT_EQ(r2.consumed, 12u);
    EXPECT_EQ(p.take().number, 2u);
    EXPECT_TRUE(p.idle());
    auto r3 = p.feed(input.substr(24));
    EXPECT_EQ(r3.status, FeedStatus::need_more);
    EXPECT_EQ(r3.consumed, 5u);
    EXPECT_FALSE(p.idle());
    auto r4 = p.feed("\r\n");
    EXPECT_EQ(r4.status, FeedStatus::response);
    EXPECT_EQ(p.take().tag, "A1");
    EXPECT_EQ(p.offset(), input.size() + 2);
}

TEST(ParserFeed, TruncatedInputWaitsForMore) {
    Parser p;
    auto r = p.feed("* 1 FETCH (UID 5 BODY[] {10}\r\nabc");
    EXPECT_EQ(r.status, FeedStatus::need_more);
    EXPECT_FALSE(p.idle());
    EXPECT_EQ(p.feed("").status, FeedStatus::need_more);
    r = p.feed("defghij)\r\n");
    EXPECT_EQ(r.status, FeedStatus::response);
    auto resp = p.take();
    EXPECT_EQ(resp.args[0].items[3].text, "abcdefghij");
}

TEST(ParserFeed, FeedAfterErrorKeepsFailing) {
    Parser p;
    EXPECT_EQ(p.feed(")\r\n").status, FeedStatus::error);
    EXPECT_TRUE(p.failed());
    const auto code = p.error().code;
    auto again = p.feed("* 1 EXISTS\r\n");
    EXPECT_EQ(again.status, FeedStatus::error);
    EXPECT_EQ(again.consumed, 0u);
    EXPECT_EQ(p.error().code, code);
}

// ---------------------------------------------------------------------------------------------------
// Streaming FETCH bodies

TEST(ParserStreaming, BodyGoesToSinkWithContext) {
    const std::string body = "Subject: x\r\n\r\n) {3}\r\n\"\r\n";
    const std::string input =
        "* 7 FETCH (UID 42 FLAGS (\\Seen) BODY[] {" + std::to_string(body.size()) + "}\r\n" + body + " MODSEQ (5))\r\n";
    for (std::size_t chunk : {std::size_t{1}, std::size_t{5}, input.size()}) {
        RecordingSink sink;
        Parser p;
        p.set_sink(&sink);
        std::vector<Response> got;
        for (std::size_t pos = 0; pos < input.size(); pos += chunk)
            ASSERT_TRUE(feed_all(p, std::string_view(input).substr(pos, chunk),
                                 [&](Response&& r) { got.push_back(std::move(r)); }));
        ASSERT_EQ(got.size(), 1u);
        ASSERT_EQ(sink.contexts.size(), 1u);
        EXPECT_EQ(sink.contexts[0].seq, 7u);
        EXPECT_EQ(sink.contexts[0].uid, 42u);
        EXPECT_EQ(sink.items[0], "BODY[]");
        EXPECT_FALSE(sink.contexts[0].binary);
        EXPECT_EQ(sink.log, "<begin 7 42 BODY[] " + std::to_string(body.size()) + ">" + body + "<end>");
        const auto& items = got[0].args[0].items;
        ASSERT_EQ(items.size(), 8u);
        EXPECT_EQ(items[5].kind, ValueKind::streamed);
        EXPECT_EQ(items[5].size, body.size());
        EXPECT_TRUE(items[5].text.empty());  // never buffered
        EXPECT_EQ(items[7].items[0].text, "5");
    }
}

TEST(ParserStreaming, WholeChunksReachTheSinkWithoutSplitting) {
    const std::string body(100000, 'x');
    const std::string input = "* 1 FETCH (BODY[] {100000}\r\n" + body + ")\r\n";
    RecordingSink sink;
    Parser p;
    p.set_sink(&sink);
    std::size_t responses = 0;
    ASSERT_TRUE(feed_all(p, input, [&](Response&&) { ++responses; }));
    EXPECT_EQ(responses, 1u);
    EXPECT_EQ(sink.data_calls, 1u);  // one call for the whole literal: the memcpy path
}

TEST(ParserStreaming, SinkMayDeclineAndOthersStayInMemory) {
    RecordingSink sink;  // accepts only empty sections
    Parser p;
    p.set_sink(&sink);
    std::vector<Response> got;
    const std::string input =
        "* 1 FETCH (UID 9 BODY[HEADER.FIELDS (MESSAGE-ID)] {5}\r\nM-I\r\n BINARY[] ~{2}\r\n\0\1"
        " ENVELOPE (NIL {2}\r\nhi) RFC822 {1}\r\nz)\r\n* LIST () \"/\" {3}\r\nabc\r\n"s;
    ASSERT_TRUE(feed_all(p, input, [&](Response&& r) { got.push_back(std::move(r)); }));
    ASSERT_EQ(got.size(), 2u);
    const auto& items = got[0].args[0].items;
    EXPECT_EQ(items[3].kind, ValueKind::literal);
    EXPECT_EQ(items[3].text, "M-I\r\n");
    EXPECT_EQ(items[5].kind, ValueKind::streamed);
    EXPECT_TRUE(items[5].binary);
    EXPECT_EQ(items[7].items[1].kind, ValueKind::literal);  // nested: not a body item
    EXPECT_EQ(items[9].kind, ValueKind::streamed);
    EXPECT_EQ(got[1].args[2].kind, ValueKind::literal);
    ASSERT_EQ(sink.items.size(), 2u);
    EXPECT_EQ(sink.items[0], "BINARY[]");
    EXPECT_TRUE(sink.contexts[0].binary);
    EXPECT_EQ(sink.contexts[0].uid, 9u);
    EXPECT_EQ(sink.items[1], "RFC822");
    EXPECT_EQ(sink.log, "<begin 1 9 BINARY[] 2>\0\1<end><begin 1 9 RFC822 1>z<end>"s);
}

TEST(ParserStreaming, SectionAndUidUnknownBeforeBody) {
    RecordingSink sink;
    sink.accept_sections_only_empty = false;
    Parser p;
    p.set_sink(&sink);
    ASSERT_TRUE(feed_all(p, "* 3 FETCH (BODY[1.2.MIME]<10> {0}\r\n UID 4)\r\n", [](Response&&) {}));
    ASSERT_EQ(sink.contexts.size(), 1u);
    EXPECT_EQ(sink.contexts[0].seq, 3u);
    EXPECT_FALSE(sink.contexts[0].uid);
    EXPECT_EQ(sink.log, "<begin 3 - BODY[1.2.MIME]<10> 0><end>");
}

TEST(ParserStreaming, WithoutSinkBodiesStayInMemory) {
    auto out = run("* 1 FETCH (BODY[] {3}\r\nabc)\r\n", {}, {}, false);
    ASSERT_EQ(out.responses.size(), 1u);
    EXPECT_EQ(out.responses[0].args[0].items[1].kind, ValueKind::literal);
    EXPECT_EQ(out.responses[0].args[0].items[1].text, "abc");
}

// ---------------------------------------------------------------------------------------------------
// Limits: one precise error per violation, fast and without unbounded memory

TEST(ParserLimits, EndlessLineFailsAtTheLimit) {
    ParserLimits limits;
    limits.max_line_bytes = 100;
    auto out = fail_with("* X " + std::string(200, 'a'), Errc::line_too_long, limits);
    EXPECT_NE(out.error_message.find("max_line_bytes (100)"), std::string::npos) << out.error_message;
    EXPECT_NE(out.error_message.find("offset 100"), std::string::npos) << out.error_message;
    // A line of exactly the limit, CRLF included, is fine.
    std::string exact = "* X " + std::string(94, 'a') + "\r\n";
    ASSERT_EQ(exact.size(), 100u);
    EXPECT_FALSE(run(exact, {}, limits).error);
    EXPECT_EQ(run(exact + "* Y " + std::string(95, 'a') + "\r\n", {}, limits).error,
              make_error_code(Errc::line_too_long));
}

TEST(ParserLimits, EndlessLineWithDefaultsFailsAfterOneMegabyte) {
    Parser p;
    const std::string chunk(64 * 1024, 'a');
    std::size_t fed = 0;
    FeedStatus st = FeedStatus::need_more;
    while (st == FeedStatus::need_more && fed < 64 * 1024 * 1024) {
        st = p.feed(chunk).status;
        fed += chunk.size();
    }
    EXPECT_EQ(st, FeedStatus::error);
    EXPECT_EQ(p.error().code, Errc::line_too_long);
    EXPECT_LE(fed, p.limits().max_line_bytes + chunk.size());
}

TEST(ParserLimits, HugeLiteralAnnouncementsFailWithoutAllocating) {
    // 4 GiB body with a sink: over max_streamed_literal_bytes; begin() is never called.
    RecordingSink sink;
    Parser p;
    p.set_sink(&sink);
    EXPECT_EQ(p.feed("* 1 FETCH (UID 1 BODY[] {4294967296}\r\n").status, FeedStatus::error);
    EXPECT_EQ(p.error().code, Errc::streamed_literal_too_large);
    EXPECT_NE(p.error().message.find("max_streamed_literal_bytes (2147483648)"), std::string::npos);
    EXPECT_NE(p.error().message.find("offset 24"), std::string::npos) << p.error().message;
    EXPECT_TRUE(sink.contexts.empty());
    // The same without a sink, or not in a body position: the in-memory limit.
    fail_with("* 1 FETCH (UID 1 BODY[] {4294967296}\r\n", Errc::literal_too_large, {}, false);
    auto out = fail_with("* LIST () \"/\" {1048577}\r\n", Errc::literal_too_large);
    EXPECT_NE(out.error_message.find("max_literal_bytes (1048576)"), std::string::npos);
    EXPECT_FALSE(run("* LIST () \"/\" {1048576}\r\n" + std::string(1048576, 'm') + "\r\n").error);
}

TEST(ParserLimits, DeepNestingFailsAtTheLimit) {
    ParserLimits limits;
    limits.max_depth = 3;
    EXPECT_FALSE(run("* X (((a)))\r\n", {}, limits).error);
    auto out = fail_with("* X ((((a))))\r\n", Errc::nesting_too_deep, limits);
    EXPECT_NE(out.error_message.find("max_depth (3)"), std::string::npos);
    EXPECT_NE(out.error_message.find("offset 7"), std::string::npos) << out.error_message;
    // 10^6 levels with the default limits: fails at level 65.
    fail_with("* X " + std::string(1000000, '(') + "\r\n", Errc::nesting_too_deep);
}

TEST(ParserLimits, ResponseSizeCountsLinesLiteralsAndNodes) {
    ParserLimits limits;
    limits.max_response_bytes = 4096;
    std::string many = "* X";
    for (int i = 0; i < 200; ++i) many += " {10}\r\n0123456789";
    many += "\r\n";
    auto out = fail_with(many, Errc::response_too_large, limits);
    EXPECT_NE(out.error_message.find("max_response_bytes (4096)"), std::string::npos);
    std::string empties = "* X";
    for (int i = 0; i < 1000; ++i) empties += " ()";
    fail_with(empties + "\r\n", Errc::response_too_large, limits);
}

// ---------------------------------------------------------------------------------------------------
// Malformed input

TEST(ParserMalformed, Garbage) {
    fail_with("\x01\x02\x03\r\n", Errc::syntax);
    fail_with("\r\n", Errc::syntax);
    fail_with("*\r\n", Errc::syntax);
    fail_with("* \r\n", Errc::syntax);
    fail_with("*X\r\n", Errc::syntax);
    fail_with("a1 FOO bar\r\n", Errc::syntax);
    fail_with("a1 PREAUTH x\r\n", Errc::syntax);
    fail_with("a1\r\n", Errc::syntax);
    fail_with("a1 OKx\r\n", Errc::syntax);
    fail_with("a1 OK [\r\n", Errc::syntax);
    fail_with("a1 OK [UIDNEXT 5\r\n", Errc::syntax);
    fail_with("* X a  b\r\n", Errc::syntax);
    fail_with("* X (a )\r\n", Errc::syntax);
    fail_with("* X (a)b\r\n", Errc::syntax);
    fail_with("* X a(b)\r\n", Errc::syntax);
    fail_with("* X \"a\"b\r\n", Errc::syntax);
    fail_with("* X BODY[unclosed\r\n", Errc::syntax);
    fail_with("* X a\tb\r\n", Errc::syntax);
}

TEST(ParserMalformed, UnbalancedParens) {
    fail_with("* X )\r\n", Errc::unbalanced_parens);
    fail_with("* X (a))\r\n", Errc::unbalanced_parens);
    fail_with("* 1 FETCH (UID 1\r\n", Errc::unbalanced_parens);
    fail_with("* 1 FETCH (BODY[] {1}\r\nx\r\n", Errc::unbalanced_parens);
}

TEST(ParserMalformed, BadLiterals) {
    fail_with("* X {}\r\n", Errc::bad_literal);
    fail_with("* X {5\r\n", Errc::bad_literal);
    fail_with("* X {-1}\r\n", Errc::bad_literal);
    fail_with("* X {5} x\r\n", Errc::bad_literal);
    fail_with("* X {5}x\r\n", Errc::bad_literal);
    fail_with("* X {99999999999999999999999}\r\n", Errc::bad_literal);
    fail_with("* X ~{x}\r\n", Errc::bad_literal);
    // After the literal's bytes only SP, ")" or the line end may follow.
    fail_with("* X {1}\r\nab\r\n", Errc::syntax);
}

TEST(ParserMalformed, QuotedStrings) {
    fail_with("* X \"unterminated\r\n", Errc::bad_quoted);
    fail_with("* X \"bad \\a escape\"\r\n", Errc::bad_quoted);
    fail_with("* X \"ends in backslash\\\r\n", Errc::bad_quoted);
}

TEST(ParserMalformed, NulAndBareCr) {
    fail_with("* X a\0b\r\n"s, Errc::bad_char);
    fail_with("* X a\rb\r\n", Errc::bad_char);
    fail_with("* OK text\r\r\n", Errc::bad_char);
}

TEST(ParserMalformed, NumbersOverflowOrAreNegative) {
    fail_with("* 4294967296 EXISTS\r\n", Errc::bad_number);
    fail_with("* 12a EXISTS\r\n", Errc::syntax);
    EXPECT_EQ(parse_one("* 4294967295 EXISTS\r\n").number, 4294967295u);
    // "-1" is not a number: an unknown keyword, which the typed decoders then reject.
    auto neg = parse_one("* -1 EXISTS\r\n");
    EXPECT_FALSE(neg.number);
    EXPECT_EQ(neg.data, DataKind::other);
    EXPECT_FALSE(decode_exists(neg));
}

TEST(ParserError, CategoryAndValues) {
    std::error_code ec = Errc::nesting_too_deep;
    EXPECT_EQ(ec, make_error_code(Errc::nesting_too_deep));
    EXPECT_NE(ec, make_error_code(Errc::syntax));
    EXPECT_STREQ(ec.category().name(), "imap");
    EXPECT_EQ(ec.message(), "list nesting too deep");
    EXPECT_EQ(make_error_code(Errc::line_too_long).message(), "line too long");
}

TEST(ParseValueList, ParsesCodeArguments) {
    auto v = parse_value_list("(\\Seen \"a b\" NIL) x");
    ASSERT_TRUE(v);
    ASSERT_EQ(v->size(), 2u);
    EXPECT_EQ(dump((*v)[0]), "(\\Seen \"a b\" NIL)");
    EXPECT_FALSE(parse_value_list("(unbalanced"));
    EXPECT_FALSE(parse_value_list("{3}"));
    EXPECT_FALSE(parse_value_list("a\r\n* 1 EXISTS"));
}

}  // namespace
}  // namespace mailtwin::imap
