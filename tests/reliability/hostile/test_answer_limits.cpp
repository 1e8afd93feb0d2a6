// A server that never stops answering: endless LIST lines, FETCH responses, SEARCH results, VANISHED
// sets, keywords, capabilities, namespaces, or junk while mailtwin waits for a tag. Each case: the run
// ends within 20 s (the limit trips, not a timeout), the child's peak RSS stays under the bound the
// case asserts, the error names the server and the limit (net/answer_limits.hpp), the server is cut
// off (it could not send much past the limit) and, after a sane first sync, no local file changed.
#include <gtest/gtest.h>

#include <atomic>

#include "support/fake_account.hpp"

namespace mailtwin::test {
namespace {

constexpr auto k_prompt = std::chrono::seconds(20);

struct Flood : SaneFirstAccount {
    explicit Flood(const std::string& name, const std::string& caps = k_fake_capabilities)
        : SaneFirstAccount(name, caps, 2, std::chrono::seconds(90)) {}

    // Sends `line(i)` for i = 0, 1, ... in 256 KB batches until the client hangs up or `max_bytes`.
    void flood(FakeConnection& c, const std::function<std::string(std::uint64_t)>& line,
               std::uint64_t max_bytes = std::uint64_t{2} << 30) {
        std::uint64_t i = 0;
        std::string batch;
        while (sent < max_bytes) {
            batch.clear();
            while (batch.size() < 256 * 1024) batch += line(i++);
            if (!c.send(batch)) return;
            sent += batch.size();
        }
    }

    void expect_cut_off(const ChildResult& r, const std::string& limit, long max_rss_mb) {
        EXPECT_FALSE(r.crashed()) << describe(r);
        EXPECT_FALSE(r.timed_out) << describe(r);
        EXPECT_LT(r.elapsed, k_prompt) << describe(r);
        EXPECT_LT(r.max_rss_kb, max_rss_mb * 1024) << describe(r);
        EXPECT_NE(r.output.find("127.0.0.1:" + std::to_string(fake.port()) + " sent more than"), std::string::npos)
            << describe(r);
        EXPECT_NE(r.output.find("(limit " + limit + ")"), std::string::npos) << describe(r);
        EXPECT_LT(sent.load(), std::uint64_t{1} << 30) << "the client kept reading past the limit";
        report_figures("limit " + limit, "peak RSS " + std::to_string(r.max_rss_kb / 1024) + " MB, " +
                                             std::to_string(sent.load() >> 20) + " MB sent, " +
                                             std::to_string(r.elapsed.count()) + " ms");
    }

    void expect_local_unchanged() { EXPECT_EQ(s.local_files(), before); }

    std::atomic<std::uint64_t> sent{0};
};

TEST(AnswerLimits, EndlessListIsCutAtMaxFolders) {
    Flood f("l-list");
    f.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (cmd.name != "LIST") return false;
        f.flood(c, [&](std::uint64_t i) {
            return "* LIST () \"/\" \"" + f.s.prefix() + "/folder-with-a-longish-name-" + std::to_string(i) + "\"\r\n";
        });
        return true;
    };
    auto r = f.run();
    EXPECT_EQ(r.exit_code, 3) << describe(r);
    f.expect_cut_off(r, "max_folders", 100);
    EXPECT_NE(r.output.find("sent more than 100000 folders in one listing"), std::string::npos) << describe(r);
    EXPECT_FALSE(std::filesystem::exists(f.s.maildir() / f.s.prefix())) << "nothing created locally";
}

TEST(AnswerLimits, EndlessUntaggedJunkWhileWaitingForATagIsCutAtMaxUntagged) {
    Flood f("l-junk");
    f.baseline();
    f.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (cmd.name != "SELECT" && cmd.name != "EXAMINE") return false;
        f.flood(c, [](std::uint64_t) { return std::string("* 2 EXISTS\r\n"); });
        return true;
    };
    auto r = f.run({"--full"});
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    f.expect_cut_off(r, "max_untagged", 100);
    f.expect_local_unchanged();
}

TEST(AnswerLimits, EndlessFetchResponsesAreCutAtMaxMessages) {
    Flood f("l-fetch");
    f.baseline();
    f.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (cmd.name != "UID FETCH") return false;
        f.flood(c, [](std::uint64_t i) {
            return "* " + std::to_string(i % 1000 + 1) + " FETCH (UID " + std::to_string(i % 4000000000 + 1) +
                   " FLAGS (\\Seen))\r\n";
        });
        return true;
    };
    auto r = f.run({"--full"});
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    // 2,000,000 flag records of ~72 bytes, and the vector that holds them doubling once more
    // (measured: 153 MB).
    f.expect_cut_off(r, "max_messages", 250);
    f.expect_local_unchanged();
}

TEST(AnswerLimits, AnEsearchOfFourBillionUidsIsRefusedBeforeExpanding) {
    Flood f("l-esearch", "IMAP4rev1 AUTH=PLAIN UIDPLUS ESEARCH ENABLE CONDSTORE");
    f.baseline();
    {
        std::lock_guard lock(f.fake.mutex());
        ++f.fake.folders[f.s.folder("INBOX")].highestmodseq;  // a change: no fast-path skip
    }
    f.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (cmd.name != "UID SEARCH") return false;
        c.send("* ESEARCH (TAG \"" + cmd.tag + "\") UID ALL 1:4294967295\r\n" + cmd.tag + " OK searched\r\n");
        return true;
    };
    auto r = f.run();
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    f.expect_cut_off(r, "max_messages", 100);
    EXPECT_NE(r.output.find("UIDs in one search result"), std::string::npos) << describe(r);
    f.expect_local_unchanged();
}

TEST(AnswerLimits, EndlessSearchLinesAreCutAtMaxMessages) {
    Flood f("l-search", "IMAP4rev1 AUTH=PLAIN UIDPLUS ENABLE CONDSTORE");
    f.baseline();
    {
        std::lock_guard lock(f.fake.mutex());
        ++f.fake.folders[f.s.folder("INBOX")].highestmodseq;
    }
    f.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (cmd.name != "UID SEARCH") return false;
        std::string line = "* SEARCH";
        for (int i = 1; i <= 10000; ++i) line += " " + std::to_string(i);
        line += "\r\n";
        f.flood(c, [&](std::uint64_t) { return line; });
        return true;
    };
    auto r = f.run();
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    f.expect_cut_off(r, "max_messages", 100);
    f.expect_local_unchanged();
}

TEST(AnswerLimits, EndlessVanishedRangesAreCutAtMaxMessages) {
    Flood f("l-vanished", "IMAP4rev1 AUTH=PLAIN UIDPLUS ENABLE CONDSTORE QRESYNC");
    f.baseline();
    {
        std::lock_guard lock(f.fake.mutex());
        ++f.fake.folders[f.s.folder("INBOX")].highestmodseq;
    }
    f.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (cmd.name != "SELECT" && cmd.name != "EXAMINE") return false;
        // Every other UID: ranges that never merge.
        f.flood(c, [](std::uint64_t i) {
            return "* VANISHED (EARLIER) " + std::to_string(2 * i + 1000) + "," + std::to_string(2 * i + 1000000000) +
                   "\r\n";
        });
        return true;
    };
    auto r = f.run();
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    f.expect_cut_off(r, "max_messages", 100);
    f.expect_local_unchanged();
}

TEST(AnswerLimits, AMillionKeywordsOnOneMessageAreRefused) {
    Flood f("l-keywords");
    f.baseline();
    f.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (cmd.name != "UID FETCH") return false;
        std::string flags;
        for (int i = 0; i < 100000; ++i) flags += (i ? " k" : "k") + std::to_string(i);
        c.send("* 1 FETCH (UID 1 FLAGS (" + flags + "))\r\n" + cmd.tag + " OK fetched\r\n");
        return true;
    };
    auto r = f.run({"--full"});
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    f.expect_cut_off(r, "max_keywords_per_message", 100);
    f.expect_local_unchanged();
}

TEST(AnswerLimits, AHugeCapabilityListIsRefused) {
    Flood f("l-caps");
    std::string caps = "IMAP4rev1 AUTH=PLAIN";
    for (int i = 0; i < 50000; ++i) caps += " X-CAP-" + std::to_string(i);
    f.fake.greeting = "* OK [CAPABILITY " + caps + "] fake ready\r\n";
    auto r = f.run();
    EXPECT_EQ(r.exit_code, 3) << describe(r);
    f.expect_cut_off(r, "max_capabilities", 100);
}

TEST(AnswerLimits, AHugeNamespaceIsRefused) {
    Flood f("l-namespace", "IMAP4rev1 AUTH=PLAIN UIDPLUS NAMESPACE");
    f.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (cmd.name != "NAMESPACE") return false;
        std::string list;
        for (int i = 0; i < 20000; ++i) list += "(\"p" + std::to_string(i) + "/\" \"/\")";
        c.send("* NAMESPACE (" + list + ") NIL NIL\r\n" + cmd.tag + " OK done\r\n");
        return true;
    };
    auto r = f.run();
    EXPECT_EQ(r.exit_code, 3) << describe(r);
    f.expect_cut_off(r, "max_namespaces", 100);
}

}  // namespace
}  // namespace mailtwin::test
