// Help and misplaced options, through the real binary: each command explains itself, and an option
// in the wrong place gets a message that says where it belongs.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "fixtures/build_paths.hpp"
#include "fixtures/run_command.hpp"

namespace mailtwin::test {
namespace {

RunResult mailtwin(const std::string& args) { return run_command(mailtwin_binary() + " " + args + " </dev/null 2>&1"); }

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

TEST(Help, EachCommandHasItsOwnHelpWithItsOptionsExplained) {
    const std::pair<const char*, const char*> own[] = {
        {"sync", "  --dry-run             print what the sync would do and change nothing: not the\n"},
        {"status", "  --offline             do not contact the server: the state and the Maildir\n"},
        {"watch", "  --interval SECONDS    a full pass over every folder this often, whatever the\n"},
        {"forget", "  --folder NAME         forget only this folder, by its remote name (repeatable)\n"},
    };
    for (const auto& [command, option_line] : own) {
        for (const std::string& how : {"help " + std::string(command), std::string(command) + " --help",
                                       std::string(command) + " -h", "--help " + std::string(command)}) {
            const auto r = mailtwin(how);
            EXPECT_EQ(r.exit_code, 0) << how << "\n" << r.output;
            EXPECT_EQ(first_line(r.output).rfind("usage: mailtwin [OPTIONS] " + std::string(command), 0), 0u)
                << how << "\n"
                << r.output;
            EXPECT_NE(r.output.find(option_line), std::string::npos) << how << "\n" << r.output;
            EXPECT_NE(r.output.find(std::string(command) + " options:\n"), std::string::npos) << how;
        }
    }
    // The help of different commands differs.
    EXPECT_NE(mailtwin("help sync").output, mailtwin("help status").output);
    EXPECT_EQ(mailtwin("help").output, mailtwin("--help").output);
}

// Issue 18 item 5: the help says what the closing total, the dry run's summary and the arrows are,
// in ASCII (help is read under any locale).
TEST(Help, SyncHelpExplainsTheTotalTheDryRunSummaryAndTheArrows) {
    const auto sync = mailtwin("help sync");
    std::string text = sync.output;
    std::replace(text.begin(), text.end(), '\n', ' ');
    for (const char* words :
         {"\"work/INBOX: +3 down flags 1 up\" (down: in the Maildir, up: on the server; arrows under "
          "a UTF-8 locale)",
          "the run ends with one total over every account: the messages and bytes copied each way",
          "With --dry-run each folder that would change prints one line, then \"would change N "
          "folders: ...\" or \"would change nothing\"; -v adds each planned action."})
        EXPECT_NE(text.find(words), std::string::npos) << words << "\n" << sync.output;
    EXPECT_TRUE(std::all_of(sync.output.begin(), sync.output.end(), [](char c) { return (c & 0x80) == 0; }));
}

TEST(Help, LinesAreWrappedAtWordBoundaries) {
    for (const char* how : {"--help", "help sync", "help status", "help watch", "help forget", "help folders"}) {
        const auto r = mailtwin(how);
        std::size_t start = 0;
        while (start < r.output.size()) {
            const std::size_t end = r.output.find('\n', start);
            const std::string line = r.output.substr(start, end - start);
            EXPECT_LE(line.size(), 80u) << how << ": " << line;
            start = end == std::string::npos ? r.output.size() : end + 1;
        }
        // No word is cut: every word of the sync summary is on the page whole.
        EXPECT_EQ(r.output.find("- \n"), std::string::npos) << how;
    }
    const auto sync = mailtwin("help sync");
    EXPECT_NE(sync.output.find("\nexit. New messages are copied to the other side, flag changes are merged flag by\n"),
              std::string::npos)
        << sync.output;
}

TEST(Help, ACommandOptionBeforeTheCommandSaysWhereItBelongs) {
    const auto r = mailtwin("--config /nonexistent.toml --dry-run sync");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.output,
              "mailtwin: error: '--dry-run' is an option of sync: put it after the command, as in 'mailtwin sync "
              "--dry-run ...'\n");
    const auto folder = mailtwin("--folder INBOX sync");
    EXPECT_EQ(folder.exit_code, 2);
    EXPECT_EQ(folder.output,
              "mailtwin: error: '--folder' is an option of sync and forget: put it after the command, as in "
              "'mailtwin sync --folder ...'\n");
    const auto forget = mailtwin("--folder INBOX forget work");
    EXPECT_NE(forget.output.find("as in 'mailtwin forget --folder ...'"), std::string::npos) << forget.output;
}

TEST(Help, AnOptionOfAnotherCommandIsNamedAsSuch) {
    const auto r = mailtwin("--config /nonexistent.toml sync --offline");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.output,
              "mailtwin: error: '--offline' is not an option of sync (it is one of status); 'mailtwin help sync' "
              "lists its options\n");
    const auto none = mailtwin("--config /nonexistent.toml status --frobnicate");
    EXPECT_EQ(none.exit_code, 2);
    EXPECT_EQ(none.output,
              "mailtwin: error: '--frobnicate' is not an option of status; 'mailtwin help status' lists its "
              "options\n");
}

TEST(Help, GlobalOptionsWorkAfterTheCommand) {
    // -q after the command is the global -q: the config error is still printed (errors only), exit 2.
    const auto r = mailtwin("check-config -q --config /nonexistent.toml");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.output.find("/nonexistent.toml: cannot read the config file"), std::string::npos) << r.output;
}

TEST(Help, UnknownCommandsAndTopicsSuggestTheNearestAndListAll) {
    const auto r = mailtwin("synk");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.output,
              "mailtwin: error: unknown command 'synk'; did you mean 'sync'? (commands: sync, watch, status, "
              "folders, check-config, forget, help)\n");
    const auto topic = mailtwin("help stauts");
    EXPECT_EQ(topic.exit_code, 2);
    EXPECT_NE(topic.output.find("did you mean 'status'?"), std::string::npos) << topic.output;
    EXPECT_EQ(mailtwin("help sync status").exit_code, 2);
    const auto unknown = mailtwin("--bogus sync");
    EXPECT_EQ(unknown.output, "mailtwin: error: unknown option '--bogus' (mailtwin --help shows the usage)\n");
}

}  // namespace
}  // namespace mailtwin::test
