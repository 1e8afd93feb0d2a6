// Every IMAP operation the sync uses, against the fixture Dovecot, over implicit TLS.
#include "mailtwin/net/session.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <fstream>
#include <map>
#include <random>

#include "fixtures/dovecot_server.hpp"
#include "fixtures/imap_test_util.hpp"
#include "fixtures/run_awaitable.hpp"
#include "fixtures/session_harness.hpp"
#include "fixtures/temp_dir.hpp"
#include "mailtwin/net/session_error.hpp"
#include "mailtwin/store/file_payload.hpp"

namespace mailtwin::test {
namespace {

namespace asio = boost::asio;
using net::Session;

// Every operation runs twice: over implicit TLS (port 993 style) and over STARTTLS on the plain port.
class SessionTest : public SessionHarness {
protected:
    void SetUp() override { connect(settings_for(dovecot(), GetParam())); }
    std::string fresh_folder(const std::string& name) { return fresh("T-" + name); }
};

TEST_P(SessionTest, FoldersCreateListStatusRenameDelete) {
    std::string f = fresh_folder("tree");
    must_ok(session->create_folder(f + "/child"));
    must_ok(session->create_folder(f + "/Ünïcödé 台北"));  // travels as modified UTF-7
    must_ok(session->create_folder(f));                    // creating an existing folder is fine
    auto folders = must(session->list_folders());
    std::map<std::string, net::FolderInfo> by_name;
    for (auto& x : folders) by_name[x.name] = x;
    ASSERT_TRUE(by_name.count(f + "/child"));
    ASSERT_TRUE(by_name.count(f + "/Ünïcödé 台北"));
    EXPECT_EQ(by_name[f + "/Ünïcödé 台北"].wire_name, f + "/&ANw-n&AO8-c&APY-d&AOk- &U,BTFw-");
    EXPECT_EQ(by_name[f + "/child"].delimiter, '/');
    ASSERT_TRUE(by_name[f + "/child"].status.has_value());
    EXPECT_EQ(by_name[f + "/child"].status->messages, 0u);
    EXPECT_TRUE(by_name[f + "/child"].status->uidvalidity.has_value());
    EXPECT_TRUE(by_name[f + "/child"].status->highestmodseq.has_value());
    ASSERT_TRUE(by_name.count("INBOX"));

    must_ok(session->rename_folder(f + "/child", f + "/renamed"));
    must_ok(session->delete_folder(f + "/renamed"));
    folders = must(session->list_folders(false));
    for (const auto& x : folders) EXPECT_NE(x.name, f + "/renamed");
    auto ns = must(session->namespaces());
    ASSERT_FALSE(ns.personal.empty());
    EXPECT_EQ(ns.personal[0].delimiter, '/');
}

TEST_P(SessionTest, AppendKeepsFlagsAndInternalDateAndReportsUids) {
    std::string f = fresh_folder("append");
    auto items = messages("app", 3);
    items[1].message.flags.set(model::Flag::flagged);
    items[1].message.flags.keywords.insert("$label1");
    auto uids = must(session->append(f, std::move(items)));
    ASSERT_EQ(uids.size(), 3u);
    for (auto& u : uids) ASSERT_TRUE(u.has_value());
    auto sel = must(session->select(f));
    EXPECT_EQ(sel.exists, 3u);
    auto meta = must(session->fetch_meta(imap::SeqSet::from_range(1, 100)));
    ASSERT_EQ(meta.size(), 3u);
    EXPECT_EQ(meta[1].uid, *uids[1]);
    EXPECT_TRUE(meta[1].flags.has(model::Flag::flagged));
    EXPECT_TRUE(meta[1].flags.has(model::Flag::seen));
    EXPECT_EQ(meta[1].flags.keywords.count("$label1"), 1u);
    EXPECT_EQ(meta[1].message_id, "<app1@mailtwin.test>");
    ASSERT_TRUE(meta[1].internal_date.has_value());
    // The instant survives; Dovecot answers in its own zone, so the offset is not compared.
    EXPECT_EQ(meta[1].internal_date->utc, 1672740000 + 60);
    EXPECT_EQ(meta[0].size, sample_message("app0", "body 0").size());
}

TEST_P(SessionTest, PipelinedBatchOfAppendsAndBodyFetches) {
    std::string f = fresh_folder("batch");
    auto uids = must(session->append(f, messages("batch", 200)));
    ASSERT_EQ(uids.size(), 200u);
    must(session->select(f));
    MemoryBodies bodies;
    must_ok(session->fetch_bodies(imap::SeqSet::from_range(*uids.front(), *uids.back()), bodies));
    ASSERT_EQ(bodies.bodies.size(), 200u);
    for (int i = 0; i < 200; ++i)
        EXPECT_EQ(bodies.bodies[*uids[static_cast<std::size_t>(i)]],
                  sample_message("batch" + std::to_string(i), "body " + std::to_string(i)));
}

long max_rss_kib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

// Writes bodies to a file as they stream in, never holding one in memory.
class FileBody final : public net::BodyConsumer {
public:
    explicit FileBody(const std::filesystem::path& p) : out(p, std::ios::binary) {}
    void begin_body(std::uint64_t size) override { announced = size; }
    void body_data(std::string_view chunk) override {
        out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    }
    void end_body() override { out.flush(); }
    void message(const imap::FetchData&) override {}
    std::ofstream out;
    std::uint64_t announced = 0;
};

TEST_P(SessionTest, TwentyMegabyteAppendAndFetchAreByteExactWithFlatMemory) {
    TempDir dir;
    const auto source = dir / "big.eml";
    {
        std::ofstream out(source, std::ios::binary);
        out << sample_message("big", "");
        std::mt19937 rng(42);
        std::string line;
        std::uint64_t written = 0;
        while (written < 20u * 1024 * 1024) {  // base64-like attachment lines, CRLF ended
            line.clear();
            for (int i = 0; i < 76; ++i)
                line += "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[rng() % 64];
            line += "\r\n";
            out << line;
            written += line.size();
        }
    }
    const auto size = std::filesystem::file_size(source);
    std::string f = fresh_folder("big");
    const long rss_before = max_rss_kib();

    auto payload = store::FilePayload::open(source);
    ASSERT_TRUE(payload);
    std::vector<net::AppendItem> items(1);
    items[0].message.body = *payload;
    items[0].message_id = "<big@mailtwin.test>";
    auto uids = must(session->append(f, std::move(items)));
    ASSERT_TRUE(uids.at(0).has_value());
    must(session->select(f));
    const auto copy = dir / "fetched.eml";
    {
        FileBody sink(copy);
        must_ok(session->fetch_bodies(imap::SeqSet::from_range(*uids[0], *uids[0]), sink));
        EXPECT_EQ(sink.announced, size);
    }
    const long rss_growth_kib = max_rss_kib() - rss_before;

    ASSERT_EQ(std::filesystem::file_size(copy), size);
    std::ifstream a(source, std::ios::binary), b(copy, std::ios::binary);
    EXPECT_TRUE(std::equal(std::istreambuf_iterator<char>(a), {}, std::istreambuf_iterator<char>(b)));
    // Streaming both ways: the 20 MB message never sits in memory (buffers are 256 KiB).
    EXPECT_LT(rss_growth_kib, 8 * 1024) << "peak RSS grew by " << rss_growth_kib << " KiB";
}

TEST_P(SessionTest, CondstoreFlagsChangedSinceAndUnchangedSince) {
    std::string f = fresh_folder("flags");
    auto uids = must(session->append(f, messages("fl", 5)));
    auto sel = must(session->select(f));
    ASSERT_GT(sel.highestmodseq, 0u);
    const model::ModSeq before = sel.highestmodseq;

    model::FlagSet flagged;
    flagged.set(model::Flag::flagged);
    auto modified =
        must(session->store_flags(imap::SeqSet::from_range(*uids[1], *uids[2]), imap::StoreMode::add, flagged));
    EXPECT_TRUE(modified.empty());
    auto changes = must(session->fetch_flags(before));
    ASSERT_EQ(changes.changed.size(), 2u);
    EXPECT_EQ(changes.changed[0].uid, *uids[1]);
    EXPECT_TRUE(changes.changed[0].flags.has(model::Flag::flagged));
    EXPECT_GT(changes.changed[0].modseq, before);

    // UNCHANGEDSINCE with a stale mod-sequence: the server refuses and names the UID (RFC 7162 §3.1.3).
    model::FlagSet answered;
    answered.set(model::Flag::answered);
    modified = must(
        session->store_flags(imap::SeqSet::from_range(*uids[1], *uids[1]), imap::StoreMode::add, answered, before));
    EXPECT_TRUE(modified.contains(*uids[1]));
    auto all = must(session->fetch_flags());
    ASSERT_EQ(all.changed.size(), 5u);
    EXPECT_FALSE(all.changed[1].flags.has(model::Flag::answered));
}

TEST_P(SessionTest, QresyncReportsVanishedOnSelectAndFetch) {
    std::string f = fresh_folder("qresync");
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

    // A fresh SELECT with the remembered (uidvalidity, modseq) brings the same news in one round trip.
    must(session->select("INBOX"));
    auto resync = must(session->select(f, known));
    EXPECT_TRUE(resync.vanished.contains(*uids[2]));
    EXPECT_TRUE(resync.vanished.contains(*uids[3]));
    ASSERT_EQ(resync.changed.size(), 1u);
    EXPECT_EQ(resync.changed[0].uid, *uids[4]);
}

TEST_P(SessionTest, SearchesAllUidsAndByMessageId) {
    std::string f = fresh_folder("search");
    auto uids = must(session->append(f, messages("se", 4)));
    must(session->select(f));
    auto all = must(session->search_all_uids());
    ASSERT_EQ(all.size(), 4u);
    EXPECT_EQ(all.front(), *uids.front());
    auto found = must(session->search_message_id("<se2@mailtwin.test>"));
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0], *uids[2]);
}

TEST_P(SessionTest, MoveAndCopyReportUidMappings) {
    std::string src = fresh_folder("move-src");
    std::string dst = fresh_folder("move-dst");
    auto uids = must(session->append(src, messages("mv", 4)));
    must(session->select(src));
    auto moved = must(session->move(imap::SeqSet::from_range(*uids[0], *uids[1]), dst));
    ASSERT_EQ(moved.size(), 2u);
    EXPECT_TRUE(moved.count(*uids[0]));
    auto copied = must(session->copy(imap::SeqSet::from_range(*uids[2], *uids[2]), dst));
    ASSERT_EQ(copied.size(), 1u);
    EXPECT_EQ(must(session->search_all_uids()).size(), 2u);  // src kept the copied one and the last one
    must(session->select(dst));
    auto in_dst = must(session->search_all_uids());
    ASSERT_EQ(in_dst.size(), 3u);
    EXPECT_EQ(in_dst[0], moved[*uids[0]]);
}

TEST_P(SessionTest, ExpungeRemovesExactlyTheGivenUids) {
    std::string f = fresh_folder("expunge");
    auto uids = must(session->append(f, messages("ex", 4)));
    must(session->select(f));
    // Another client's \Deleted message must survive our UID EXPUNGE.
    model::FlagSet deleted;
    deleted.set(model::Flag::deleted);
    must(session->store_flags(imap::SeqSet::from_range(*uids[3], *uids[3]), imap::StoreMode::add, deleted));
    must_ok(session->expunge(imap::SeqSet::from_range(*uids[0], *uids[1])));
    auto left = must(session->search_all_uids());
    EXPECT_EQ(left, (std::vector<model::Uid>{*uids[2], *uids[3]}));
}

TEST_P(SessionTest, IdleWakesOnNewMailAndEndsAtItsDeadline) {
    std::string f = fresh_folder("idle");
    must(session->select(f));
    // Nothing happens: IDLE ends by itself at the deadline with DONE.
    auto start = std::chrono::steady_clock::now();
    must_ok(conn->idle(std::chrono::milliseconds(300), [](imap::Response&) { return true; }));
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_GE(took, std::chrono::milliseconds(290));
    EXPECT_LT(took, std::chrono::seconds(5));

    // New mail from a second connection wakes the first: EXISTS arrives during IDLE.
    net::Connection other(io.get_executor(), settings_for(dovecot()));
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
    start = std::chrono::steady_clock::now();
    io.restart();
    io.run();
    ASSERT_TRUE(idle_result.has_value());
    EXPECT_TRUE(*idle_result) << idle_result->error().describe();
    EXPECT_TRUE(woke);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
    run_awaitable(io, other.logout());
}

TEST_P(SessionTest, NotifyReportsNewMailInAnotherFolder) {
    std::string f = fresh_folder("notify");
    must(session->select("INBOX"));
    must_ok(session->notify_personal());
    net::Connection other(io.get_executor(), settings_for(dovecot()));
    ASSERT_TRUE(run_awaitable(io, other.open()));
    Session other_session(other);
    ASSERT_TRUE(run_awaitable(io, other_session.append(f, messages("notify", 1))));
    bool saw_status = false;
    must_ok(conn->idle(std::chrono::seconds(10), [&](imap::Response& r) {
        if (auto st = imap::decode_status(r); st && st->mailbox == f) saw_status = true;
        return saw_status;
    }));
    EXPECT_TRUE(saw_status);
    run_awaitable(io, other.logout());
}

INSTANTIATE_TEST_SUITE_P(Transports, SessionTest, ::testing::Values(Port::implicit_tls, Port::starttls),
                         [](const auto& param_info) {
                             return std::string(param_info.param == Port::implicit_tls ? "implicit_tls" : "starttls");
                         });

// ---------------------------------------------------------------------------------------------------
// The same operations on a server that announces none of the optional extensions: every fallback runs.

const char* k_degraded_capabilities =
    "imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE NAMESPACE LIST-EXTENDED SPECIAL-USE "
    "CHILDREN UNSELECT\n";

class DegradedSessionTest : public SessionTest {
protected:
    static void SetUpTestSuite() { s_server = std::make_unique<DovecotServer>(k_degraded_capabilities, "IMAP4REV1"); }
    static void TearDownTestSuite() { s_server.reset(); }
    void SetUp() override { connect(settings_for(s_server->info())); }
    static std::unique_ptr<DovecotServer> s_server;
};
std::unique_ptr<DovecotServer> DegradedSessionTest::s_server;

TEST_F(DegradedSessionTest, EveryOperationFallsBack) {
    const auto& caps = conn->capabilities();
    for (const char* absent :
         {"CONDSTORE", "QRESYNC", "MOVE", "UIDPLUS", "LIST-STATUS", "LITERAL+", "ESEARCH", "MULTIAPPEND"})
        EXPECT_FALSE(caps.has(absent)) << absent;
    EXPECT_FALSE(conn->condstore_enabled());

    std::string f = fresh_folder("degraded");
    std::string dst = fresh_folder("degraded-dst");
    // APPEND with synchronizing literals, one per command; UIDs found by Message-ID search.
    auto uids = must(session->append(f, messages("dg", 5)));
    ASSERT_EQ(uids.size(), 5u);
    for (auto& u : uids) ASSERT_TRUE(u.has_value());
    // LIST then STATUS per folder.
    auto folders = must(session->list_folders());
    bool found = false;
    for (const auto& x : folders)
        if (x.name == f) {
            found = true;
            ASSERT_TRUE(x.status.has_value());
            EXPECT_EQ(x.status->messages, 5u);
        }
    EXPECT_TRUE(found);
    // No CONDSTORE: the full flag list, whatever "since" says.
    auto sel = must(session->select(f));
    EXPECT_EQ(sel.highestmodseq, 0u);
    auto flags = must(session->fetch_flags(12345));
    EXPECT_EQ(flags.changed.size(), 5u);
    // SEARCH instead of ESEARCH.
    EXPECT_EQ(must(session->search_all_uids()).size(), 5u);
    // MOVE without MOVE: COPY, then \Deleted + EXPUNGE of exactly the moved messages.
    must(session->move(imap::SeqSet::from_range(*uids[0], *uids[0]), dst));
    EXPECT_EQ(must(session->search_all_uids()).size(), 4u);
    // Plain EXPUNGE is refused while another message is \Deleted by someone else.
    model::FlagSet deleted;
    deleted.set(model::Flag::deleted);
    must(session->store_flags(imap::SeqSet::from_range(*uids[4], *uids[4]), imap::StoreMode::add, deleted));
    auto refused = run_awaitable(io, session->expunge(imap::SeqSet::from_range(*uids[1], *uids[1])));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, net::SessionError::capability_missing);
    EXPECT_EQ(must(session->search_all_uids()).size(), 4u);
    // Bodies still arrive intact.
    MemoryBodies bodies;
    must_ok(session->fetch_bodies(imap::SeqSet::from_range(*uids[2], *uids[3]), bodies));
    EXPECT_EQ(bodies.bodies[*uids[2]], sample_message("dg2", "body 2"));
}

}  // namespace
}  // namespace mailtwin::test
