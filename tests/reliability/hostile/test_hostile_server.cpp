// A hostile or broken server: malformed, truncated, oversized and contradictory responses from a
// scripted fake server on 127.0.0.1. The contract for every case: the real binary exits (non-zero
// where the input is nonsense) without crashing or hanging (a hard timeout), its peak RSS stays under
// 100 MB whatever the server announces, and nonsense never changes local data: the Maildir is
// byte-for-byte as it was. Each test first syncs a sane mailbox, then turns the server hostile.
#include <gtest/gtest.h>

#include <atomic>

#include "support/fake_account.hpp"

namespace mailtwin::test {
namespace {

constexpr long k_max_rss_kb = 100 * 1024;
constexpr auto k_prompt = std::chrono::seconds(15);  // a limit must trip at once, not at io_timeout

struct Hostile : SaneFirstAccount {
    explicit Hostile(const std::string& name, const std::string& caps = k_fake_capabilities)
        : SaneFirstAccount(name, caps, 3, std::chrono::seconds(60)) {}

    // The sane first sync, then a snapshot of every local file; all three messages arrived.
    void baseline() {
        SaneFirstAccount::baseline();
        ASSERT_EQ(s.local().size(), 3u);
    }

    void expect_survived(const ChildResult& r) {
        EXPECT_FALSE(r.crashed()) << describe(r);
        EXPECT_FALSE(r.timed_out) << describe(r);
        EXPECT_LT(r.max_rss_kb, k_max_rss_kb) << describe(r);
        EXPECT_LT(r.elapsed, k_prompt) << describe(r);
    }

    void expect_local_unchanged() {
        auto now = s.local_files();
        EXPECT_EQ(now.size(), before.size());
        for (const auto& [path, content] : before) {
            auto it = now.find(path);
            EXPECT_TRUE(it != now.end() && it->second == content) << "local file changed or removed: " << path;
        }
        for (const auto& [path, content] : now) EXPECT_TRUE(before.count(path)) << "local file added: " << path;
    }

    std::atomic<bool> hostile{false};
};

bool fetching_bodies(const FakeCommand& c) {
    return c.name == "UID FETCH" && c.args.find("BODY.PEEK[]") != std::string::npos;
}

TEST(HostileServer, GarbageGreetingIsAConnectionFailure) {
    Hostile h("h-garbage");
    h.fake.on_connect = [](FakeConnection& c) {
        c.send(std::string("\x00\x01\xff\xfe\x80 not IMAP at all \x1b[2J\r\n", 28));
        c.linger(std::chrono::seconds(20));
    };
    auto r = h.run();
    h.expect_survived(r);
    EXPECT_EQ(r.exit_code, 3) << describe(r);
}

TEST(HostileServer, TruncatedGreetingIsAConnectionFailure) {
    Hostile h("h-truncgreet");
    h.fake.on_connect = [](FakeConnection& c) {
        c.send("* OK [CAPABILITY IMAP4rev1 AUTH=");
        c.hang_up();
    };
    auto r = h.run();
    h.expect_survived(r);
    EXPECT_EQ(r.exit_code, 3) << describe(r);
}

TEST(HostileServer, FourGigabyteBodyLiteralIsRefusedBeforeReadingIt) {
    Hostile h("h-4g");
    h.baseline();
    h.fake.folders[h.s.folder("INBOX")].add("m4", "fourth");
    h.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (!fetching_bodies(cmd)) return false;
        c.send("* 4 FETCH (UID 4 FLAGS () BODY[] {4294967296}\r\n" + std::string(1 << 20, 'x'));
        c.linger(std::chrono::seconds(20));
        return true;
    };
    auto r = h.run();
    h.expect_survived(r);
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    h.expect_local_unchanged();
}

TEST(HostileServer, FourGigabyteLiteralInAFolderNameIsRefused) {
    Hostile h("h-4glist");
    h.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (cmd.name != "LIST") return false;
        c.send("* LIST () \"/\" {4294967296}\r\n" + std::string(1 << 20, 'n'));
        c.linger(std::chrono::seconds(20));
        return true;
    };
    auto r = h.run();
    h.expect_survived(r);
    EXPECT_EQ(r.exit_code, 3) << describe(r);
    EXPECT_FALSE(std::filesystem::exists(h.s.maildir() / h.s.prefix())) << "nothing created locally";
}

TEST(HostileServer, MillionDeepNestingIsRefused) {
    Hostile h("h-nest");
    h.baseline();
    h.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (cmd.name != "UID FETCH") return false;
        c.send("* 1 FETCH (UID 1 FLAGS " + std::string(1000000, '(') + std::string(1000000, ')') + ")\r\n" + cmd.tag +
               " OK fetched\r\n");
        c.linger(std::chrono::seconds(20));
        return true;
    };
    auto r = h.run({"--full"});
    h.expect_survived(r);
    EXPECT_NE(r.exit_code, 0) << describe(r);
    h.expect_local_unchanged();
}

TEST(HostileServer, EndlessLineIsCutAtTheLineLimit) {
    Hostile h("h-endless");
    std::atomic<std::uint64_t> sent{0};
    h.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (cmd.name != "LIST") return false;
        std::string chunk(64 * 1024, 'A');
        if (!c.send("* LIST () \"/\" ")) return true;
        // Up to 512 MB, or until the client hangs up: a client that buffers it all would blow the
        // RSS bound long before.
        for (int i = 0; i < 8192 && c.send(chunk); ++i) sent += chunk.size();
        return true;
    };
    auto r = h.run();
    h.expect_survived(r);
    EXPECT_EQ(r.exit_code, 3) << describe(r);
    EXPECT_LT(sent.load(), 64u * 1024 * 1024) << "the client kept reading an endless line";
}

TEST(HostileServer, MalformedFetchFailsTheFolderWithoutLocalChanges) {
    Hostile h("h-malformed");
    h.baseline();
    h.fake.folders[h.s.folder("INBOX")].add("m4", "fourth");
    h.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (cmd.name != "UID FETCH") return false;
        c.send("* 1 FETCH (UID abc FLAGS (\\Seen) RFC822.SIZE -5 BODY[] {3}\r\nab)\r\n" + cmd.tag + " OK fetched\r\n");
        return true;
    };
    auto r = h.run({"--full"});
    h.expect_survived(r);
    EXPECT_NE(r.exit_code, 0) << describe(r);
    h.expect_local_unchanged();
}

TEST(HostileServer, ConnectionClosedMidBodyLeavesNoPartialMessage) {
    Hostile h("h-truncbody");
    h.baseline();
    h.fake.folders[h.s.folder("INBOX")].add("m4", std::string(20000, 'z'));
    h.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (!fetching_bodies(cmd)) return false;
        c.send("* 4 FETCH (UID 4 FLAGS () BODY[] {20200}\r\nMessage-ID: <m4@fake.test>\r\n\r\nzzzzzzzz");
        c.hang_up();
        return true;
    };
    auto r = h.run();
    h.expect_survived(r);
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    h.expect_local_unchanged();
}

const Item* find(const Contents& c, const std::string& id) {
    for (const auto& i : c)
        if (i.id == id) return &i;
    return nullptr;
}

TEST(HostileServer, FetchForUnrequestedUidsIsNotDelivered) {
    Hostile h("h-unrequested");
    h.baseline();
    h.fake.folders[h.s.folder("INBOX")].add("m4", "fourth");
    h.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (!fetching_bodies(cmd)) return false;
        const std::string intruder = "Message-ID: <intruder@fake.test>\r\nSubject: intruder\r\n\r\nnot asked for\r\n";
        c.send("* 9 FETCH (UID 999 FLAGS (\\Seen) INTERNALDATE \"03-Jan-2023 10:00:00 +0000\" RFC822.SIZE " +
               std::to_string(intruder.size()) + " BODY[] " + literal(intruder) + ")\r\n");
        h.fake.answer(c, cmd);
        return true;
    };
    auto r = h.run();
    h.expect_survived(r);
    const Contents local = h.s.local();
    EXPECT_EQ(find(local, "intruder"), nullptr) << "a message the client did not ask for was delivered\n"
                                                << describe(r);
    for (const char* id : {"m1", "m2", "m3"}) EXPECT_NE(find(local, id), nullptr) << id;
}

TEST(HostileServer, UidnextGoingBackwardsDoesNotDeleteLocalMail) {
    Hostile h("h-backwards");
    auto& inbox = h.fake.folders[h.s.folder("INBOX")];
    for (int i = 4; i <= 10; ++i) inbox.add("m" + std::to_string(i), "more");
    auto first = h.run();
    ASSERT_EQ(first.exit_code, 0) << describe(first);
    ASSERT_EQ(h.s.local().size(), 10u);
    h.before = h.s.local_files();
    {
        // Same UIDVALIDITY, but UIDNEXT drops from 11 to 9 and UIDs 9 and 10 are gone: the server
        // contradicts itself (UIDs are never reused), it does not report an expunge.
        std::lock_guard lock(h.fake.mutex());
        inbox.messages.resize(8);
        inbox.uidnext = 9;
    }
    auto r = h.run();
    h.expect_survived(r);
    EXPECT_NE(r.exit_code, 0) << "a server whose UIDNEXT went backwards must be reported\n" << describe(r);
    h.expect_local_unchanged();
}

TEST(HostileServer, VanishedForUnknownUidsChangesNothing) {
    Hostile h("h-vanished", "IMAP4rev1 AUTH=PLAIN UIDPLUS ENABLE CONDSTORE QRESYNC");
    h.baseline();
    {
        std::lock_guard lock(h.fake.mutex());
        ++h.fake.folders[h.s.folder("INBOX")].highestmodseq;  // something "changed": no fast-path skip
    }
    h.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (cmd.name == "SELECT" || cmd.name == "EXAMINE" || cmd.name == "UID FETCH" || cmd.name == "UID SEARCH")
            c.send("* VANISHED (EARLIER) 500:600,4000000000\r\n* VANISHED 77\r\n");
        return false;  // then the normal answer
    };
    auto r = h.run();
    h.expect_survived(r);
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    h.expect_local_unchanged();
}

TEST(HostileServer, DecreasingHighestModseqIsReportedAndFullRescanRecovers) {
    Hostile h("h-modseq", "IMAP4rev1 AUTH=PLAIN UIDPLUS ENABLE CONDSTORE");
    h.baseline();
    {
        // m2 gains \Seen, but the server reports HIGHESTMODSEQ (and m2's MODSEQ) below what it said
        // before: a client that trusted CHANGEDSINCE would miss the change without a word.
        std::lock_guard lock(h.fake.mutex());
        auto& inbox = h.fake.folders[h.s.folder("INBOX")];
        inbox.messages[1].flags = "\\Seen";
        inbox.messages[1].modseq = 2;
        inbox.highestmodseq = 2;
    }
    auto r = h.run();
    h.expect_survived(r);
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    EXPECT_NE(r.output.find("went backwards"), std::string::npos) << describe(r);
    EXPECT_NE(r.output.find("--full"), std::string::npos) << "the error names the way out\n" << describe(r);
    h.expect_local_unchanged();
    // The documented recovery: a full rescan sees the real flags.
    auto full = h.run({"--full"});
    EXPECT_EQ(full.exit_code, 0) << describe(full);
    const Contents local = h.s.local();
    EXPECT_EQ(local.size(), 3u);
    const Item* m2 = find(local, "m2");
    ASSERT_NE(m2, nullptr);
    EXPECT_EQ(m2->flags, "S") << describe(full);
    EXPECT_EQ(h.run().exit_code, 0) << "the next incremental run trusts the server again";
}

}  // namespace
}  // namespace mailtwin::test
