// Issue 13 item 8: a server that lies (or is buggy) never creates duplicates or corrupt files. What it
// claims is checked before it becomes state (net/server_claims.hpp): UIDs must be valid, unique and
// new, a body must be the size the server announced, and folder names must not collide locally. A
// folder that fails a check fails alone (exit 1), with a message naming the server's fault; the
// other folders are synced, and once the server behaves, the next run leaves no duplicate.
#include <gtest/gtest.h>

#include <atomic>

#include "support/fake_imap.hpp"
#include "support/setup.hpp"

namespace mailtwin::test {
namespace {

struct Liar {
    explicit Liar(const std::string& name, const std::string& caps = "IMAP4rev1 AUTH=PLAIN UIDPLUS") : s(name) {
        fake.capabilities = caps;
        fake.greeting = "* OK [CAPABILITY " + fake.capabilities + "] fake ready\r\n";
        auto& inbox = fake.folders[s.folder("INBOX")];
        inbox.add("m1", "first", "\\Seen");
        inbox.add("m2", "second");
        inbox.add("m3", "third", "\\Flagged");
        fake.folders[s.folder("Other")].add("o1", "other folder");
        Endpoint e;
        e.port = fake.port();
        e.tls = "none";
        e.user = "mallory";
        e.password = "not-a-real-password";
        config = s.write_config("fake.toml", e);
    }
    ChildResult run(const std::vector<std::string>& args = {}) {
        ChildOptions o;
        o.timeout = std::chrono::seconds(60);
        return s.sync(args, o, config);
    }
    std::size_t count(const std::string& leaf) {
        std::lock_guard lock(fake.mutex());
        return fake.folders[s.folder(leaf)].messages.size();
    }
    std::size_t local_count(const std::string& leaf) const {
        std::size_t n = 0;
        for (const auto& item : s.local()) n += item.folder == leaf ? 1 : 0;
        return n;
    }
    void expect_other_folder_synced() const { EXPECT_EQ(local_count("Other"), 1U); }

    SyncSetup s;
    FakeImapServer fake;
    std::filesystem::path config;
};

std::string output_of(const ChildResult& r) { return r.output; }

TEST(LyingServer, AppendUidNamingAnExistingUidFailsTheFolderAndNeverDuplicates) {
    Liar l("lie-appenduid");
    ASSERT_EQ(l.run().exit_code, 0);
    l.s.local_deliver("INBOX", "mine", "written locally");
    std::atomic<bool> lying{true};
    l.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (cmd.name != "APPEND" || !lying) return false;
        {
            std::lock_guard lock(l.fake.mutex());
            auto& f = l.fake.folders[l.s.folder("INBOX")];
            FakeMessage m;
            m.uid = f.uidnext++;  // stored under a new UID ...
            m.text = cmd.literals.at(0);
            m.modseq = ++f.highestmodseq;
            f.messages.push_back(std::move(m));
        }
        c.send(cmd.tag + " OK [APPENDUID 1000 1] appended\r\n");  // ... but said to be m1's
        return true;
    };
    auto r = l.run();
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    EXPECT_NE(output_of(r).find("APPENDUID 1000 1"), std::string::npos) << describe(r);
    EXPECT_NE(output_of(r).find("UID 1 already exists"), std::string::npos) << describe(r);
    EXPECT_NE(output_of(r).find("server 127.0.0.1:"), std::string::npos) << describe(r);
    l.expect_other_folder_synced();
    EXPECT_EQ(l.count("INBOX"), 4U);

    lying = false;
    for (int run = 0; run < 2; ++run) {
        auto again = l.run();
        EXPECT_EQ(again.exit_code, 0) << describe(again);
    }
    EXPECT_EQ(l.count("INBOX"), 4U) << "the message was uploaded again";
    EXPECT_EQ(l.local_count("INBOX"), 4U) << "a message was downloaded twice";
}

TEST(LyingServer, TwoMessagesWithOneUidFailTheFolderAlone) {
    Liar l("lie-sameuid");
    l.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (cmd.name != "UID FETCH" || cmd.args.find("1:*") == std::string::npos || c.selected != l.s.folder("INBOX"))
            return false;
        // Messages 2 and 3 both claim UID 2.
        c.send(
            "* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n* 2 FETCH (UID 2 FLAGS ())\r\n* 3 FETCH (UID 2 FLAGS "
            "(\\Flagged))\r\n" +
            cmd.tag + " OK fetched\r\n");
        return true;
    };
    auto r = l.run();
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    EXPECT_NE(output_of(r).find("UID 2 for two messages"), std::string::npos) << describe(r);
    EXPECT_NE(output_of(r).find(l.s.folder("INBOX")), std::string::npos) << describe(r);
    l.expect_other_folder_synced();
    EXPECT_EQ(l.local_count("INBOX"), 0U) << "nothing of a folder with a lying listing is stored";
    auto again = l.run();
    EXPECT_EQ(again.exit_code, 1) << describe(again);
    EXPECT_EQ(l.local_count("INBOX"), 0U);
    EXPECT_EQ(l.count("INBOX"), 3U) << "nothing was uploaded to it";
}

TEST(LyingServer, UidZeroInAFetchFailsTheFolder) {
    Liar l("lie-uidzero");
    l.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (cmd.name != "UID FETCH" || cmd.args.find("1:*") == std::string::npos || c.selected != l.s.folder("INBOX"))
            return false;
        c.send("* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n* 2 FETCH (UID 0 FLAGS ())\r\n* 3 FETCH (UID 3 FLAGS ())\r\n" +
               cmd.tag + " OK fetched\r\n");
        return true;
    };
    auto r = l.run();
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    // Found where every untagged answer is checked (net/uid_check.hpp), before the FETCH is decoded.
    EXPECT_NE(output_of(r).find("the server sent an invalid UID"), std::string::npos) << describe(r);
    EXPECT_NE(output_of(r).find("\"UID 0\""), std::string::npos) << describe(r);
    l.expect_other_folder_synced();
    EXPECT_EQ(l.local_count("INBOX"), 0U);
}

TEST(LyingServer, UidZeroInASearchAnswerIsNeverReadAsExpunges) {
    // CONDSTORE without QRESYNC: deletions are found by UID SEARCH ALL. An answer dropped as
    // malformed would make every message look expunged on the server.
    Liar l("lie-searchzero", "IMAP4rev1 AUTH=PLAIN UIDPLUS CONDSTORE");
    ASSERT_EQ(l.run().exit_code, 0);
    ASSERT_EQ(l.local_count("INBOX"), 3U);
    {
        std::lock_guard lock(l.fake.mutex());
        auto& f = l.fake.folders[l.s.folder("INBOX")];
        f.messages[0].flags = "\\Seen \\Flagged";  // a change, so the folder is looked at
        f.messages[0].modseq = ++f.highestmodseq;
    }
    l.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (cmd.name != "UID SEARCH" || c.selected != l.s.folder("INBOX")) return false;
        c.send("* SEARCH 1 0 3\r\n" + cmd.tag + " OK searched\r\n");
        return true;
    };
    auto r = l.run({"--force"});
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    EXPECT_NE(output_of(r).find("the server sent an invalid UID"), std::string::npos) << describe(r);
    EXPECT_NE(output_of(r).find("\"SEARCH 0\""), std::string::npos) << describe(r);
    EXPECT_EQ(l.local_count("INBOX"), 3U) << "no local message may be deleted because of it";
}

TEST(LyingServer, BodyShorterThanItsSizeIsNotStoredAndFetchedAgainLater) {
    Liar l("lie-shortbody");
    std::atomic<bool> lying{true};
    l.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (!lying || cmd.name != "UID FETCH" || cmd.args.find("BODY.PEEK[]") == std::string::npos) return false;
        std::string out;
        {
            std::lock_guard lock(l.fake.mutex());
            const auto& f = l.fake.folders[c.selected];
            for (std::uint32_t uid : parse_uid_set(cmd.args.substr(0, cmd.args.find(' ')), f)) {
                const auto& m = f.messages.at(uid - 1);
                // m2 arrives cut in half, its RFC822.SIZE still the whole message's.
                const std::string body = uid == 2 ? m.text.substr(0, m.text.size() / 2) : m.text;
                out += "* " + std::to_string(uid) + " FETCH (UID " + std::to_string(uid) + " FLAGS (" + m.flags +
                       ") INTERNALDATE \"03-Jan-2023 10:00:00 +0000\" RFC822.SIZE " + std::to_string(m.text.size()) +
                       " BODY[] " + literal(body) + ")\r\n";
            }
        }
        c.send(out + cmd.tag + " OK fetched\r\n");
        return true;
    };
    auto r = l.run();
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    EXPECT_NE(output_of(r).find("for UID 2 whose RFC822.SIZE is"), std::string::npos) << describe(r);
    EXPECT_NE(output_of(r).find("(truncated)"), std::string::npos) << describe(r);
    EXPECT_EQ(l.local_count("INBOX"), 2U) << "the truncated message must not be stored";
    l.expect_other_folder_synced();

    lying = false;
    auto again = l.run();
    EXPECT_EQ(again.exit_code, 0) << describe(again);
    EXPECT_EQ(l.local_count("INBOX"), 3U);
    EXPECT_EQ(l.count("INBOX"), 3U) << "nothing is uploaded back";
    for (const auto& item : l.s.local())
        if (item.folder == "INBOX") {
            EXPECT_TRUE(item.id == "m1" || item.id == "m2" || item.id == "m3") << item.id;
        }
}

TEST(LyingServer, FolderNamesThatCollideLocallyAreReportedAndNotSynced) {
    Liar l("lie-collide");
    l.fake.folders["INBOX"].add("i1", "the inbox");
    l.fake.folders["Inbox"].add("i2", "a second inbox");
    l.fake.folders["INBOX/Sub"].add("s1", "upper");
    l.fake.folders["inbox/Sub"].add("s2", "lower");
    const std::vector<std::string> args{"--folder",  "INBOX",    "--folder",  "Inbox",    "--folder",
                                        "INBOX/Sub", "--folder", "inbox/Sub", "--folder", l.s.folder("Other")};
    for (int run = 0; run < 2; ++run) {
        auto r = l.run(args);
        EXPECT_EQ(r.exit_code, 1) << describe(r);
        const std::string out = output_of(r);
        EXPECT_NE(out.find("\"INBOX/Sub\" and \"inbox/Sub\" both map to the local folder"), std::string::npos) << out;
        EXPECT_NE(out.find("\"inbox/Sub\" and \"INBOX/Sub\" both map"), std::string::npos) << out;
        EXPECT_NE(out.find("\"Inbox\" and \"INBOX\" both map"), std::string::npos) << out;
        l.expect_other_folder_synced();
        for (const char* name : {"INBOX", "Inbox", "INBOX/Sub", "inbox/Sub"}) {
            std::lock_guard lock(l.fake.mutex());
            EXPECT_EQ(l.fake.folders[name].messages.size(), 1U) << name << " received another folder's mail";
        }
        EXPECT_FALSE(std::filesystem::exists(l.s.maildir() / "INBOX" / "Sub" / "cur")) << "not synced locally";
    }
    EXPECT_EQ(l.fake.received().find("APPEND"), std::string::npos) << "nothing was uploaded anywhere";
}

}  // namespace
}  // namespace mailtwin::test
