#include "mailtwin/imap/encoder.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "mailtwin/imap/encode_error.hpp"

namespace mailtwin::imap {
namespace {

using namespace std::string_literals;

std::string u8s(std::u8string_view s) { return std::string(s.begin(), s.end()); }

// The bytes of one segment (payloads read through Command::wire on a one-segment copy).
std::string segment_bytes(const Command& c, std::size_t i) {
    Command one;
    one.segments.push_back(c.segments.at(i));
    return one.wire().value();
}

std::string wire(const util::Expected<Command>& c) {
    EXPECT_TRUE(c) << c.error().describe();
    return c ? c->wire().value() : std::string();
}

// A payload that is not in memory: the connection must stream it through read().
class CountingPayload final : public Payload {
public:
    explicit CountingPayload(std::uint64_t size) : m_size(size) {}
    [[nodiscard]] std::uint64_t size() const noexcept override { return m_size; }
    [[nodiscard]] util::Expected<std::size_t> read(std::uint64_t offset, std::span<char> out) const override {
        if (offset >= m_size) return std::size_t{0};
        const std::size_t n = std::min<std::size_t>(out.size(), m_size - offset);
        std::memset(out.data(), 'x', n);
        return n;
    }

private:
    std::uint64_t m_size;
};

TEST(Encoder, TagsCountUp) {
    Encoder enc;
    EXPECT_EQ(enc.capability().wire().value(), "a1 CAPABILITY\r\n");
    EXPECT_EQ(enc.noop().wire().value(), "a2 NOOP\r\n");
    const Command logout = enc.logout();
    EXPECT_EQ(logout.tag, "a3");
    EXPECT_EQ(logout.name, "LOGOUT");
    EXPECT_EQ(logout.redacted, "a3 LOGOUT");
    EXPECT_EQ(logout.continuations_needed(), 0u);
    EXPECT_EQ(enc.next_tag(), "a4");
    enc.options().tag_prefix = "mt";
    EXPECT_EQ(enc.starttls().wire().value(), "mt5 STARTTLS\r\n");
}

TEST(Encoder, SimpleCommands) {
    Encoder enc;
    EXPECT_EQ(enc.namespace_().wire().value(), "a1 NAMESPACE\r\n");
    EXPECT_EQ(enc.compress_deflate().wire().value(), "a2 COMPRESS DEFLATE\r\n");
    EXPECT_EQ(enc.idle().wire().value(), "a3 IDLE\r\n");
    const Command done = enc.done();
    EXPECT_EQ(done.tag, "");
    EXPECT_EQ(done.wire().value(), "DONE\r\n");
    EXPECT_EQ(enc.notify_none().wire().value(), "a4 NOTIFY NONE\r\n");
    EXPECT_EQ(wire(enc.notify_set("(SELECTED (MessageNew MessageExpunge FlagChange)) (PERSONAL (MailboxName))")),
              "a5 NOTIFY SET (SELECTED (MessageNew MessageExpunge FlagChange)) (PERSONAL (MailboxName))\r\n");
    EXPECT_EQ(wire(enc.enable(std::array<std::string_view, 2>{"CONDSTORE", "QRESYNC"})),
              "a6 ENABLE CONDSTORE QRESYNC\r\n");
    EXPECT_EQ(wire(enc.enable(std::array<std::string_view, 1>{"UTF8=ACCEPT"})), "a7 ENABLE UTF8=ACCEPT\r\n");
}

TEST(Encoder, LoginQuotesAndRedacts) {
    Encoder enc;
    auto c = enc.login("alice", "s3cr\"et\\");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->wire().value(), "a1 LOGIN \"alice\" \"s3cr\\\"et\\\\\"\r\n");
    EXPECT_EQ(c->redacted, "a1 LOGIN \"alice\" ***");
    EXPECT_EQ(c->redacted.find("s3cr"), std::string::npos);
    EXPECT_EQ(c->continuations_needed(), 0u);
}

TEST(Encoder, LoginWithEightBitPasswordUsesSyncLiteral) {
    Encoder enc;
    const std::string password = u8s(u8"pässwörd");  // 10 bytes
    auto c = enc.login("alice", password);
    ASSERT_TRUE(c);
    ASSERT_EQ(c->continuations_needed(), 1u);
    EXPECT_EQ(segment_bytes(*c, 0), "a1 LOGIN \"alice\" {10}\r\n");
    EXPECT_EQ(segment_bytes(*c, 1), password + "\r\n");
    EXPECT_EQ(c->redacted, "a1 LOGIN \"alice\" ***");
    EXPECT_EQ(c->wire_size(), c->wire().value().size());
}

TEST(Encoder, LiteralPlusAndMinus) {
    const std::string password = "line1\r\nline2";  // CR/LF: must be a literal
    {
        Encoder enc({.literals = LiteralMode::plus});
        auto c = enc.login("bob", password);
        ASSERT_TRUE(c);
        EXPECT_EQ(c->continuations_needed(), 0u);
        EXPECT_EQ(c->wire().value(), "a1 LOGIN \"bob\" {12+}\r\nline1\r\nline2\r\n");
    }
    {
        Encoder enc({.literals = LiteralMode::minus});
        auto c = enc.login("bob", password);
        ASSERT_TRUE(c);
        EXPECT_EQ(c->continuations_needed(), 0u);
        EXPECT_EQ(c->wire().value(), "a1 LOGIN \"bob\" {12+}\r\nline1\r\nline2\r\n");
    }
    EXPECT_EQ(literal_mode_for(true, true), LiteralMode::plus);
    EXPECT_EQ(literal_mode_for(false, true), LiteralMode::minus);
    EXPECT_EQ(literal_mode_for(false, false), LiteralMode::sync);
}

TEST(Encoder, LiteralMinusSynchronizesAbove4096) {
    for (const auto& [size, sync] : {std::pair<std::uint64_t, bool>{4096, false}, {4097, true}}) {
        Encoder enc({.literals = LiteralMode::minus});
        AppendMessage m;
        m.body = std::make_shared<CountingPayload>(size);
        auto c = enc.append("INBOX", std::span(&m, 1));
        ASSERT_TRUE(c);
        EXPECT_EQ(c->continuations_needed(), sync ? 1u : 0u) << size;
        const std::string header = "a1 APPEND INBOX {" + std::to_string(size) + (sync ? "}\r\n" : "+}\r\n");
        EXPECT_EQ(c->wire().value(), header + std::string(size, 'x') + "\r\n");
    }
}

TEST(Encoder, AstringChoosesAtomQuotedOrLiteral) {
    const EncoderOptions options;
    const auto one = [&](std::string_view value) {
        CommandBuilder b(options, "t", "X");
        return b.astring(value).finish().value().wire().value();
    };
    EXPECT_EQ(one("plain"), "t X plain\r\n");
    EXPECT_EQ(one("with]bracket"), "t X with]bracket\r\n");  // resp-specials are ASTRING-CHARs
    EXPECT_EQ(one(""), "t X \"\"\r\n");
    EXPECT_EQ(one("two words"), "t X \"two words\"\r\n");
    EXPECT_EQ(one("a(b"), "t X \"a(b\"\r\n");
    EXPECT_EQ(one("a{b"), "t X \"a{b\"\r\n");
    EXPECT_EQ(one("a%b*"), "t X \"a%b*\"\r\n");
    EXPECT_EQ(one("q\"b\\s"), "t X \"q\\\"b\\\\s\"\r\n");
    EXPECT_EQ(one("NIL"), "t X \"NIL\"\r\n");
    EXPECT_EQ(one("nil"), "t X \"nil\"\r\n");
    EXPECT_EQ(one("tab\there"), "t X {8}\r\ntab\there\r\n");
    EXPECT_EQ(one("cr\r"), "t X {3}\r\ncr\r\r\n");
    EXPECT_EQ(one("lf\n"), "t X {3}\r\nlf\n\r\n");
    EXPECT_EQ(one(u8s(u8"é")), "t X {2}\r\n\xc3\xa9\r\n");
    EXPECT_EQ(one(std::string(k_max_quoted, ' ')), "t X \"" + std::string(k_max_quoted, ' ') + "\"\r\n");
    EXPECT_EQ(one(std::string(k_max_quoted + 1, ' ')),
              "t X {" + std::to_string(k_max_quoted + 1) + "}\r\n" + std::string(k_max_quoted + 1, ' ') + "\r\n");
}

TEST(Encoder, Utf8AcceptAllowsUtf8InQuotedStrings) {
    EncoderOptions options;
    options.utf8_accept = true;
    CommandBuilder b(options, "t", "X");
    EXPECT_EQ(b.string(u8s(u8"café")).finish().value().wire().value(), "t X \"caf\xc3\xa9\"\r\n");
    CommandBuilder invalid(options, "t", "X");  // not UTF-8: still a literal
    EXPECT_EQ(invalid.string("caf\xe9").finish().value().wire().value(), "t X {4}\r\ncaf\xe9\r\n");
}

TEST(Encoder, NulCannotBeSentInAString) {
    Encoder enc;
    auto c = enc.login("alice", std::string("a\0b", 3));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, EncodeError::nul_in_string);
    EXPECT_EQ(c.error().message.find(std::string("a\0b", 3)), std::string::npos);
}

TEST(Encoder, RawTextRefusesLineBreaks) {
    Encoder enc;
    auto c = enc.notify_set("(SELECTED)\r\na2 DELETE INBOX");
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, EncodeError::invalid_argument);
    auto e = enc.enable(std::array<std::string_view, 1>{"BAD ATOM"});
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, EncodeError::invalid_argument);
}

TEST(Encoder, AuthenticatePlainWithSaslIr) {
    Encoder enc({.sasl_ir = true});
    auto c = enc.authenticate_plain("alice", "secret");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->wire().value(), "a1 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==\r\n");
    EXPECT_EQ(c->redacted, "a1 AUTHENTICATE PLAIN ***");
    EXPECT_EQ(c->continuations_needed(), 0u);
}

TEST(Encoder, AuthenticatePlainWithoutSaslIrWaitsForContinuation) {
    Encoder enc;
    auto c = enc.authenticate_plain("alice", "secret", "admin");
    ASSERT_TRUE(c);
    ASSERT_EQ(c->continuations_needed(), 1u);
    EXPECT_EQ(segment_bytes(*c, 0), "a1 AUTHENTICATE PLAIN\r\n");
    EXPECT_EQ(segment_bytes(*c, 1), "YWRtaW4AYWxpY2UAc2VjcmV0\r\n");  // "admin\0alice\0secret"
    EXPECT_EQ(c->redacted, "a1 AUTHENTICATE PLAIN ***");
}

TEST(Encoder, AuthenticateXoauth2) {
    Encoder enc({.sasl_ir = true});
    auto c = enc.authenticate_xoauth2("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg");
    ASSERT_TRUE(c);
    // The example of Google's XOAUTH2 documentation.
    EXPECT_EQ(c->wire().value(),
              "a1 AUTHENTICATE XOAUTH2 "
              "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZ"
              "Mjl0Q2cBAQ==\r\n");
    EXPECT_EQ(c->redacted, "a1 AUTHENTICATE XOAUTH2 ***");
    EXPECT_FALSE(
        enc.authenticate_xoauth2("a\x01"
                                 "b",
                                 "t"));
    const Command empty = enc.continuation_line("", false);
    EXPECT_EQ(empty.wire().value(), "\r\n");
    const Command secret_line = enc.continuation_line("c2VjcmV0", true);
    EXPECT_EQ(secret_line.wire().value(), "c2VjcmV0\r\n");
    EXPECT_EQ(secret_line.redacted, "***");
}

TEST(Encoder, Id) {
    Encoder enc;
    const std::array<std::pair<std::string, std::string>, 2> fields{{{"name", "mailtwin"}, {"version", "0.1.0"}}};
    EXPECT_EQ(wire(enc.id(fields)), "a1 ID (\"name\" \"mailtwin\" \"version\" \"0.1.0\")\r\n");
    EXPECT_EQ(wire(enc.id({})), "a2 ID NIL\r\n");
}

TEST(Encoder, SelectVariants) {
    Encoder enc;
    EXPECT_EQ(wire(enc.select("inbox")), "a1 SELECT INBOX\r\n");
    EXPECT_EQ(wire(enc.select("Sent Items", {.condstore = true})), "a2 SELECT \"Sent Items\" (CONDSTORE)\r\n");
    QresyncParams q{67890007, 20050715194045000ull, SeqSet::from_uids(std::vector<model::Uid>{41, 43, 44, 45})};
    EXPECT_EQ(wire(enc.select("INBOX", {.qresync = q})),
              "a3 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:45))\r\n");
    q.known_uids = {};
    EXPECT_EQ(wire(enc.examine(u8s(u8"台北"), {.condstore = true, .qresync = q})),
              "a4 EXAMINE &U,BTFw- (QRESYNC (67890007 20050715194045000))\r\n");
    q.uidvalidity = 0;
    auto bad = enc.select("INBOX", {.qresync = q});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, EncodeError::invalid_argument);
}

TEST(Encoder, MailboxNamesFollowUtf8Accept) {
    Encoder enc;
    EXPECT_EQ(wire(enc.create(u8s(u8"~peter/mail/台北/日本語"))), "a1 CREATE ~peter/mail/&U,BTFw-/&ZeVnLIqe-\r\n");
    EXPECT_EQ(wire(enc.delete_("Tom & Jerry")), "a2 DELETE \"Tom &- Jerry\"\r\n");
    EXPECT_EQ(wire(enc.rename("Old", u8s(u8"Entwürfe"))), "a3 RENAME Old Entw&APw-rfe\r\n");
    enc.options().utf8_accept = true;
    EXPECT_EQ(wire(enc.create(u8s(u8"Entwürfe"))), "a4 CREATE \"Entw\xc3\xbcrfe\"\r\n");
    auto bad = enc.create("caf\xe9");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, EncodeError::invalid_utf8);
}

TEST(Encoder, ListAndStatus) {
    Encoder enc;
    EXPECT_EQ(enc.list_all(true).wire().value(),
              "a1 LIST \"\" \"*\" RETURN (SPECIAL-USE STATUS (MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ))\r\n");
    EXPECT_EQ(enc.list_all(false).wire().value(),
              "a2 LIST \"\" \"*\" RETURN (SPECIAL-USE STATUS (MESSAGES UIDNEXT UIDVALIDITY))\r\n");
    EXPECT_EQ(wire(enc.list("", u8s(u8"台北/%"), {.special_use = false, .status_items = {}})),
              "a3 LIST \"\" \"&U,BTFw-/%\"\r\n");
    const std::array<std::string_view, 3> items{"MESSAGES", "UIDNEXT", "HIGHESTMODSEQ"};
    EXPECT_EQ(wire(enc.status("Archive", items)), "a4 STATUS Archive (MESSAGES UIDNEXT HIGHESTMODSEQ)\r\n");
    EXPECT_FALSE(enc.status("Archive", {}));
}

TEST(Encoder, UidFetch) {
    Encoder enc;
    const std::array<std::string_view, 3> items{"UID", "FLAGS", "MODSEQ"};
    EXPECT_EQ(wire(enc.uid_fetch(SeqSet::from_to_highest(1), items, {.changed_since = 12345, .vanished = true})),
              "a1 UID FETCH 1:* (UID FLAGS MODSEQ) (CHANGEDSINCE 12345 VANISHED)\r\n");
    const std::array<std::string_view, 1> body{"BODY.PEEK[]"};
    EXPECT_EQ(wire(enc.uid_fetch(SeqSet::from_uids(std::vector<model::Uid>{7, 3, 4, 5}), body)),
              "a2 UID FETCH 3:5,7 (BODY.PEEK[])\r\n");
    EXPECT_EQ(wire(enc.uid_fetch(SeqSet::from_range(1, 9), items, {.changed_since = 7})),
              "a3 UID FETCH 1:9 (UID FLAGS MODSEQ) (CHANGEDSINCE 7)\r\n");
    auto empty = enc.uid_fetch(SeqSet{}, items);
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().code, EncodeError::empty_set);
    EXPECT_FALSE(enc.uid_fetch(SeqSet::from_range(1, 2), items, {.vanished = true}));
}

TEST(Encoder, UidStore) {
    Encoder enc;
    model::FlagSet flags;
    flags.add_imap("\\Seen");
    flags.add_imap("\\Flagged");
    flags.add_imap("$label1");
    const SeqSet uids = SeqSet::from_range(1, 5);
    EXPECT_EQ(wire(enc.uid_store(uids, StoreMode::add, flags, 12345)),
              "a1 UID STORE 1:5 (UNCHANGEDSINCE 12345) +FLAGS.SILENT (\\Flagged \\Seen $label1)\r\n");
    EXPECT_EQ(wire(enc.uid_store(uids, StoreMode::remove, flags)),
              "a2 UID STORE 1:5 -FLAGS.SILENT (\\Flagged \\Seen $label1)\r\n");
    EXPECT_EQ(wire(enc.uid_store(uids, StoreMode::replace, model::FlagSet{}, std::nullopt, false)),
              "a3 UID STORE 1:5 FLAGS ()\r\n");
    model::FlagSet bad;
    bad.keywords.insert("has space");
    auto c = enc.uid_store(uids, StoreMode::add, bad);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, EncodeError::invalid_flag);
}

TEST(Encoder, UidSearch) {
    Encoder enc;
    const std::array<SearchTerm, 3> by_id{search_raw("HEADER"), search_string("Message-ID"),
                                          search_string("<abc@example.com>")};
    EXPECT_EQ(wire(enc.uid_search(by_id, true)),
              "a1 UID SEARCH RETURN (ALL) HEADER \"Message-ID\" \"<abc@example.com>\"\r\n");
    const std::array<SearchTerm, 1> all{search_raw("UNDELETED")};
    EXPECT_EQ(wire(enc.uid_search(all, false)), "a2 UID SEARCH UNDELETED\r\n");
    const std::array<SearchTerm, 2> subject{search_raw("SUBJECT"), search_string(u8s(u8"Grüße"))};
    EXPECT_EQ(wire(enc.uid_search(subject, false)),
              "a3 UID SEARCH CHARSET UTF-8 SUBJECT {7}\r\nGr\xc3\xbc\xc3\x9f"
              "e\r\n");
    enc.options().utf8_accept = true;
    EXPECT_EQ(wire(enc.uid_search(subject, false)),
              "a4 UID SEARCH SUBJECT \"Gr\xc3\xbc\xc3\x9f"
              "e\"\r\n");
    EXPECT_FALSE(enc.uid_search({}, false));
}

TEST(Encoder, CopyMoveExpunge) {
    Encoder enc;
    const SeqSet uids = SeqSet::from_uids(std::vector<model::Uid>{1, 2, 3, 10});
    EXPECT_EQ(wire(enc.uid_copy(uids, "Archive")), "a1 UID COPY 1:3,10 Archive\r\n");
    EXPECT_EQ(wire(enc.uid_move(uids, u8s(u8"Corbeille/Éléments"))),
              "a2 UID MOVE 1:3,10 Corbeille/&AMk-l&AOk-ments\r\n");
    EXPECT_EQ(wire(enc.uid_expunge(uids)), "a3 UID EXPUNGE 1:3,10\r\n");
    EXPECT_FALSE(enc.uid_expunge(SeqSet{}));
}

TEST(Encoder, DateTimeFormat) {
    // 2024-01-05 09:00:00 UTC shown at +01:00.
    EXPECT_EQ(format_date_time({1704445200, 60}).value(), "\"05-Jan-2024 10:00:00 +0100\"");
    EXPECT_EQ(format_date_time({0, 0}).value(), "\"01-Jan-1970 00:00:00 +0000\"");
    // Negative offsets cross the day boundary backwards.
    EXPECT_EQ(format_date_time({1704445200, -600}).value(), "\"04-Jan-2024 23:00:00 -1000\"");
    EXPECT_EQ(format_date_time({1704445200, 330}).value(), "\"05-Jan-2024 14:30:00 +0530\"");
    EXPECT_EQ(format_date_time({951782400, 0}).value(), "\"29-Feb-2000 00:00:00 +0000\"");
    EXPECT_EQ(format_date_time({-1, 0}).value(), "\"31-Dec-1969 23:59:59 +0000\"");
    EXPECT_FALSE(format_date_time({0, 6000}));
    EXPECT_FALSE(format_date_time({253402300800, 0}));  // year 10000
}

TEST(Encoder, AppendStreamsThePayload) {
    Encoder enc;
    AppendMessage m;
    m.flags.add_imap("\\Seen");
    m.internal_date = AppendDate{1704445200, 60};
    const std::uint64_t size = 20u * 1024 * 1024;
    auto body = std::make_shared<CountingPayload>(size);
    m.body = body;
    auto c = enc.append("INBOX", std::span(&m, 1));
    ASSERT_TRUE(c);
    ASSERT_EQ(c->continuations_needed(), 1u);
    EXPECT_EQ(segment_bytes(*c, 0), "a1 APPEND INBOX (\\Seen) \"05-Jan-2024 10:00:00 +0100\" {20971520}\r\n");
    // The body is the very payload object, not a copy; the text after it ends the command.
    ASSERT_EQ(c->segments[1].pieces.size(), 2u);
    EXPECT_EQ(std::get<PayloadPtr>(c->segments[1].pieces[0]).get(), body.get());
    EXPECT_EQ(std::get<std::string>(c->segments[1].pieces[1]), "\r\n");
    EXPECT_EQ(c->wire_size(), segment_bytes(*c, 0).size() + size + 2u);
    EXPECT_EQ(c->redacted, "a1 APPEND INBOX (\\Seen) \"05-Jan-2024 10:00:00 +0100\" {20971520 bytes}");
}

TEST(Encoder, MultiAppendWithLiteralPlus) {
    Encoder enc({.literals = LiteralMode::plus});
    std::array<AppendMessage, 2> messages;
    messages[0].body = make_payload("Subject: one\r\n\r\nbody\r\n");
    messages[0].flags.add_imap("$Forwarded");
    messages[1].body = make_payload("Subject: two\r\n\r\n");
    auto c = enc.append("Archive", messages);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->continuations_needed(), 0u);
    EXPECT_EQ(c->wire().value(),
              "a1 APPEND Archive ($Forwarded) {22+}\r\nSubject: one\r\n\r\nbody\r\n {16+}\r\nSubject: two\r\n\r\n\r\n");
    EXPECT_EQ(c->redacted, "a1 APPEND Archive ($Forwarded) {22 bytes} {16 bytes}");
}

TEST(Encoder, MultiAppendSynchronizingHasOneSegmentPerLiteral) {
    Encoder enc;
    std::array<AppendMessage, 2> messages;
    messages[0].body = make_payload("A");
    messages[1].body = make_payload("BC");
    auto c = enc.append("INBOX", messages);
    ASSERT_TRUE(c);
    ASSERT_EQ(c->continuations_needed(), 2u);
    EXPECT_EQ(segment_bytes(*c, 0), "a1 APPEND INBOX {1}\r\n");
    EXPECT_EQ(segment_bytes(*c, 1), "A {2}\r\n");
    EXPECT_EQ(segment_bytes(*c, 2), "BC\r\n");
}

TEST(Encoder, BinaryAppendUsesLiteral8) {
    AppendMessage m;
    m.body = make_payload(std::string("a\0b", 3));
    m.binary = true;
    Encoder without;
    auto refused = without.append("INBOX", std::span(&m, 1));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, EncodeError::invalid_argument);
    Encoder enc({.literals = LiteralMode::minus, .binary = true});
    auto c = enc.append("INBOX", std::span(&m, 1));
    ASSERT_TRUE(c);
    EXPECT_EQ(c->wire().value(), "a1 APPEND INBOX ~{3+}\r\n"s + std::string("a\0b", 3) + "\r\n");
    Encoder sync({.binary = true});
    auto s = sync.append("INBOX", std::span(&m, 1));
    ASSERT_TRUE(s);
    EXPECT_EQ(segment_bytes(*s, 0), "a1 APPEND INBOX ~{3}\r\n");
}

TEST(Encoder, AppendRefusesNothingToSend) {
    Encoder enc;
    EXPECT_FALSE(enc.append("INBOX", {}));
    AppendMessage m;  // no body
    auto c = enc.append("INBOX", std::span(&m, 1));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, EncodeError::invalid_argument);
}

TEST(Encoder, BuilderKeepsTheFirstError) {
    const EncoderOptions options;
    CommandBuilder b(options, "t", "X");
    b.atom("ok").atom("not ok").string(std::string("\0", 1)).raw("fine");
    auto c = b.finish();
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, EncodeError::invalid_argument);
    EXPECT_NE(c.error().message.find("not ok"), std::string::npos);
}

TEST(Encoder, RedactsSecretLiterals) {
    const EncoderOptions options;
    CommandBuilder b(options, "t", "LOGIN");
    b.astring("alice", CommandBuilder::Secret::yes).string(u8s(u8"ünïcode"), CommandBuilder::Secret::yes);
    auto c = b.finish();
    ASSERT_TRUE(c);
    EXPECT_EQ(c->redacted, "t LOGIN *** ***");
    EXPECT_EQ(segment_bytes(*c, 0), "t LOGIN \"alice\" {9}\r\n");
}

}  // namespace
}  // namespace mailtwin::imap
