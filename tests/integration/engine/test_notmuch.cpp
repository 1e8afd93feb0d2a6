// notmuch with the real notmuch 0.37 over the synced Maildir, each test with a notmuch configuration
// of its own (NOTMUCH_CONFIG) and the database in the Maildir root, as a notmuch user has it:
//   - notmuch_tags = true: IMAP keywords become tags and tags keywords, three ways, so a removal on
//     either side sticks and no keyword is lost; notmuch's own tags never reach the server; failures
//     of notmuch fail the tag step only, with what to do, and the mail is synced all the same.
//   - without it, the README's wrapper (contrib/notmuch/mailtwin-notmuch) keeps notmuch current after
//     server-side flag changes, moves and expunges, and the README's [new] ignore keeps notmuch new
//     quiet about mailtwin's files.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "fixtures/run_command.hpp"
#include "fixtures/temp_dir.hpp"
#include "scenario.hpp"

namespace mailtwin::test {
namespace {

namespace fs = std::filesystem;

// [new] ignore as the README documents it: mailtwin's keyword tables and the files it writes them
// through.
constexpr const char* k_documented_ignore = "dovecot-keywords;/\\.mailtwin-tmp$/";
const fs::path k_wrapper = fs::path(MAILTWIN_SOURCE_DIR) / "contrib/notmuch/mailtwin-notmuch";

std::string read_text(const fs::path& p) {
    std::ifstream in(p);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::set<std::string> lines_of(const std::string& text) {
    std::set<std::string> out;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) out.insert(line);
    return out;
}

// A notmuch configuration of the test's own over `mail_root`, set up the way the README says.
class Notmuch {
public:
    explicit Notmuch(const fs::path& mail_root, const std::string& ignore = k_documented_ignore)
        : m_dir("mailtwin-notmuch") {
        std::ofstream(config()) << "[database]\npath=" << mail_root.string() << "\n\n[new]\ntags=unread;inbox;\n"
                                << (ignore.empty() ? "" : "ignore=" + ignore + "\n")
                                << "\n[maildir]\nsynchronize_flags=true\n";
    }
    [[nodiscard]] fs::path config() const { return m_dir / "notmuch-config"; }
    [[nodiscard]] std::string env() const { return "NOTMUCH_CONFIG=" + config().string(); }
    // notmuch with `args` (quoted by the caller where the shell must not touch them).
    [[nodiscard]] RunResult run(const std::string& args) const { return run_command(env() + " notmuch " + args); }
    [[nodiscard]] std::set<std::string> tags(const std::string& id) const {
        return lines_of(run("search --output=tags --exclude=false id:" + id + "@scenario.test").output);
    }
    [[nodiscard]] std::set<std::string> files(const std::string& id) const {
        return lines_of(run("search --output=files --exclude=false id:" + id + "@scenario.test").output);
    }
    void tag(const std::string& changes, const std::string& id) const {
        auto r = run("tag " + changes + " -- id:" + id + "@scenario.test 2>&1");
        ASSERT_EQ(r.exit_code, 0) << r.output;
    }

private:
    TempDir m_dir;
};

// The keywords of scenario message `id` on the server, read over a connection of its own.
std::set<std::string> server_keywords(const Scenario& s, const std::string& leaf, const std::string& id) {
    const auto seen = look_at_folder(dovecot(), s.folder(leaf), id);
    return seen.flags ? seen.flags->keywords : std::set<std::string>{"(missing)"};
}

using Names = std::set<std::string>;

// notmuch_tags = true on a scenario, synced with the test's notmuch configuration, whose mail root is
// the Maildir itself ("maildir") or the directory above it ("above": the account is path:Mail/**).
class NotmuchTags : public ::testing::TestWithParam<std::string> {
protected:
    NotmuchTags()
        : s("nmtags", "notmuch_tags = true\nnotmuch_ignore_tags = [\"private\"]\n"),
          notmuch(GetParam() == "above" ? s.maildir().parent_path() : s.maildir()) {}
    RunResult sync(const std::string& env = "") { return s.sync("", notmuch.env() + " " + env); }
    Scenario s;
    Notmuch notmuch;
};

TEST_P(NotmuchTags, KeywordsOnTheServerBecomeTags) {
    s.server_create("INBOX");
    s.server_append("INBOX", "k1", "\\Seen Work $Label1");
    s.server_append("INBOX", "k2", "");
    auto r = sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(notmuch.tags("k1"), (Names{"$Label1", "Work", "inbox"})) << "\\Seen: no unread";
    EXPECT_EQ(notmuch.tags("k2"), (Names{"inbox", "unread"}));
    // notmuch's own tags never reach the server: k2's inbox and unread stay in notmuch.
    r = sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(server_keywords(s, "INBOX", "k2"), Names{});
    EXPECT_EQ(server_keywords(s, "INBOX", "k1"), (Names{"$Label1", "Work"}));
}

TEST_P(NotmuchTags, TagAddedInNotmuchBecomesAKeywordOnTheServer) {
    s.server_create("INBOX");
    s.server_append("INBOX", "k1", "\\Seen");
    ASSERT_EQ(sync().exit_code, 0);
    notmuch.tag("+Urgent +todo +'has space' +private", "k1");
    auto r = sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(server_keywords(s, "INBOX", "k1"), (Names{"Urgent", "todo"}))
        << "a tag that is no IMAP atom, and one of notmuch_ignore_tags, stay in notmuch";
    EXPECT_EQ(notmuch.tags("k1"), (Names{"Urgent", "has space", "inbox", "private", "todo"}));
    EXPECT_EQ(s.server(), s.local());
}

TEST_P(NotmuchTags, TagRemovedInNotmuchRemovesTheKeyword) {
    s.server_create("INBOX");
    s.server_append("INBOX", "one", "\\Seen Work");  // its only keyword: local_keywords = "auto" would keep it
    s.server_append("INBOX", "two", "\\Seen Work Home");
    ASSERT_EQ(sync().exit_code, 0);
    ASSERT_EQ(notmuch.tags("one"), (Names{"Work", "inbox"}));
    notmuch.tag("-Work", "one");
    notmuch.tag("-Home", "two");
    auto r = sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(server_keywords(s, "INBOX", "one"), Names{});
    EXPECT_EQ(server_keywords(s, "INBOX", "two"), Names{"Work"});
    // The removals stick: nothing brings the keywords back.
    ASSERT_EQ(sync().exit_code, 0);
    EXPECT_EQ(notmuch.tags("one"), Names{"inbox"});
    EXPECT_EQ(notmuch.tags("two"), (Names{"Work", "inbox"}));
    EXPECT_EQ(server_keywords(s, "INBOX", "one"), Names{});
}

TEST_P(NotmuchTags, KeywordRemovedOnTheServerRemovesTheTag) {
    s.server_create("INBOX");
    s.server_append("INBOX", "k1", "\\Seen Work Home");
    ASSERT_EQ(sync().exit_code, 0);
    s.server_flags("INBOX", "k1", "", "Work");
    auto r = sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(notmuch.tags("k1"), (Names{"Home", "inbox"}));
    ASSERT_EQ(sync().exit_code, 0);
    EXPECT_EQ(server_keywords(s, "INBOX", "k1"), Names{"Home"});
}

TEST_P(NotmuchTags, BothSidesChangedDifferentKeywordsAndBothChangesAreKept) {
    s.server_create("INBOX");
    s.server_append("INBOX", "k1", "\\Seen Work Old");
    ASSERT_EQ(sync().exit_code, 0);
    s.server_flags("INBOX", "k1", "Phone", "Old");  // another client: +Phone -Old
    notmuch.tag("+Laptop -Work", "k1");             // notmuch: +Laptop -Work
    auto r = sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    // Before the mail sync the tags went into the file's letters, after it the server's keywords into tags.
    EXPECT_NE(r.output.find("test: notmuch: tags +0 -0, keywords +1 -1"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("test: notmuch: tags +1 -1, keywords +0 -0"), std::string::npos) << r.output;
    EXPECT_EQ(server_keywords(s, "INBOX", "k1"), (Names{"Laptop", "Phone"}));
    EXPECT_EQ(notmuch.tags("k1"), (Names{"Laptop", "Phone", "inbox"}));
    // Settled: one more sync changes nothing on either side.
    r = sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output.find("notmuch:"), std::string::npos) << r.output;
    EXPECT_EQ(server_keywords(s, "INBOX", "k1"), (Names{"Laptop", "Phone"}));
}

TEST_P(NotmuchTags, DownloadedCopyInAnotherFolderKeepsItsKeywords) {
    // A message new to the tag sync has no base: its keywords and tags are merged, none removed,
    // also when notmuch indexes it for the first time with only new.tags.
    s.server_create("INBOX");
    s.server_create("Archive");
    s.server_append("INBOX", "k1", "\\Seen Work");
    ASSERT_EQ(sync().exit_code, 0);
    s.server_append("Archive", "k2", "\\Seen Project");
    s.server_move("INBOX", "Archive", "k1");
    auto r = sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(server_keywords(s, "Archive", "k1"), Names{"Work"});
    EXPECT_EQ(server_keywords(s, "Archive", "k2"), Names{"Project"});
    EXPECT_EQ(notmuch.tags("k1"), (Names{"Work", "inbox"}));
    EXPECT_EQ(notmuch.tags("k2"), (Names{"Project", "inbox"}));
}

INSTANTIATE_TEST_SUITE_P(MailRoot, NotmuchTags, ::testing::Values("maildir", "above"),
                         [](const auto& param_info) { return std::string(param_info.param); });

TEST(NotmuchTagsFailure, NotmuchNotInstalledFailsTheTagStepOnly) {
    Scenario s("nmfail", "notmuch_tags = true\n");
    const Notmuch notmuch(s.maildir());
    s.server_create("INBOX");
    s.server_append("INBOX", "k1", "\\Seen Work");
    auto r = s.sync("", notmuch.env() + " PATH=/nonexistent");
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("notmuch is not installed"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("apt install notmuch"), std::string::npos) << r.output;
    EXPECT_EQ(s.local(), s.server()) << "the mail is synced all the same";
    // Once notmuch is there, the next sync catches up.
    r = s.sync("", notmuch.env());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(notmuch.tags("k1"), (Names{"Work", "inbox"}));
}

TEST(NotmuchTagsFailure, MaildirOutsideTheNotmuchRootIsExplained) {
    Scenario s("nmfail", "notmuch_tags = true\n");
    TempDir elsewhere("mailtwin-notmuch-root");
    const Notmuch other(elsewhere.path());
    s.server_create("INBOX");
    s.server_append("INBOX", "k1", "\\Seen Work");
    auto r = s.sync("", other.env());
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("is not under notmuch's mail root " + elsewhere.path().string()), std::string::npos)
        << r.output;
    EXPECT_EQ(s.local(), s.server());
    r = s.sync("", "NOTMUCH_CONFIG=" + (elsewhere / "missing-config").string());
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("notmuch has no configuration"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("notmuch setup"), std::string::npos) << r.output;
}

TEST(NotmuchTagsConfig, NeedsKeywordLettersThatStayRemoved) {
    // A removed tag removes a letter, which local_keywords = "auto" or "dropped" would take for a
    // mail reader dropping it: refused with the way out, as is keywords = "ignore".
    for (const std::string bad : {"local_keywords = \"auto\"\n", "keywords = \"ignore\"\n"}) {
        Scenario s("nmconf", "notmuch_tags = true\n" + bad);
        auto r = s.sync();
        EXPECT_EQ(r.exit_code, 2) << r.output;
        EXPECT_NE(r.output.find("notmuch_tags"), std::string::npos) << r.output;
    }
}

// Without notmuch_tags: the shipped wrapper runs notmuch new after every run that synced, so a flag
// changed, a message moved or expunged on the server reaches notmuch (the README's earlier wrapper
// indexed only when mail was copied, leaving old tags and dead paths).
TEST(NotmuchWrapper, ServerSideChangesReachNotmuch) {
    Scenario s("nmwrap");
    const Notmuch notmuch(s.maildir());
    const std::string path = "PATH=" + fs::path(MAILTWIN_BINARY).parent_path().string() + ":$PATH";
    auto wrapper = [&] {
        return run_command(notmuch.env() + " " + path + " sh " + k_wrapper.string() + " --config " +
                           s.config().string() + " 2>&1");
    };
    s.server_create("INBOX");
    s.server_create("Archive");
    for (const char* id : {"flagme", "moveme", "dropme"}) s.server_append("INBOX", id, "");
    auto r = wrapper();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    ASSERT_EQ(notmuch.tags("flagme"), (Names{"inbox", "unread"}));

    s.server_flags("INBOX", "flagme", "\\Seen \\Flagged", "");  // no mail copied by the next run
    s.server_move("INBOX", "Archive", "moveme");
    s.server_expunge("INBOX", "dropme");
    r = wrapper();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(notmuch.tags("flagme"), (Names{"flagged", "inbox"}));
    const auto moved = notmuch.files("moveme");
    ASSERT_EQ(moved.size(), 1u);
    EXPECT_NE(moved.begin()->find("/E-nmwrap/Archive/"), std::string::npos) << *moved.begin();
    EXPECT_EQ(notmuch.run("count --exclude=false id:dropme@scenario.test").output, "0\n");

    // The README shows the shipped script's command lines, word for word.
    const std::string readme = read_text(fs::path(MAILTWIN_SOURCE_DIR) / "README.md");
    for (const auto& line : lines_of(read_text(k_wrapper))) {
        if (line[0] == '#') continue;
        EXPECT_NE(readme.find(line), std::string::npos) << "README lacks: " << line;
    }
}

// notmuch new after a sync, with and without the README's [new] ignore: it warns about mailtwin's
// keyword tables without it, and about none of mailtwin's files with it.
TEST(NotmuchWrapper, DocumentedIgnoreKeepsNotmuchNewQuiet) {
    Scenario s("nmquiet");
    s.server_create("INBOX");
    s.server_create("Lists/dev");
    s.server_append("INBOX", "k1", "\\Seen Work");
    s.server_append("Lists/dev", "k2", "$Label1");
    ASSERT_EQ(s.sync().exit_code, 0);
    const Notmuch plain(s.maildir(), "");
    auto r = plain.run("new 2>&1");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("Ignoring non-mail file: " + (s.local_dir("INBOX") / "dovecot-keywords").string()),
              std::string::npos)
        << "without [new] ignore notmuch warns about dovecot-keywords; if not, this test proves nothing\n"
        << r.output;

    fs::remove_all(s.maildir() / ".notmuch");
    const Notmuch documented(s.maildir());
    r = documented.run("new 2>&1");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output.find("Ignoring"), std::string::npos) << r.output;
    EXPECT_EQ(documented.run("count --exclude=false '*'").output, "2\n");
    EXPECT_NE(read_text(fs::path(MAILTWIN_SOURCE_DIR) / "README.md").find(std::string("ignore=") + k_documented_ignore),
              std::string::npos)
        << "the README documents this ignore line";
}

}  // namespace
}  // namespace mailtwin::test
