// mu (maildir-utils 1.8), driven the way mu4e drives it: `mu server` and its `(move :msgid ...
// :flags ...)` command, which renames the file with the new flags and drops every keyword letter
// it does not know. The server's keywords must survive that (local_keywords = "auto"), and the
// letters come back into the file. Run on every server of the engine suite.
#include <gtest/gtest.h>

#include <fstream>

#include "fixtures/imap_test_util.hpp"
#include "fixtures/run_awaitable.hpp"
#include "mailtwin/maildir/filename.hpp"
#include "scenario.hpp"

namespace mailtwin::test {
namespace {

class ReaderKeywords : public ::testing::TestWithParam<std::string> {
protected:
    const DovecotInfo& server() { return engine_server(GetParam()); }
};

// The flags (keywords included) of the message `id` in `folder`, read over a connection of its own.
std::string server_flags_of(const DovecotInfo& d, const std::string& folder, const std::string& id) {
    const auto seen = look_at_folder(d, folder, id);
    return seen.flags ? seen.flags->to_imap() : std::string("(missing)");
}

// The file holding message `id` in folder_dir's cur/ or new/, and its flag letters ("FSab").
struct LocalFile {
    std::filesystem::path path;
    std::string letters;
};
LocalFile local_file(const std::filesystem::path& folder_dir, const std::string& id) {
    for (const char* sub : {"cur", "new"})
        for (const auto& e : std::filesystem::directory_iterator(folder_dir / sub)) {
            std::ifstream in(e.path(), std::ios::binary);
            std::string text((std::istreambuf_iterator<char>(in)), {});
            if (text.find("<" + id + "@scenario.test>") == std::string::npos) continue;
            auto name = maildir::parse_file_name(e.path().filename().string());
            return {e.path(), name ? name->flags.letters() : "(unparsable)"};
        }
    return {};
}

// mu as mu4e uses it: index the Maildir, then one command to the mu server.
RunResult mu(const std::filesystem::path& muhome, const std::filesystem::path& maildir, const std::string& command) {
    const std::string home = " --muhome=" + muhome.string();
    if (!std::filesystem::exists(muhome / "xapian")) {
        auto init = run_command("mu init -q" + home + " --maildir=" + maildir.string() + " 2>&1");
        if (init.exit_code != 0) return init;
    }
    auto index = run_command("mu index -q" + home + " 2>&1");
    if (index.exit_code != 0) return index;
    return run_command("printf '%s\\n(quit)\\n' '" + command + "' | mu server" + home + " 2>&1");
}

TEST_P(ReaderKeywords, MuFlaggingAMessageKeepsItsServerKeywords) {
    Scenario s("mukw", "", server());
    s.server_create("INBOX");
    s.server_append("INBOX", "k1", "\\Seen $Label1 Work");
    s.server_append("INBOX", "k2", "\\Seen");
    auto first = s.sync();
    ASSERT_EQ(first.exit_code, 0) << first.output;
    const auto before = local_file(s.local_dir("INBOX"), "k1");
    ASSERT_EQ(before.letters.size(), 3u) << "S and two keyword letters expected, got " << before.letters;

    // mu4e's "flag" on k1: mu renames the file with F added, and drops the keyword letters.
    TempDir muhome("mailtwin-muhome");
    auto moved = mu(muhome.path(), s.maildir(), "(move :msgid \"k1@scenario.test\" :flags \"+F\")");
    ASSERT_EQ(moved.exit_code, 0) << moved.output;
    ASSERT_NE(moved.output.find(":update"), std::string::npos) << moved.output;
    EXPECT_FALSE(std::filesystem::exists(before.path)) << "mu did not rename the file";
    ASSERT_EQ(local_file(s.local_dir("INBOX"), "k1").letters, "FS")
        << "mu 1.8 drops keyword letters; if it keeps them now, this test proves nothing";

    auto second = s.sync();
    ASSERT_EQ(second.exit_code, 0) << second.output;
    EXPECT_EQ(server_flags_of(server(), s.folder("INBOX"), "k1"), "\\Flagged \\Seen $Label1 Work")
        << "the flag mu set reaches the server, the keywords mu dropped stay there";
    EXPECT_EQ(server_flags_of(server(), s.folder("INBOX"), "k2"), "\\Seen");
    const std::string restored = local_file(s.local_dir("INBOX"), "k1").letters;
    EXPECT_EQ(restored.substr(0, 2), "FS");
    EXPECT_EQ(restored.size(), 4u) << "the keyword letters are written back: " << restored;

    // Idempotent: nothing left to do, the keywords still there; mu can index the renamed file.
    auto third = s.sync();
    ASSERT_EQ(third.exit_code, 0) << third.output;
    EXPECT_EQ(server_flags_of(server(), s.folder("INBOX"), "k1"), "\\Flagged \\Seen $Label1 Work");
    auto unflag = mu(muhome.path(), s.maildir(), "(move :msgid \"k1@scenario.test\" :flags \"-F\")");
    ASSERT_EQ(unflag.exit_code, 0) << unflag.output;
    ASSERT_EQ(s.sync().exit_code, 0);
    EXPECT_EQ(server_flags_of(server(), s.folder("INBOX"), "k1"), "\\Seen $Label1 Work");
}

TEST_P(ReaderKeywords, AReaderThatKeepsLettersRemovesOneKeyword) {
    // neomutt keeps the letters it does not know; a letter-aware tool (here: a rename, as Dovecot
    // would do it) removing one of two keywords is a removal the server follows.
    Scenario s("keepkw", "", server());
    s.server_create("INBOX");
    s.server_append("INBOX", "k1", "\\Seen $Label1 Work");
    ASSERT_EQ(s.sync().exit_code, 0);
    std::ifstream keywords(s.local_dir("INBOX") / "dovecot-keywords");
    std::string table((std::istreambuf_iterator<char>(keywords)), {});
    const char work_letter = table.find("0 Work") != std::string::npos ? 'a' : 'b';
    s.local_rename_flags("INBOX", "k1", std::string("S") + work_letter);  // $Label1's letter removed
    auto r = s.sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(server_flags_of(server(), s.folder("INBOX"), "k1"), "\\Seen Work");
}

TEST_P(ReaderKeywords, KeptTakesEveryLetterRemovalAsTheUsers) {
    Scenario s("keptkw", "local_keywords = \"kept\"\n", server());
    s.server_create("INBOX");
    s.server_append("INBOX", "k1", "\\Seen Work");
    ASSERT_EQ(s.sync().exit_code, 0);
    s.local_rename_flags("INBOX", "k1", "S");
    auto r = s.sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(server_flags_of(server(), s.folder("INBOX"), "k1"), "\\Seen");
}

// mu4e's refile (`mu server` move into another maildir, file name kept): the move reaches the
// server as a move, and the keywords mu dropped on the way stay on the server.
TEST_P(ReaderKeywords, MuRefilingAMessageKeepsItsServerKeywords) {
    Scenario s("murefile", "", server());
    s.server_create("INBOX");
    s.server_create("Archive");
    s.server_append("INBOX", "r1", "\\Seen $Label1 Work");
    s.server_append("INBOX", "r2", "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    TempDir muhome("mailtwin-muhome");
    const std::string archive = "/E-murefile/Archive";
    auto moved =
        mu(muhome.path(), s.maildir(), "(move :msgid \"r1@scenario.test\" :maildir \"" + archive + "\" :flags \"+F\")");
    ASSERT_EQ(moved.exit_code, 0) << moved.output;
    ASSERT_NE(moved.output.find(":update"), std::string::npos) << moved.output;
    ASSERT_EQ(local_file(s.local_dir("Archive"), "r1").letters, "FS") << "mu 1.8 drops keyword letters";
    auto r = s.sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(server_flags_of(server(), s.folder("INBOX"), "r1"), "(missing)");
    EXPECT_EQ(server_flags_of(server(), s.folder("Archive"), "r1"), "\\Flagged \\Seen $Label1 Work");
    ASSERT_EQ(s.sync().exit_code, 0);
    EXPECT_EQ(server_flags_of(server(), s.folder("Archive"), "r1"), "\\Flagged \\Seen $Label1 Work");
    EXPECT_EQ(local_file(s.local_dir("Archive"), "r1").letters.size(), 4u) << "the keyword letters come back";
    EXPECT_EQ(s.server(), s.local());
}

INSTANTIATE_TEST_SUITE_P(Servers, ReaderKeywords, ::testing::Values("dovecot", "cyrus", "courier"),
                         [](const auto& param_info) { return std::string(param_info.param); });

}  // namespace
}  // namespace mailtwin::test
