// The IMAP operations the sync uses, with mailtwin's own client (net::Session), against a private
// Cyrus IMAP 3.6 (tests/fixtures/cyrus_server.hpp): proves the Cyrus fixture works and that the client
// copes with Cyrus' classic namespace ("INBOX." prefix, "." separator) and its response style.
// Folder names come from NAMESPACE, never from knowing the server is Cyrus.
// (This binary's main is the shared dovecot_main, so a Dovecot runs alongside; it is not used here.)
#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <memory>
#include <random>

#include "fixtures/cyrus_server.hpp"
#include "fixtures/imap_test_util.hpp"
#include "fixtures/run_awaitable.hpp"
#include "fixtures/session_harness.hpp"
#include "mailtwin/net/session.hpp"

namespace mailtwin::test {
namespace {

namespace asio = boost::asio;
using net::Session;

std::unique_ptr<CyrusServer> g_cyrus;

// One Cyrus for the whole binary: a fatal failure here (the server did not start) fails every test.
class CyrusEnvironment final : public ::testing::Environment {
public:
    void SetUp() override {
        const auto start = std::chrono::steady_clock::now();
        try {
            g_cyrus = std::make_unique<CyrusServer>();
        } catch (const std::exception& e) {
            FAIL() << "the private Cyrus did not start:\n" << e.what();
        }
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
        std::cerr << "test Cyrus: imap 127.0.0.1:" << g_cyrus->info().port
                  << ", imaps 127.0.0.1:" << g_cyrus->info().tls_port << ", dir " << g_cyrus->info().dir.string()
                  << " (started in " << ms << " ms)\n";
    }
    void TearDown() override { g_cyrus.reset(); }
};
[[maybe_unused]] ::testing::Environment* const k_cyrus_env = ::testing::AddGlobalTestEnvironment(new CyrusEnvironment);

const DovecotInfo& cyrus() {
    if (!g_cyrus) throw std::logic_error("the test Cyrus is not running");
    return g_cyrus->info();
}

class CyrusSessionTest : public SessionHarness {
protected:
    std::string prefix;  // personal namespace prefix, from NAMESPACE
    char delim = '/';

    void SetUp() override {
        ASSERT_TRUE(g_cyrus);
        connect(settings_for(cyrus(), GetParam()));
        auto ns = must(session->namespaces());
        ASSERT_FALSE(ns.personal.empty());
        prefix = ns.personal[0].prefix;
        delim = ns.personal[0].delimiter.value_or('/');
    }
    std::string transport() const { return GetParam() == Port::implicit_tls ? "tls" : "starttls"; }
    // A fresh folder under the personal namespace for one test (tests share the server).
    std::string fresh_folder(const std::string& name) { return fresh(prefix + "T-" + name + "-" + transport()); }
};

TEST_P(CyrusSessionTest, LogsInAndOffersCondstoreAndQresync) {
    const auto& caps = conn->capabilities();
    EXPECT_TRUE(caps.has("CONDSTORE"));
    EXPECT_TRUE(caps.has("QRESYNC"));
    EXPECT_TRUE(conn->qresync_enabled());
    EXPECT_TRUE(conn->condstore_enabled());
    EXPECT_TRUE(conn->stream().is_tls());  // implicit TLS, or upgraded by STARTTLS
    // What the report lists; not all of it is required.
    std::cout << "[" << transport() << "] greeting: " << conn->greeting() << "\n"
              << "[" << transport() << "] capabilities after login: " << caps.to_string() << "\n";
    for (const char* c : {"MOVE", "UIDPLUS", "LIST-STATUS", "SPECIAL-USE", "ESEARCH", "LITERAL+", "IDLE", "NOTIFY",
                          "COMPRESS=DEFLATE", "MULTIAPPEND", "ENABLE", "NAMESPACE"})
        std::cout << "  " << c << ": " << (caps.has(c) ? "yes" : "no") << "\n";
}

TEST_P(CyrusSessionTest, WrongPasswordIsRefused) {
    auto s = settings_for(cyrus(), GetParam());
    s.secret = "not-the-password";
    net::Connection bad(io.get_executor(), s);
    auto r = run_awaitable(io, bad.open());
    ASSERT_FALSE(r);
}

TEST_P(CyrusSessionTest, NamespaceIsInboxDotAndListUsesDot) {
    auto ns = must(session->namespaces());
    ASSERT_FALSE(ns.personal.empty());
    EXPECT_EQ(ns.personal[0].prefix, "INBOX.");
    EXPECT_EQ(ns.personal[0].delimiter, '.');

    const std::string f = fresh_folder("tree");
    must_ok(session->create_folder(f + delim + "child"));
    must_ok(session->create_folder(f + delim + "Ünïcödé"));  // modified UTF-7 on the wire
    auto folders = must(session->list_folders());
    std::map<std::string, net::FolderInfo> by_name;
    for (auto& x : folders) by_name[x.name] = x;
    ASSERT_TRUE(by_name.count("INBOX"));
    EXPECT_EQ(by_name["INBOX"].delimiter, '.');
    EXPECT_TRUE(by_name["INBOX"].attributes & static_cast<std::uint32_t>(imap::MailboxAttr::haschildren));
    ASSERT_TRUE(by_name.count(f + ".child"));
    EXPECT_EQ(by_name[f + ".child"].delimiter, '.');
    ASSERT_TRUE(by_name[f + ".child"].status.has_value());  // LIST-STATUS
    EXPECT_EQ(by_name[f + ".child"].status->messages, 0u);
    EXPECT_TRUE(by_name[f + ".child"].status->highestmodseq.has_value());
    ASSERT_TRUE(by_name.count(f + ".Ünïcödé"));
    EXPECT_EQ(by_name[f + ".Ünïcödé"].wire_name, f + ".&ANw-n&AO8-c&APY-d&AOk-");
    // Special-use folders made at first login; Cyrus spells the attributes in lower case (\drafts).
    ASSERT_TRUE(by_name.count("INBOX.Drafts"));
    EXPECT_TRUE(by_name["INBOX.Drafts"].attributes & static_cast<std::uint32_t>(imap::MailboxAttr::drafts));
    ASSERT_TRUE(by_name.count("INBOX.Trash"));
    EXPECT_TRUE(by_name["INBOX.Trash"].attributes & static_cast<std::uint32_t>(imap::MailboxAttr::trash));

    // A parent with children cannot be deleted in Cyrus (NO [HASCHILDREN]): children first.
    EXPECT_FALSE(run_awaitable(io, session->delete_folder(f)));
    must_ok(session->rename_folder(f + ".child", f + ".renamed"));
    must_ok(session->delete_folder(f + ".renamed"));
    must_ok(session->delete_folder(f + ".Ünïcödé"));
    must_ok(session->delete_folder(f));
    for (const auto& x : must(session->list_folders(false))) EXPECT_NE(x.name.rfind(f, 0), 0u) << x.name;
    // Outside the personal namespace a user may not create folders.
    EXPECT_FALSE(run_awaitable(io, session->create_folder("T-outside-" + transport())));
}

// RFC 8474: with OBJECTID the listing asks for MAILBOXID, and a RENAME keeps the folder's id (the
// building block for telling a renamed folder from a deleted one and a new one, issue 16).
TEST_P(CyrusSessionTest, ListingCarriesMailboxIdsThatSurviveRename) {
    ASSERT_TRUE(conn->capabilities().objectid());
    const std::string f = fresh_folder("ids");
    const std::string a = f + delim + "a";
    const std::string b = f + delim + "b";
    const std::string other = f + delim + "other";
    must_ok(session->create_folder(a));
    must_ok(session->create_folder(other));
    std::map<std::string, net::FolderInfo> before;
    for (auto& x : must(session->list_folders())) {
        if (x.selectable) {
            EXPECT_FALSE(x.mailbox_id.empty()) << x.name;
        }
        if (x.status) {
            EXPECT_EQ(x.status->mailbox_id.value_or(""), x.mailbox_id) << x.name;
        }
        before[x.name] = x;
    }
    ASSERT_TRUE(before.count(a));
    ASSERT_TRUE(before.count(other));
    const std::string id_a = before[a].mailbox_id;
    EXPECT_NE(id_a, before[other].mailbox_id);
    EXPECT_NE(id_a, before["INBOX"].mailbox_id);

    must_ok(session->rename_folder(a, b));
    std::map<std::string, net::FolderInfo> after;
    for (auto& x : must(session->list_folders())) after[x.name] = x;
    EXPECT_FALSE(after.count(a));
    ASSERT_TRUE(after.count(b));
    EXPECT_EQ(after[b].mailbox_id, id_a);
    EXPECT_EQ(after[other].mailbox_id, before[other].mailbox_id);

    must_ok(session->delete_folder(b));
    must_ok(session->delete_folder(other));
    must_ok(session->delete_folder(f));
}

TEST_P(CyrusSessionTest, AppendSelectFetchStoreWithModseqs) {
    const std::string f = fresh_folder("flags");
    auto items = messages("fl", 5);
    items[1].message.flags.set(model::Flag::flagged);
    items[1].message.flags.keywords.insert("$label1");
    auto uids = must(session->append(f, std::move(items)));
    ASSERT_EQ(uids.size(), 5u);
    for (auto& u : uids) ASSERT_TRUE(u.has_value());  // APPENDUID

    auto sel = must(session->select(f));
    EXPECT_EQ(sel.exists, 5u);
    EXPECT_GT(sel.uidvalidity, 0u);
    EXPECT_GT(sel.highestmodseq, 0u);
    EXPECT_FALSE(sel.nomodseq);
    EXPECT_FALSE(sel.read_only);
    const model::ModSeq before = sel.highestmodseq;

    auto meta = must(session->fetch_meta(imap::SeqSet::from_range(1, 100)));
    ASSERT_EQ(meta.size(), 5u);
    EXPECT_EQ(meta[1].uid, *uids[1]);
    EXPECT_TRUE(meta[1].flags.has(model::Flag::flagged));
    EXPECT_TRUE(meta[1].flags.has(model::Flag::seen));
    EXPECT_EQ(meta[1].flags.keywords.count("$label1"), 1u);
    EXPECT_EQ(meta[1].message_id, "<fl1@mailtwin.test>");
    ASSERT_TRUE(meta[1].internal_date.has_value());
    EXPECT_EQ(meta[1].internal_date->utc, 1672740000 + 60);
    EXPECT_EQ(meta[0].size, sample_message("fl0", "body 0").size());

    auto all = must(session->fetch_flags());
    ASSERT_EQ(all.changed.size(), 5u);
    for (const auto& m : all.changed) EXPECT_GT(m.modseq, 0u);

    model::FlagSet flagged;
    flagged.set(model::Flag::flagged);
    auto modified =
        must(session->store_flags(imap::SeqSet::from_range(*uids[2], *uids[3]), imap::StoreMode::add, flagged));
    EXPECT_TRUE(modified.empty());
    auto changes = must(session->fetch_flags(before));
    ASSERT_EQ(changes.changed.size(), 2u);
    EXPECT_EQ(changes.changed[0].uid, *uids[2]);
    EXPECT_TRUE(changes.changed[0].flags.has(model::Flag::flagged));
    EXPECT_GT(changes.changed[0].modseq, before);

    // UNCHANGEDSINCE with a stale mod-sequence: refused, reported as MODIFIED.
    model::FlagSet answered;
    answered.set(model::Flag::answered);
    modified = must(
        session->store_flags(imap::SeqSet::from_range(*uids[2], *uids[2]), imap::StoreMode::add, answered, before));
    EXPECT_TRUE(modified.contains(*uids[2]));
    all = must(session->fetch_flags());
    ASSERT_EQ(all.changed.size(), 5u);
    EXPECT_FALSE(all.changed[2].flags.has(model::Flag::answered));
}

TEST_P(CyrusSessionTest, QresyncReportsVanishedOnSelectAndFetch) {
    const std::string f = fresh_folder("qresync");
    auto uids = must(session->append(f, messages("qr", 6)));
    auto sel = must(session->select(f));
    const net::QresyncKnown known{sel.uidvalidity, sel.highestmodseq};

    must_ok(session->expunge(imap::SeqSet::from_range(*uids[2], *uids[3])));
    model::FlagSet seen;
    seen.set(model::Flag::seen);
    must(session->store_flags(imap::SeqSet::from_range(*uids[4], *uids[4]), imap::StoreMode::remove, seen));

    auto changes = must(session->fetch_flags(known.modseq));
    EXPECT_TRUE(changes.vanished.contains(*uids[2]));
    EXPECT_TRUE(changes.vanished.contains(*uids[3]));
    ASSERT_EQ(changes.changed.size(), 1u);
    EXPECT_EQ(changes.changed[0].uid, *uids[4]);

    must(session->select("INBOX"));
    auto resync = must(session->select(f, known));
    EXPECT_TRUE(resync.vanished.contains(*uids[2]));
    EXPECT_TRUE(resync.vanished.contains(*uids[3]));
    ASSERT_EQ(resync.changed.size(), 1u);
    EXPECT_EQ(resync.changed[0].uid, *uids[4]);
    EXPECT_EQ(must(session->search_all_uids()).size(), 4u);
    auto found = must(session->search_message_id("<qr5@mailtwin.test>"));
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0], *uids[5]);
}

TEST_P(CyrusSessionTest, MoveAndCopyReportUidMappings) {
    const std::string src = fresh_folder("move-src");
    const std::string dst = fresh_folder("move-dst");
    auto uids = must(session->append(src, messages("mv", 4)));
    must(session->select(src));
    auto moved = must(session->move(imap::SeqSet::from_range(*uids[0], *uids[1]), dst));
    ASSERT_EQ(moved.size(), 2u);  // COPYUID in an untagged OK before the tagged one
    EXPECT_TRUE(moved.count(*uids[0]));
    auto copied = must(session->copy(imap::SeqSet::from_range(*uids[2], *uids[2]), dst));
    ASSERT_EQ(copied.size(), 1u);
    EXPECT_EQ(must(session->search_all_uids()).size(), 2u);
    must_ok(session->expunge(imap::SeqSet::from_range(*uids[2], *uids[2])));  // COPY + EXPUNGE = move
    EXPECT_EQ(must(session->search_all_uids()), std::vector<model::Uid>{*uids[3]});
    must(session->select(dst));
    auto in_dst = must(session->search_all_uids());
    ASSERT_EQ(in_dst.size(), 3u);
    EXPECT_EQ(in_dst[0], moved[*uids[0]]);
    EXPECT_EQ(in_dst[2], copied[*uids[2]]);
}

TEST_P(CyrusSessionTest, OneMegabyteAppendAndFetchAreByteExact) {
    std::string body;
    std::mt19937 rng(7);
    while (body.size() < 1024 * 1024) {
        for (int i = 0; i < 76; ++i)
            body += "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[rng() % 64];
        body += "\r\n";
    }
    const std::string message = sample_message("big", "") + body;
    const std::string f = fresh_folder("big");
    std::vector<net::AppendItem> items(1);
    items[0].message.body = imap::make_payload(message);
    items[0].message_id = "<big@mailtwin.test>";
    auto uids = must(session->append(f, std::move(items)));
    ASSERT_TRUE(uids.at(0).has_value());
    must(session->select(f));
    MemoryBodies bodies;
    must_ok(session->fetch_bodies(imap::SeqSet::from_range(*uids[0], *uids[0]), bodies));
    EXPECT_EQ(bodies.announced, message.size());
    ASSERT_EQ(bodies.bodies.count(*uids[0]), 1u);
    EXPECT_TRUE(bodies.bodies[*uids[0]] == message) << "fetched " << bodies.bodies[*uids[0]].size() << " bytes";
}

// Cyrus refuses messages with bare LF line ends (and NUL bytes) instead of converting them: whoever
// appends must send CRLF. Dovecot accepts both.
TEST_P(CyrusSessionTest, BareLineFeedsAreRefusedCrlfAccepted) {
    const std::string f = fresh_folder("lf");
    std::vector<net::AppendItem> items(1);
    items[0].message.body =
        imap::make_payload("From: a@example.org\nSubject: lf\nMessage-ID: <lf@mailtwin.test>\n\nbare\n");
    items[0].message_id = "<lf@mailtwin.test>";
    auto r = run_awaitable(io, session->append(f, std::move(items)));
    ASSERT_FALSE(r);
    std::cout << "bare LF append: " << r.error().describe() << "\n";
    std::vector<net::AppendItem> eight_bit(1);
    eight_bit[0].message.body = imap::make_payload(
        "From: a@example.org\r\nSubject: 8bit\r\nMessage-ID: <8bit@mailtwin.test>\r\n\r\nh\xc3\xa9llo\r\n");
    eight_bit[0].message_id = "<8bit@mailtwin.test>";
    auto ok = must(session->append(f, std::move(eight_bit)));
    ASSERT_EQ(ok.size(), 1u);
    EXPECT_TRUE(ok[0].has_value());
}

TEST_P(CyrusSessionTest, IdleWakesOnNewMail) {
    const std::string f = fresh_folder("idle");
    must(session->select(f));
    net::Connection other(io.get_executor(), settings_for(cyrus()));
    ASSERT_TRUE(run_awaitable(io, other.open()));
    Session other_session(other);
    bool woke = false;
    auto idler = [&]() -> asio::awaitable<util::Expected<void>> {
        co_return co_await conn->idle(std::chrono::seconds(20), [&](imap::Response& r) {
            woke = woke || imap::decode_exists(r).has_value();
            return woke;
        });
    };
    auto appender = [&]() -> asio::awaitable<void> {
        asio::steady_timer t(io, std::chrono::milliseconds(200));
        co_await t.async_wait(asio::use_awaitable);
        auto r = co_await other_session.append(f, messages("idle", 1));
        EXPECT_TRUE(r);
    };
    std::optional<util::Expected<void>> idle_result;
    asio::co_spawn(io, idler(), [&](std::exception_ptr, util::Expected<void> r) { idle_result.emplace(std::move(r)); });
    asio::co_spawn(io, appender(), asio::detached);
    const auto start = std::chrono::steady_clock::now();
    io.restart();
    io.run();
    ASSERT_TRUE(idle_result.has_value());
    EXPECT_TRUE(*idle_result) << idle_result->error().describe();
    EXPECT_TRUE(woke);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
    run_awaitable(io, other.logout());
}

INSTANTIATE_TEST_SUITE_P(Transports, CyrusSessionTest, ::testing::Values(Port::implicit_tls, Port::starttls),
                         [](const auto& param_info) {
                             return std::string(param_info.param == Port::implicit_tls ? "implicit_tls" : "starttls");
                         });

TEST(CyrusFixture, RestartKeepsMailAndPorts) {
    asio::io_context io;
    const auto before = cyrus();
    g_cyrus->restart(std::chrono::milliseconds(100));
    EXPECT_EQ(cyrus().port, before.port);
    net::Connection c(io.get_executor(), settings_for(cyrus()));
    auto r = run_awaitable(io, c.open());
    ASSERT_TRUE(r) << r.error().describe();
    Session s(c);
    auto folders = run_awaitable(io, s.list_folders(false));
    ASSERT_TRUE(folders);
    bool drafts = false;
    for (const auto& x : *folders) drafts = drafts || x.name == "INBOX.Drafts";
    EXPECT_TRUE(drafts);
    run_awaitable(io, c.logout());
}

}  // namespace
}  // namespace mailtwin::test
