// Migrating from another synchronizer: the real mbsync (isync) and offlineimap fill a Maildir from
// the test Dovecot (and upload a few local messages), then the user changes flags on both sides and
// runs mailtwin for the first time, with no state. Every message must pair with its server copy (no
// download, no upload, no deletion, flags merged) although the tools changed the files (X-TUID
// headers, LF line ends, re-serialised MIME), and the second run must do nothing at all.
// Also the migration from mailtwin's own older identity rule (Message-ID and size) in state rows.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <thread>

#include "mailtwin/state/state_db.hpp"
#include "scenario.hpp"

namespace mailtwin::test {
namespace {

const std::vector<std::string> k_leaves = {"INBOX", "Lists/dev", "Archive/2023"};

struct Mail {
    std::string leaf;
    std::string id;  // the Message-ID's local part; "" for a message without one
    std::string text;
    std::string flags;  // IMAP notation
};

std::string header(const std::string& id, const std::string& subject, int n) {
    std::string h = "From: Alice Example <alice@example.org>\nTo: bob@example.org\nSubject: " + subject + "\n";
    if (!id.empty()) h += "Message-ID: <" + id + "@scenario.test>\n";
    return h + "Date: Tue, 3 Jan 2023 10:" + std::to_string(10 + n / 60) + ":" + std::to_string(10 + n % 49) +
           " +0000\n";
}

// A few hundred small messages of the shapes real mail has, spread over three folders. Messages that
// share a Message-ID (or have none) get equal flags so that the sides compare as multisets.
std::vector<Mail> corpus(int count) {
    std::vector<Mail> out;
    const char* flag_sets[] = {"", "\\Seen", "\\Seen \\Flagged", "\\Answered \\Seen", "\\Flagged"};
    for (int i = 0; i < count; ++i) {
        const std::string id = "m" + std::to_string(i);
        const std::string leaf = k_leaves[static_cast<std::size_t>(i) % k_leaves.size()];
        const std::string flags = flag_sets[i % 5];
        switch (i % 8) {
            case 0:
                out.push_back({leaf, id, header(id, "plain " + id, i) + "\nHello,\n\nplain text " + id + ".\n", flags});
                break;
            case 1:
                out.push_back({leaf, id, header(id, "no final newline " + id, i) + "\nno final newline " + id, flags});
                break;
            case 2:
                out.push_back({leaf, id,
                               header(id, "multipart " + id, i) +
                                   "MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"b-" + id +
                                   "\"\n\nThis is a multi-part message in MIME format.\n--b-" + id +
                                   "\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
                                   "Grüße aus Zürich, " +
                                   id + "\n--b-" + id +
                                   "\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
                                   "PGh0bWw+PGJvZHk+R3LDvMOfZTwvYm9keT48L2h0bWw+\n--b-" +
                                   id + "--\n\nepilogue\n",
                               flags});
                break;
            case 3: {
                std::string body;
                for (int line = 0; body.size() < 3000; ++line)
                    body += line % 4 == 0 ? "\n" : "line " + std::to_string(line) + " of " + id + "\n";
                out.push_back({leaf, id, header(id, "long " + id, i) + "\n" + body, flags});
                break;
            }
            case 4:
                // No Message-ID (a draft, some automated mail): Date, From, Subject and body identify it.
                out.push_back(
                    {leaf, "", header("", "no message-id " + id, i) + "\nwithout an id " + id + "\n", "\\Seen"});
                break;
            case 5:
                out.push_back({leaf, id,
                               header(id, "trailing blanks " + id, i) + "\ntrailing spaces   \nand tabs\t\n\n\n\n",
                               flags});
                break;
            case 6:
                out.push_back({leaf, id,
                               header(id,
                                      "=?utf-8?q?Gr=C3=BC=C3=9Fe?= and a subject long enough to be folded by some "
                                      "programs, " +
                                          id,
                                      i) +
                                   "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
                                   "Ünïcödé body of " +
                                   id + "\n",
                               flags});
                break;
            default: {
                // A draft saved twice: the same Message-ID as the message 7 before, another body.
                const std::string shared = "m" + std::to_string(i - 7);
                const auto& first = out[static_cast<std::size_t>(i - 7)];
                out.push_back({first.leaf, shared,
                               header(shared, "plain " + shared, i - 7) + "\nHello,\n\nsecond version.\n",
                               first.flags});
                break;
            }
        }
    }
    // Two byte-identical copies of one message in one folder stay two.
    out.push_back({"INBOX", "twin", header("twin", "twin", 1) + "\nthe same bytes twice\n", "\\Seen"});
    out.push_back(out.back());
    return out;
}

using Contents = std::map<std::string, std::multiset<std::pair<std::string, std::string>>>;

Contents as_sets(const SideContents& side) {
    Contents out;
    for (const auto& [leaf, messages] : side)
        for (const auto& [id, flags] : messages) out[leaf].emplace(id == "?" ? "" : id, flags);  // no Message-ID
    return out;
}

std::size_t count(const Contents& c) {
    std::size_t n = 0;
    for (const auto& [leaf, messages] : c) n += messages.size();
    return n;
}

std::set<std::string> all_files(const std::filesystem::path& dir) {
    std::set<std::string> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
        if (e.is_regular_file()) out.insert(e.path().string());
    return out;
}

std::string flags_with(std::string flags, const std::string& flag) {
    if (flags.find(flag) == std::string::npos) flags += (flags.empty() ? "" : " ") + flag;
    return flags;
}

class Migration : public ::testing::Test {
protected:
    // Fills the server, delivers a few messages into the Maildir the tool will upload, runs the tool.
    void fill(Scenario& s, const std::function<void()>& run_tool) {
        for (const auto& leaf : k_leaves) s.server_create(leaf);
        for (const auto& m : m_mail) s.server_append_text(m.leaf, m.text, m.flags);
        for (const auto& leaf : k_leaves) {
            for (const char* sub : {"cur", "new", "tmp"}) std::filesystem::create_directories(s.local_dir(leaf) / sub);
            for (int i = 0; i < k_local_only; ++i)
                s.local_deliver(leaf, "local-" + std::to_string(i) + "-" + leaf.substr(0, 4), i == 0 ? "S" : "");
        }
        run_tool();
        // The tool converged both sides (its own way).
        const std::size_t total = m_mail.size() + k_leaves.size() * k_local_only;
        ASSERT_EQ(count(as_sets(s.server())), total);
        ASSERT_EQ(count(as_sets(s.local())), total);
    }

    // Flags changed after the tool's last run, on each side and on both: the first mailtwin run has
    // no base, so every flag set on one side is set on both afterwards.
    void change_flags(Scenario& s) {
        // Unique Message-IDs only (the helpers find a message by it): kinds 1, 3, 5 and 6 of corpus().
        int changed = 0;
        for (std::size_t i = 0; i < m_mail.size() && changed < 24; ++i) {
            const auto& m = m_mail[i];
            if (i % 8 != 1 && i % 8 != 3 && i % 8 != 5 && i % 8 != 6) continue;
            const std::size_t step = i % 3;
            if (step == 0) {
                s.server_flags(m.leaf, m.id, "\\Flagged", "");
            } else if (step == 1) {
                s.local_rename_flags(m.leaf, m.id, "RS");
            } else {
                s.server_flags(m.leaf, m.id, "\\Flagged", "");
                s.local_rename_flags(m.leaf, m.id, "S");
            }
            ++changed;
        }
    }

    void expect_first_run_pairs_everything(Scenario& s) {
        const auto server_before = as_sets(s.server());
        const auto local_before = as_sets(s.local());
        const std::size_t total = count(server_before);

        auto first = s.sync();
        ASSERT_EQ(first.exit_code, 0) << first.output;
        // Nothing copied or deleted: every message matched its counterpart.
        EXPECT_EQ(first.output.find('+'), std::string::npos) << first.output;
        EXPECT_EQ(first.output.find("expunged"), std::string::npos) << first.output;
        EXPECT_EQ(matched_in_folder_lines(first.output), total) << first.output;

        // Flags merged (set wins), and no copy more or less on either side.
        const auto server_after = as_sets(s.server());
        const auto local_after = as_sets(s.local());
        EXPECT_EQ(server_after, local_after);
        EXPECT_EQ(count(server_after), total);
        EXPECT_EQ(count(local_after), count(local_before));
        expect_union(server_before, local_before, server_after);

        // The second run is a no-op: no file touched, no server change.
        const auto files = all_files(s.maildir());
        const auto modseqs = s.server_modseqs();
        auto second = s.sync();
        ASSERT_EQ(second.exit_code, 0) << second.output;
        std::istringstream lines(second.output);
        for (std::string line; std::getline(lines, line);) EXPECT_TRUE(line.ends_with(": unchanged")) << second.output;
        EXPECT_EQ(all_files(s.maildir()), files);
        EXPECT_EQ(s.server_modseqs(), modseqs);
    }

    // Every message with a unique id ends with the union of the flags its two copies had.
    static void expect_union(const Contents& server, const Contents& local, const Contents& after) {
        for (const auto& [leaf, messages] : after) {
            std::map<std::string, std::size_t> seen;
            for (const auto& [id, flags] : messages) ++seen[id];
            for (const auto& [id, flags] : messages) {
                if (seen[id] != 1) continue;
                auto find = [&](const Contents& c) {
                    for (const auto& [i, f] : c.at(leaf))
                        if (i == id) return f;
                    return std::string("?");
                };
                std::string expected = find(server);
                std::istringstream local_flags(find(local));
                for (std::string f; local_flags >> f;) expected = flags_with(expected, f);
                std::set<std::string> want, got;
                std::istringstream w(expected), g(flags);
                for (std::string f; w >> f;) want.insert(f);
                for (std::string f; g >> f;) got.insert(f);
                EXPECT_EQ(got, want) << leaf << " " << id;
            }
        }
    }

    static constexpr int k_local_only = 3;  // per folder: delivered locally, uploaded by the tool
    std::vector<Mail> m_mail = corpus(240);
};

TEST_F(Migration, FromMbsyncPairsEveryMessage) {
    ASSERT_EQ(std::system("command -v mbsync >/dev/null"), 0) << "mbsync missing: run contrib/install-deps.sh (isync)";
    Scenario s("mig-mbsync");
    const auto& d = dovecot();
    const auto rc = s.state_dir().parent_path() / "mbsyncrc";
    std::ofstream(rc)
        << "IMAPAccount test\nHost " << d.host << "\nPort " << d.tls_port << "\nUser " << d.user << "\nPass "
        << d.password << "\nSSLType IMAPS\nCertificateFile " << d.ca_file.string()
        << "\n\nIMAPStore remote\nAccount test\n\nMaildirStore local\nPath " << s.maildir().string() << "/\nInbox "
        << (s.maildir() / "INBOX").string()
        << "\nSubFolders Verbatim\n\nChannel test\nFar :remote:\nNear :local:\nPatterns \"E-mig-mbsync/*\""
           "\nCreate Both\nSyncState *\n";
    fill(s, [&] {
        auto r = run_command("mbsync -c '" + rc.string() + "' -a 2>&1");
        ASSERT_EQ(r.exit_code, 0) << r.output;
    });
    // What makes the migration hard: mbsync stored every message with an X-TUID header and LF ends.
    bool tuid = false;
    for (const auto& e : std::filesystem::recursive_directory_iterator(s.local_dir("Lists/dev"))) {
        if (!e.is_regular_file() || e.path().filename().string().front() == '.') continue;
        std::ifstream in(e.path(), std::ios::binary);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        tuid = tuid || text.find("\nX-TUID: ") != std::string::npos;
        EXPECT_EQ(text.find('\r'), std::string::npos) << e.path();
    }
    EXPECT_TRUE(tuid);
    change_flags(s);
    expect_first_run_pairs_everything(s);
}

TEST_F(Migration, FromOfflineimapPairsEveryMessage) {
    ASSERT_EQ(std::system("command -v offlineimap >/dev/null"), 0)
        << "offlineimap missing: run contrib/install-deps.sh (offlineimap3)";
    // A server without UIDPLUS (and the other extensions): offlineimap then marks what it uploads
    // with an X-OfflineIMAP header, on the server's copy only.
    const auto& d = engine_server("degraded");
    Scenario s("mig-offlineimap", "", d);
    const auto dir = s.state_dir().parent_path();
    const auto rc = dir / "offlineimaprc";
    std::ofstream(rc) << "[general]\naccounts = test\nmetadata = " << (dir / "offlineimap").string()
                      << "\n\n[Account test]\nlocalrepository = local\nremoterepository = remote\n\n"
                         "[Repository local]\ntype = Maildir\nlocalfolders = "
                      << s.maildir().string()
                      << "\nsep = /\n\n[Repository remote]\ntype = IMAP\nremotehost = " << d.host
                      << "\nremoteport = " << d.tls_port << "\nremoteuser = " << d.user
                      << "\nremotepass = " << d.password << "\nssl = yes\nsslcacertfile = " << d.ca_file.string()
                      << "\nfolderfilter = lambda f: f.startswith('E-mig-offlineimap/')\n";
    fill(s, [&] {
        auto r = run_command("offlineimap -c '" + rc.string() + "' -o -u basic 2>&1");
        ASSERT_EQ(r.exit_code, 0) << r.output;
    });
    // The server's copies of what offlineimap uploaded carry the header, the local files do not.
    std::size_t marked = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(d.mail_root / d.user)) {
        if (!e.is_regular_file() || e.path().string().find("mig-offlineimap") == std::string::npos) continue;
        std::ifstream in(e.path(), std::ios::binary);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (text.find("\nX-OfflineIMAP: ") != std::string::npos) ++marked;
    }
    EXPECT_EQ(marked, k_leaves.size() * k_local_only);
    change_flags(s);
    expect_first_run_pairs_everything(s);
}

// Makes the folder's state rows look as a mailtwin before the body hash wrote them: the identity was
// the Message-ID hash (the same bytes as now) and the size, with no content hash.
void to_rows_of_the_old_rule(const Scenario& s, const std::string& leaf) {
    auto db = state::StateDb::open(s.state_dir() / "state.mdb");
    ASSERT_TRUE(db) << db.error().describe();
    std::vector<state::MessageRecord> rows;
    ASSERT_TRUE(db->for_each_message("test", s.folder(leaf), [&](const state::MessageRecord& r) {
        rows.push_back(r);
        return true;
    }));
    ASSERT_FALSE(rows.empty());
    ASSERT_TRUE(db->write([&](state::WriteTxn& txn) -> util::Expected<void> {
        for (auto row : rows) {
            EXPECT_TRUE(row.content_hash.has_value());
            row.content_hash.reset();
            if (auto r = db->put_message(txn, "test", s.folder(leaf), row); !r) return r;
        }
        return {};
    }));
}

std::map<std::string, ino_t> inodes(const Scenario& s, const std::string& leaf) {
    std::map<std::string, ino_t> out;
    for (const char* sub : {"cur", "new"}) {
        if (!std::filesystem::exists(s.local_dir(leaf) / sub)) continue;
        for (const auto& e : std::filesystem::directory_iterator(s.local_dir(leaf) / sub)) {
            struct stat st {};
            ::stat(e.path().c_str(), &st);
            out[e.path().filename().string().substr(0, e.path().filename().string().find(':'))] = st.st_ino;
        }
    }
    return out;
}

// Rows of the old rule are never compared with new identities; where one is needed (here: a
// UIDVALIDITY change while the Maildir is unchanged, so the local copies are known only by their
// rows) it is computed again from the file, and nothing is downloaded or uploaded again.
TEST(IdentityUpgrade, RowsOfTheOldRuleAreRecomputedNotComparedNorDuplicated) {
    Scenario s("id-upgrade");
    s.server_create("INBOX");
    for (int i = 0; i < 4; ++i) s.server_append("INBOX", "u" + std::to_string(i), i % 2 ? "\\Seen" : "");
    ASSERT_EQ(s.sync().exit_code, 0);
    to_rows_of_the_old_rule(s, "INBOX");
    const auto before = inodes(s, "INBOX");
    // Past the racy window of the directory stamps, so that the next runs see the Maildir unchanged
    // and know its files only by their rows.
    std::this_thread::sleep_for(std::chrono::milliseconds(3000));
    auto noop = s.sync();
    ASSERT_EQ(noop.exit_code, 0) << noop.output;
    EXPECT_EQ(noop.output, "") << "a run that changes nothing prints nothing";

    s.server_recreate("INBOX");
    for (int i = 0; i < 4; ++i) s.server_append("INBOX", "u" + std::to_string(i), i % 2 ? "\\Seen" : "");
    auto r = s.sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("matched 4"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find('+'), std::string::npos) << r.output;
    EXPECT_EQ(inodes(s, "INBOX"), before);
    EXPECT_EQ(as_sets(s.server()), as_sets(s.local()));
    EXPECT_EQ(count(as_sets(s.server())), 4u);
}

// A message another client moves on the server is one local rename, also when its row is of the old
// rule: the identity of the file it left behind is computed to find it in the target folder.
TEST(IdentityUpgrade, ServerMoveOfAMessageWithARowOfTheOldRuleIsARename) {
    Scenario s("id-upgrade-move");
    s.server_create("INBOX");
    s.server_create("Archive");
    for (int i = 0; i < 3; ++i) s.server_append("INBOX", "v" + std::to_string(i), "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    to_rows_of_the_old_rule(s, "INBOX");
    const auto before = inodes(s, "INBOX");
    s.server_move("INBOX", "Archive", "v1");
    auto r = s.sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output.find('+'), std::string::npos) << r.output;
    const auto archived = inodes(s, "Archive");
    ASSERT_EQ(archived.size(), 1u) << r.output;
    EXPECT_EQ(inodes(s, "INBOX").size(), 2u);
    bool renamed = false;
    for (const auto& [key, inode] : before) renamed = renamed || archived.begin()->second == inode;
    EXPECT_TRUE(renamed) << "the file was downloaded again instead of renamed: " << r.output;
    EXPECT_EQ(as_sets(s.server()), as_sets(s.local()));
}

// A download interrupted under the old rule: its intent row (UID, no key) has no usable identity, the
// file was delivered, the server did not change since (planned without a SELECT). The identity of
// the server's copy is fetched for the row, and the file pairs with it: no second download.
TEST(IdentityUpgrade, InterruptedDownloadOfTheOldRuleOnAnUnchangedServerPairsItsFile) {
    Scenario s("id-upgrade-intent");
    s.server_create("INBOX");
    for (int i = 0; i < 3; ++i) s.server_append("INBOX", "w" + std::to_string(i), "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    {
        auto db = state::StateDb::open(s.state_dir() / "state.mdb");
        ASSERT_TRUE(db) << db.error().describe();
        std::vector<state::MessageRecord> rows;
        ASSERT_TRUE(db->for_each_message("test", s.folder("INBOX"), [&](const state::MessageRecord& r) {
            rows.push_back(r);
            return true;
        }));
        ASSERT_EQ(rows.size(), 3u);
        ASSERT_TRUE(db->write([&](state::WriteTxn& txn) -> util::Expected<void> {
            state::MessageRecord intent = rows.front();
            if (auto r = db->erase_message(txn, "test", s.folder("INBOX"), intent.uid); !r)
                return util::unexpected(std::move(r).error());
            intent.local_key.clear();
            intent.content_hash.reset();
            return db->put_message(txn, "test", s.folder("INBOX"), intent);
        }));
    }
    const auto before = inodes(s, "INBOX");
    auto r = s.sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("matched 1"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find('+'), std::string::npos) << r.output;
    EXPECT_EQ(inodes(s, "INBOX"), before);
    EXPECT_EQ(count(as_sets(s.server())), 3u);
    EXPECT_EQ(as_sets(s.server()), as_sets(s.local()));
    auto again = s.sync();
    ASSERT_EQ(again.exit_code, 0) << again.output;
    EXPECT_EQ(again.output.find('+'), std::string::npos) << again.output;
}

}  // namespace
}  // namespace mailtwin::test
