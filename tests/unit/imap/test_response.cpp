#include "mailtwin/imap/response.hpp"

#include <gtest/gtest.h>

#include "transcript.hpp"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mailtwin/imap/parser.hpp"

namespace mailtwin::imap {
namespace {

using model::Flag;

using test::transcript;

// Takes BODY[] (empty section) literals, keeps the rest in memory.
class BodySink final : public LiteralSink {
public:
    std::vector<std::string> bodies;
    bool begin(const FetchContext& ctx, std::uint64_t) override {
        if (!ctx.section.empty()) return false;
        bodies.emplace_back();
        return true;
    }
    void data(std::string_view chunk) override { bodies.back().append(chunk); }
    void end() override {}
};

std::vector<Response> parse_all(std::string_view input, LiteralSink* sink = nullptr) {
    Parser p;
    p.set_sink(sink);
    std::vector<Response> out;
    auto r = feed_all(p, input, [&](Response&& resp) { out.push_back(std::move(resp)); });
    EXPECT_TRUE(r) << (r ? "" : r.error().describe());
    return out;
}

Response one(std::string_view input) {
    auto all = parse_all(input);
    EXPECT_EQ(all.size(), 1u) << input;
    return all.empty() ? Response{} : all.front();
}

// ---------------------------------------------------------------------------------------------------
// RFC 3501 §6.3.1 SELECT example

TEST(ResponseSelect, Rfc3501Example) {
    auto rs = parse_all(transcript("rfc3501_select.txt"));
    ASSERT_EQ(rs.size(), 8u);
    EXPECT_EQ(decode_exists(rs[0]), 172u);
    EXPECT_EQ(decode_recent(rs[1]), 1u);
    EXPECT_FALSE(decode_exists(rs[1]));
    ASSERT_TRUE(rs[2].code);
    EXPECT_EQ(rs[2].code->unseen(), 12u);
    EXPECT_EQ(rs[2].text, "Message 12 is first unseen");
    EXPECT_EQ(rs[3].code->uidvalidity(), 3857529045u);
    EXPECT_FALSE(rs[3].code->uidnext());
    EXPECT_EQ(rs[4].code->uidnext(), 4392u);
    auto flags = decode_flags(rs[5]);
    ASSERT_TRUE(flags);
    EXPECT_TRUE(flags->flags.has(Flag::answered));
    EXPECT_TRUE(flags->flags.has(Flag::draft));
    EXPECT_FALSE(flags->keywords_allowed);
    EXPECT_EQ(flags->names.size(), 5u);
    auto perm = rs[6].code->permanent_flags();
    ASSERT_TRUE(perm);
    EXPECT_TRUE(perm->keywords_allowed);
    EXPECT_TRUE(perm->flags.has(Flag::deleted));
    EXPECT_TRUE(perm->flags.has(Flag::seen));
    EXPECT_FALSE(perm->flags.has(Flag::answered));
    EXPECT_EQ(rs[7].kind, Response::Kind::tagged);
    EXPECT_EQ(rs[7].code->kind, CodeKind::read_write);
}

// RFC 3501 §7.4.2 FETCH, §7.4.1 EXPUNGE and §6.4.8 UID FETCH examples

TEST(ResponseFetch, Rfc3501Examples) {
    auto rs = parse_all(transcript("rfc3501_fetch.txt"));
    ASSERT_EQ(rs.size(), 11u);
    auto f = decode_fetch(rs[0]);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->seq, 12u);
    EXPECT_FALSE(f->uid);
    ASSERT_TRUE(f->flags);
    EXPECT_TRUE(f->flags->has(Flag::seen));
    EXPECT_EQ(f->rfc822_size, 4286u);
    ASSERT_TRUE(f->internal_date);
    EXPECT_EQ(f->internal_date->utc, 837596665);  // 1996-07-17T09:44:25Z
    EXPECT_EQ(f->internal_date->tz_offset_minutes, -420);
    ASSERT_EQ(f->other.size(), 2u);
    EXPECT_EQ(f->other[0].first, "ENVELOPE");
    EXPECT_EQ(f->other[0].second.items.size(), 10u);
    EXPECT_EQ(f->other[0].second.items[9].text, "<B27397-0100000@cac.washington.edu>");
    EXPECT_EQ(f->other[1].first, "BODY");
    EXPECT_EQ(decode_expunge(rs[2]), 2u);
    EXPECT_EQ(decode_expunge(rs[5]), 8u);
    auto u = decode_fetch(rs[8]);
    ASSERT_TRUE(u);
    EXPECT_EQ(u->seq, 24u);
    EXPECT_EQ(u->uid, 4827943u);
}

// RFC 7162 §3.2.5.1 QRESYNC SELECT, §3.1.3 conditional STORE, §3.1.2.2 NOMODSEQ

TEST(ResponseQresync, Rfc7162Examples) {
    auto rs = parse_all(transcript("rfc7162_qresync.txt"));
    ASSERT_EQ(rs.size(), 20u);
    EXPECT_EQ(rs[0].code->kind, CodeKind::closed);
    EXPECT_EQ(rs[5].code->highestmodseq(), 90060128194045007u);
    auto v = decode_vanished(rs[9]);
    ASSERT_TRUE(v);
    EXPECT_TRUE(v->earlier);
    EXPECT_EQ(v->uids.to_string(), "41,43:116,118,120:211,214:540");
    EXPECT_EQ(v->uids.count(), 1u + 74 + 1 + 92 + 327);
    EXPECT_TRUE(v->uids.contains(300));
    EXPECT_FALSE(v->uids.contains(42));
    auto f = decode_fetch(rs[11]);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->uid, 119u);
    EXPECT_EQ(f->modseq, 90060115194045308u);
    EXPECT_TRUE(f->flags->has(Flag::draft));
    EXPECT_EQ(f->flags->keywords, std::set<std::string>{"$MDNSent"});
    auto g = decode_fetch(rs[12]);
    EXPECT_TRUE(g->flags->has(Flag::forwarded));
    auto plain = decode_vanished(rs[14]);
    ASSERT_TRUE(plain);
    EXPECT_FALSE(plain->earlier);
    EXPECT_EQ(plain->uids.count(), 4u);
    EXPECT_EQ(decode_fetch(rs[16])->modseq, 320162350u);
    auto modified = rs[17].code->modified();
    ASSERT_TRUE(modified);
    EXPECT_EQ(modified->to_string(), "7,9");
    EXPECT_EQ(rs[18].code->kind, CodeKind::nomodseq);
}

TEST(ResponseFetch, BodiesHeadersAndDates) {
    BodySink sink;
    auto rs = parse_all(transcript("dovecot_fetch_bodies.txt"), &sink);
    ASSERT_EQ(rs.size(), 7u);
    ASSERT_EQ(sink.bodies.size(), 3u);
    auto f1 = decode_fetch(rs[0]);
    ASSERT_TRUE(f1);
    EXPECT_EQ(f1->uid, 101u);
    EXPECT_EQ(f1->modseq, 12u);
    EXPECT_TRUE(f1->flags->has(Flag::forwarded));
    ASSERT_EQ(f1->bodies.size(), 1u);
    EXPECT_TRUE(f1->bodies[0].streamed);
    EXPECT_EQ(f1->bodies[0].size, sink.bodies[0].size());
    EXPECT_EQ(f1->rfc822_size, sink.bodies[0].size());
    EXPECT_NE(sink.bodies[0].find("Hello (world) {3}\r\n\"quoted\" ) stuff"), std::string::npos);
    EXPECT_EQ(f1->internal_date->tz_offset_minutes, 60);
    EXPECT_EQ(f1->internal_date->utc, 1706778000);  // 2024-02-01T09:00:00Z

    auto f2 = decode_fetch(rs[1]);
    ASSERT_TRUE(f2);
    EXPECT_EQ(f2->flags, model::FlagSet{});
    EXPECT_EQ(f2->internal_date->tz_offset_minutes, -210);
    EXPECT_EQ(f2->internal_date->utc, 1710041399);  // 2024-03-10T03:29:59Z

    auto f3 = decode_fetch(rs[2]);
    ASSERT_TRUE(f3);
    EXPECT_EQ(f3->bodies[0].size, 0u);
    EXPECT_TRUE(f3->flags->has(Flag::draft));
    EXPECT_EQ(sink.bodies[2], "");

    auto h = decode_fetch(rs[3]);
    ASSERT_TRUE(h);
    const BodyItem* mid = h->find_body("header.fields (message-id)");
    ASSERT_NE(mid, nullptr);
    EXPECT_FALSE(mid->streamed);
    EXPECT_EQ(mid->data, "Message-ID: <1@example.org>\r\n\r\n");
    EXPECT_EQ(h->find_body(""), nullptr);

    auto empty = decode_fetch(rs[4]);
    EXPECT_EQ(empty->bodies[0].data, "");
    EXPECT_FALSE(empty->bodies[0].nil);

    auto nil = decode_fetch(rs[5]);
    ASSERT_TRUE(nil);
    EXPECT_TRUE(nil->bodies[0].nil);
    EXPECT_EQ(nil->bodies[0].origin, 0u);
    EXPECT_EQ(nil->bodies[0].section, "");
}

TEST(ResponseFetch, BinaryAndPartialItems) {
    using namespace std::string_literals;
    auto r = one("* 4 FETCH (UID 9 BINARY[1.2] ~{3}\r\na\0b BODY[TEXT]<100> {2}\r\nxy RFC822.SIZE 5)\r\n"s);
    auto f = decode_fetch(r);
    ASSERT_TRUE(f);
    ASSERT_EQ(f->bodies.size(), 2u);
    EXPECT_TRUE(f->bodies[0].binary);
    EXPECT_EQ(f->bodies[0].section, "1.2");
    EXPECT_EQ(f->bodies[0].data, std::string("a\0b", 3));
    EXPECT_EQ(f->bodies[1].origin, 100u);
    EXPECT_EQ(f->bodies[1].section, "TEXT");
    EXPECT_EQ(f->bodies[1].name, "BODY[TEXT]<100>");
}

TEST(ResponseFetch, MalformedFetchesAreRejected) {
    EXPECT_FALSE(decode_fetch(one("* 1 FETCH (UID)\r\n")));
    EXPECT_FALSE(decode_fetch(one("* 1 FETCH (UID 0)\r\n")));
    EXPECT_FALSE(decode_fetch(one("* 1 FETCH (UID 4294967296)\r\n")));
    EXPECT_FALSE(decode_fetch(one("* 1 FETCH (UID -3)\r\n")));
    EXPECT_FALSE(decode_fetch(one("* 1 FETCH (MODSEQ 5)\r\n")));
    EXPECT_FALSE(decode_fetch(one("* 1 FETCH (MODSEQ (9223372036854775808))\r\n")));
    EXPECT_TRUE(decode_fetch(one("* 1 FETCH (MODSEQ (9223372036854775807))\r\n")));
    EXPECT_FALSE(decode_fetch(one("* 1 FETCH (FLAGS \\Seen)\r\n")));
    EXPECT_FALSE(decode_fetch(one("* 1 FETCH (INTERNALDATE \"32-Jul-1996 02:44:25 -0700\")\r\n")));
    EXPECT_FALSE(decode_fetch(one("* 1 FETCH (BODY[]<x> NIL)\r\n")));
    EXPECT_FALSE(decode_fetch(one("* 0 FETCH (UID 1)\r\n")));
    EXPECT_FALSE(decode_fetch(one("* 1 FETCH UID 1\r\n")));
    EXPECT_FALSE(decode_fetch(one("* 1 EXISTS\r\n")));
    EXPECT_FALSE(decode_exists(one("* 1 FETCH (UID 1)\r\n")));
}

TEST(ResponseInternalDate, Parsing) {
    auto d = parse_internal_date("17-Jul-1996 02:44:25 -0700");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->utc, 837596665);
    EXPECT_EQ(parse_internal_date(" 1-Jan-1970 00:00:00 +0000")->utc, 0);
    EXPECT_EQ(parse_internal_date("01-jan-1970 01:00:00 +0100")->utc, 0);
    EXPECT_EQ(parse_internal_date("29-Feb-2024 12:00:00 +0000")->utc, 1709208000);
    EXPECT_FALSE(parse_internal_date("29-Feb-2023 12:00:00 +0000"));
    EXPECT_FALSE(parse_internal_date("17-Jux-1996 02:44:25 -0700"));
    EXPECT_FALSE(parse_internal_date("17-Jul-1996 24:00:00 -0700"));
    EXPECT_FALSE(parse_internal_date("17-Jul-1996 02:44:25 0700"));
    EXPECT_FALSE(parse_internal_date("17-Jul-1996 02:44:25 -0760"));
    EXPECT_FALSE(parse_internal_date("17-Jul-1996 02:44:25"));
    EXPECT_FALSE(parse_internal_date(""));
}

// ---------------------------------------------------------------------------------------------------
// LIST / LSUB

TEST(ResponseList, AttributesDelimitersAndExtendedData) {
    auto rs = parse_all(transcript("list.txt"));
    ASSERT_EQ(rs.size(), 17u);
    auto inbox = decode_list(rs[0]);
    ASSERT_TRUE(inbox);
    EXPECT_EQ(inbox->mailbox, "INBOX");
    EXPECT_EQ(inbox->delimiter, '/');
    EXPECT_TRUE(inbox->has(MailboxAttr::hasnochildren));
    EXPECT_FALSE(inbox->lsub);
    EXPECT_TRUE(decode_list(rs[1])->has(MailboxAttr::sent));
    auto trash = decode_list(rs[2]);
    EXPECT_TRUE(trash->has(MailboxAttr::trash));
    EXPECT_EQ(trash->mailbox, "Deleted Items");
    auto archive = decode_list(rs[3]);
    EXPECT_TRUE(archive->has(MailboxAttr::noselect));
    EXPECT_TRUE(archive->has(MailboxAttr::haschildren));
    EXPECT_TRUE(decode_list(rs[4])->has(MailboxAttr::archive));
    EXPECT_TRUE(decode_list(rs[5])->has(MailboxAttr::drafts));
    EXPECT_TRUE(decode_list(rs[6])->has(MailboxAttr::junk));
    EXPECT_TRUE(decode_list(rs[7])->has(MailboxAttr::all));
    EXPECT_TRUE(decode_list(rs[8])->has(MailboxAttr::flagged));
    auto flat = decode_list(rs[9]);
    ASSERT_TRUE(flat);
    EXPECT_FALSE(flat->delimiter);
    EXPECT_EQ(flat->mailbox, "");
    auto peach = decode_list(rs[10]);
    EXPECT_TRUE(peach->has(MailboxAttr::nonexistent));
    EXPECT_TRUE(peach->has(MailboxAttr::noselect));  // implied
    EXPECT_TRUE(peach->has(MailboxAttr::subscribed));
    auto fruit = decode_list(rs[11]);
    ASSERT_TRUE(fruit);
    EXPECT_EQ(fruit->childinfo, std::vector<std::string>{"SUBSCRIBED"});
    EXPECT_EQ(fruit->attr_bits, 0u);
    auto renamed = decode_list(rs[12]);
    EXPECT_EQ(renamed->oldname, "OldName");
    auto slash = decode_list(rs[13]);
    EXPECT_EQ(slash->delimiter, '\\');
    EXPECT_EQ(slash->mailbox, "back\\slash");
    auto lsub = decode_list(rs[14]);
    ASSERT_TRUE(lsub);
    EXPECT_TRUE(lsub->lsub);
    EXPECT_EQ(lsub->delimiter, '.');
    EXPECT_EQ(lsub->mailbox, "#news.comp.mail.misc");
    auto literal = decode_list(rs[15]);
    ASSERT_TRUE(literal);
    EXPECT_EQ(literal->mailbox, "Quote \" and ) paren");
    EXPECT_FALSE(decode_list(rs[16]));
}

TEST(ResponseList, MalformedListsAreRejected) {
    EXPECT_FALSE(decode_list(one("* LIST \\Noselect \"/\" foo\r\n")));
    EXPECT_FALSE(decode_list(one("* LIST () \"//\" foo\r\n")));
    EXPECT_FALSE(decode_list(one("* LIST () \"/\"\r\n")));
    EXPECT_FALSE(decode_list(one("* LIST () \"/\" foo (\"CHILDINFO\")\r\n")));
}

// ---------------------------------------------------------------------------------------------------
// CAPABILITY, ENABLED, ID, NAMESPACE, STATUS, ESEARCH, SEARCH and response codes

TEST(ResponseMisc, TranscriptDecodes) {
    auto rs = parse_all(transcript("misc.txt"));
    ASSERT_EQ(rs.size(), 32u);
    std::size_t i = 0;

    auto greeting_caps = rs[i++].code->capabilities();
    ASSERT_TRUE(greeting_caps);
    EXPECT_EQ(greeting_caps->size(), 9u);
    EXPECT_EQ(greeting_caps->back(), "AUTH=PLAIN");

    auto caps = decode_capability(rs[i++]);
    ASSERT_TRUE(caps);
    EXPECT_EQ(caps->size(), 10u);
    EXPECT_EQ((*caps)[2], "CONDSTORE");

    EXPECT_EQ(decode_enabled(rs[i++]), (std::vector<std::string>{"CONDSTORE", "QRESYNC"}));

    auto id = decode_id(rs[i++]);
    ASSERT_TRUE(id);
    ASSERT_EQ(id->size(), 2u);
    EXPECT_EQ((*id)[0].first, "name");
    EXPECT_EQ((*id)[0].second, "Dovecot");
    EXPECT_FALSE((*id)[1].second);
    auto id_nil = decode_id(rs[i++]);
    ASSERT_TRUE(id_nil);
    EXPECT_TRUE(id_nil->empty());

    auto ns = decode_namespace(rs[i++]);
    ASSERT_TRUE(ns);
    ASSERT_EQ(ns->personal.size(), 1u);
    EXPECT_EQ(ns->personal[0].prefix, "");
    EXPECT_EQ(ns->personal[0].delimiter, '/');
    EXPECT_EQ(ns->other_users[0].prefix, "~");
    ASSERT_EQ(ns->shared.size(), 2u);
    EXPECT_EQ(ns->shared[1].prefix, "#public/");
    auto ns2 = decode_namespace(rs[i++]);
    ASSERT_TRUE(ns2);
    EXPECT_EQ(ns2->personal[0].delimiter, '.');
    EXPECT_TRUE(ns2->other_users.empty());
    EXPECT_TRUE(ns2->shared.empty());

    auto st = decode_status(rs[i++]);
    ASSERT_TRUE(st);
    EXPECT_EQ(st->mailbox, "blurdybloop");
    EXPECT_EQ(st->messages, 231u);
    EXPECT_EQ(st->uidnext, 44292u);
    EXPECT_FALSE(st->uidvalidity);
    auto st2 = decode_status(rs[i++]);
    ASSERT_TRUE(st2);
    EXPECT_EQ(st2->mailbox, "INBOX");
    EXPECT_EQ(st2->uidvalidity, 1700000000u);
    EXPECT_EQ(st2->unseen, 3u);
    EXPECT_EQ(st2->highestmodseq, 7011231777u);

    auto e1 = decode_esearch(rs[i++]);
    ASSERT_TRUE(e1);
    EXPECT_EQ(e1->tag, "A282");
    EXPECT_FALSE(e1->uid);
    EXPECT_EQ(e1->min, 2u);
    EXPECT_EQ(e1->count, 3u);
    EXPECT_FALSE(e1->max);
    auto e2 = decode_esearch(rs[i++]);
    ASSERT_TRUE(e2);
    EXPECT_TRUE(e2->uid);
    ASSERT_TRUE(e2->all);
    EXPECT_TRUE(e2->all->has_star());
    EXPECT_EQ(e2->all->ranges().size(), 3u);
    auto e3 = decode_esearch(rs[i++]);
    EXPECT_EQ(e3->count, 0u);
    auto e4 = decode_esearch(rs[i++]);
    EXPECT_EQ(e4->max, 3800u);
    EXPECT_EQ(e4->modseq, 917162500u);
    auto e5 = decode_esearch(rs[i++]);
    ASSERT_TRUE(e5);
    EXPECT_FALSE(e5->tag);
    EXPECT_EQ(e5->all->count(), 4294967295u);  // counted, never expanded

    auto s1 = decode_search(rs[i++]);
    EXPECT_EQ(s1->ids, (std::vector<std::uint32_t>{2, 84, 882}));
    auto s2 = decode_search(rs[i++]);
    ASSERT_TRUE(s2);
    EXPECT_TRUE(s2->ids.empty());
    auto s3 = decode_search(rs[i++]);
    EXPECT_EQ(s3->ids.size(), 10u);
    EXPECT_EQ(s3->modseq, 917162500u);

    auto copy = rs[i++].code->copyuid();
    ASSERT_TRUE(copy);
    EXPECT_EQ(copy->uidvalidity, 38505u);
    EXPECT_EQ(std::vector<model::Uid>(copy->source.begin(), copy->source.end()),
              (std::vector<model::Uid>{304, 319, 320}));
    EXPECT_EQ(std::vector<model::Uid>(copy->dest.begin(), copy->dest.end()),
              (std::vector<model::Uid>{3956, 3957, 3958}));
    auto append = rs[i++].code->appenduid();
    ASSERT_TRUE(append);
    EXPECT_EQ(append->uidvalidity, 38505u);
    EXPECT_EQ(append->uids.to_string(), "3955");
    EXPECT_EQ(rs[i++].code->appenduid()->uids.count(), 3u);
    EXPECT_EQ(rs[i].status, Status::no);
    EXPECT_EQ(rs[i++].code->kind, CodeKind::trycreate);
    EXPECT_EQ(rs[i++].code->kind, CodeKind::overquota);
    EXPECT_EQ(rs[i++].code->kind, CodeKind::read_only);
    const auto& unknown = rs[i++];
    EXPECT_EQ(unknown.status, Status::bad);
    EXPECT_EQ(unknown.tag, "a009");
    EXPECT_EQ(unknown.code->kind, CodeKind::other);
    EXPECT_EQ(unknown.code->name, "X-UNKNOWN-CODE");
    EXPECT_EQ(unknown.code->args, "some (free) text");
    EXPECT_EQ(rs[i++].code->capabilities(), (std::vector<std::string>{"IMAP4rev1", "IDLE"}));
    EXPECT_EQ(rs[i++].code->badcharsets(), (std::vector<std::string>{"UTF-8", "US-ASCII"}));
    EXPECT_EQ(rs[i].status, Status::ok);
    EXPECT_FALSE(rs[i++].code);
    EXPECT_EQ(rs[i++].kind, Response::Kind::continuation);
    EXPECT_EQ(rs[i++].text, "");
    EXPECT_EQ(rs[i++].text, "YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHeceP2CWY0SR0fAQAgAAQEBAQ=");
    EXPECT_EQ(rs[i].status, Status::preauth);
    EXPECT_EQ(rs[i++].code->kind, CodeKind::alert);
    EXPECT_EQ(rs[i].kind, Response::Kind::bye);
    EXPECT_EQ(rs[i++].text, "Autologout; idle for too long");
    EXPECT_EQ(i, rs.size());
}

TEST(ResponseCodes, MalformedArgumentsGiveNullopt) {
    auto code = [](std::string line) { return *one(line + "\r\n").code; };
    EXPECT_FALSE(code("* OK [UIDVALIDITY -5] x").uidvalidity());
    EXPECT_FALSE(code("* OK [UIDVALIDITY 0] x").uidvalidity());
    EXPECT_FALSE(code("* OK [UIDVALIDITY 4294967296] x").uidvalidity());
    EXPECT_FALSE(code("* OK [UIDVALIDITY] x").uidvalidity());
    EXPECT_FALSE(code("* OK [UIDNEXT 12x] x").uidnext());
    EXPECT_FALSE(code("* OK [HIGHESTMODSEQ 99999999999999999999999] x").highestmodseq());
    EXPECT_FALSE(code("* OK [HIGHESTMODSEQ 9223372036854775808] x").highestmodseq());
    EXPECT_EQ(code("* OK [HIGHESTMODSEQ 9223372036854775807] x").highestmodseq(), 9223372036854775807u);
    EXPECT_FALSE(code("* OK [PERMANENTFLAGS \\Seen] x").permanent_flags());
    EXPECT_FALSE(code("a OK [COPYUID 1 2] x").copyuid());
    EXPECT_FALSE(code("a OK [COPYUID 1 2 3:*] x").copyuid());
    EXPECT_FALSE(code("a OK [COPYUID 0 2 3] x").copyuid());
    EXPECT_FALSE(code("a OK [APPENDUID 1 0] x").appenduid());
    EXPECT_FALSE(code("a OK [MODIFIED] x").modified());
    EXPECT_FALSE(code("a OK [CAPABILITY] x").capabilities());
    // Asking a code of another kind is nullopt too.
    EXPECT_FALSE(code("* OK [UIDNEXT 5] x").uidvalidity());
    EXPECT_EQ(code("* OK [uidnext 5] x").uidnext(), 5u);  // code names are case-insensitive
}

TEST(ResponseDecoders, RejectWrongShapes) {
    EXPECT_FALSE(decode_vanished(one("* VANISHED\r\n")));
    EXPECT_FALSE(decode_vanished(one("* VANISHED (LATER) 1:3\r\n")));
    EXPECT_FALSE(decode_vanished(one("* VANISHED 0:3\r\n")));
    EXPECT_FALSE(decode_vanished(one("* VANISHED 1:*\r\n")));
    EXPECT_FALSE(decode_esearch(one("* ESEARCH (TAG) MIN 1\r\n")));
    EXPECT_FALSE(decode_esearch(one("* ESEARCH MIN\r\n")));
    EXPECT_FALSE(decode_esearch(one("* ESEARCH COUNT -1\r\n")));
    EXPECT_FALSE(decode_search(one("* SEARCH 1 x\r\n")));
    EXPECT_FALSE(decode_search(one("* SEARCH 0\r\n")));
    EXPECT_FALSE(decode_status(one("* STATUS foo MESSAGES 1\r\n")));
    EXPECT_FALSE(decode_status(one("* STATUS foo (UIDNEXT 0)\r\n")));
    EXPECT_FALSE(decode_status(one("* STATUS foo (MESSAGES)\r\n")));
    EXPECT_FALSE(decode_namespace(one("* NAMESPACE NIL NIL\r\n")));
    EXPECT_FALSE(decode_namespace(one("* NAMESPACE ((\"\")) NIL NIL\r\n")));
    EXPECT_FALSE(decode_id(one("* ID (\"a\")\r\n")));
    EXPECT_FALSE(decode_capability(one("* CAPABILITY\r\n")));
    EXPECT_FALSE(decode_flags(one("* FLAGS \\Seen\r\n")));
    EXPECT_FALSE(decode_expunge(one("* 0 EXPUNGE\r\n")));
    EXPECT_FALSE(decode_capability(one("* ENABLED X\r\n")));
}

TEST(ResponseDecoders, StatusMailboxId) {
    // RFC 8474 §7: status-att-val =/ "MAILBOXID" SP "(" objectid ")"
    auto alone = decode_status(one("* STATUS foo (MAILBOXID (F2212ea87-6097-4256-9d51-71338625))\r\n"));
    ASSERT_TRUE(alone);
    EXPECT_EQ(alone->mailbox_id, "F2212ea87-6097-4256-9d51-71338625");

    auto mixed = decode_status(
        one("* STATUS \"a b\" (MESSAGES 3 MAILBOXID (_x-9) UIDVALIDITY 17 HIGHESTMODSEQ 42 UIDNEXT 4)\r\n"));
    ASSERT_TRUE(mixed);
    EXPECT_EQ(mixed->mailbox, "a b");
    EXPECT_EQ(mixed->messages, 3u);
    EXPECT_EQ(mixed->mailbox_id, "_x-9");
    EXPECT_EQ(mixed->uidvalidity, 17u);
    EXPECT_EQ(mixed->highestmodseq, 42u);
    EXPECT_EQ(mixed->uidnext, 4u);

    EXPECT_EQ(decode_status(one("* STATUS foo (MAILBOXID (123))\r\n"))->mailbox_id, "123");  // all digits is fine
    EXPECT_FALSE(decode_status(one("* STATUS foo (MESSAGES 1)\r\n"))->mailbox_id);           // not asked: none
    const std::string longest(255, 'a');
    std::string at_limit = "* STATUS foo (MAILBOXID (";
    at_limit.append(longest).append("))\r\n");
    EXPECT_EQ(decode_status(one(at_limit))->mailbox_id, longest);
}

TEST(ResponseDecoders, StatusMailboxIdMalformed) {
    EXPECT_FALSE(decode_status(one("* STATUS foo (MAILBOXID abc)\r\n")));         // not parenthesized
    EXPECT_FALSE(decode_status(one("* STATUS foo (MAILBOXID ())\r\n")));          // empty
    EXPECT_FALSE(decode_status(one("* STATUS foo (MAILBOXID (a b))\r\n")));       // two ids
    EXPECT_FALSE(decode_status(one("* STATUS foo (MAILBOXID (\"abc\"))\r\n")));   // quoted, not an atom
    EXPECT_FALSE(decode_status(one("* STATUS foo (MAILBOXID (a.b))\r\n")));       // '.' not allowed
    EXPECT_FALSE(decode_status(one("* STATUS foo (MAILBOXID (NIL))\r\n")));       // lexed as NIL, its case lost
    EXPECT_FALSE(decode_status(one("* STATUS foo (MESSAGES 1 MAILBOXID)\r\n")));  // no value
    std::string too_long = "* STATUS foo (MAILBOXID (";
    too_long.append(256, 'a').append("))\r\n");
    EXPECT_FALSE(decode_status(one(too_long)));
}

TEST(ResponseDump, IsStableAndReadable) {
    EXPECT_EQ(dump(one("* 1 FETCH (UID 2 X \"a\\\"b\" Y {2}\r\nhi Z NIL)\r\n")),
              "* 1 FETCH (UID 2 X \"a\\\"b\" Y {2}hi Z NIL)");
    EXPECT_EQ(dump(one("a1 NO [TRYCREATE] no\r\n")), "a1 NO [TRYCREATE] no");
    EXPECT_EQ(dump(one("+ go\r\n")), "+ go");
}

TEST(ResponseValue, Accessors) {
    Value v;
    v.text = "18446744073709551615";
    EXPECT_EQ(v.number(), UINT64_MAX);
    v.text = "18446744073709551616";
    EXPECT_FALSE(v.number());
    v.text = "";
    EXPECT_FALSE(v.number());
    v.text = "7";
    EXPECT_FALSE(v.number(6));
    EXPECT_EQ(v.nz_number32(), 7u);
    EXPECT_EQ(v.astring(), "7");
    EXPECT_FALSE(v.string());
    v.kind = ValueKind::nil;
    EXPECT_FALSE(v.astring());
    EXPECT_TRUE(v.is_nil());
}

}  // namespace
}  // namespace mailtwin::imap
