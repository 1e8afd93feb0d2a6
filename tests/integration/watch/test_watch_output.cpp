// What `mailtwin watch` prints, the real binary against the fixture Dovecot: to a pipe every text line
// starts with the date, time and UTC offset; on a terminal with the time of day; into the journal
// ($JOURNAL_STREAM naming its stderr) with a syslog priority and no time. With --log-format json every
// line of stdout is one JSON object with an "event" key, a folder's change the object sync prints.
#include <gtest/gtest.h>

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <csignal>
#include <map>
#include <regex>
#include <sstream>

#include "watch_binary.hpp"
#include "watch_harness.hpp"

namespace mailtwin::test {
namespace {

using namespace std::chrono_literals;

// `mailtwin --config CONFIG GLOBAL... watch --idle-folder PREFIX/INBOX --debounce 300`.
std::vector<std::string> watch_args(const WatchHarness& h, const std::vector<std::string>& global) {
    // Not readable by others, or the config's password draws a warning (the JSON test wants it).
    if (global.empty() || global.back() != "json")
        std::filesystem::permissions(h.config_path(),
                                     std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::vector<std::string> args{"--config", h.config_path().string()};
    args.insert(args.end(), global.begin(), global.end());
    for (const char* a : {"watch", "--idle-folder"}) args.emplace_back(a);
    args.push_back(h.folder("INBOX"));
    args.emplace_back("--debounce");
    args.emplace_back("300");
    return args;
}

// The config made readable by its owner only, as a config holding a password should be: the text
// tests then see only watch's own lines (the JSON test keeps the warning, and checks it).
void make_config_private(const WatchHarness& h) {
    using std::filesystem::perms;
    std::filesystem::permissions(h.config_path(), perms::owner_read | perms::owner_write);
}

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

// Waits for `what` in stderr (or stdout), failing the test with both if it does not come.
void wait_for(const WatchBinary& w, const std::string& what, bool on_stdout = false) {
    ASSERT_TRUE(WatchHarness::eventually([&] { return has(on_stdout ? w.out() : w.err(), what); }, 20s))
        << "waiting for: " << what << "\nstdout:\n"
        << w.out() << "\nstderr:\n"
        << w.err();
}

// One message from the server side, carried down by the watcher.
void carry_one_message_down(WatchHarness& h, const WatchBinary& w) {
    h.server_append("INBOX", "m1");
    EXPECT_TRUE(WatchHarness::eventually([&] { return h.local_has("INBOX", "m1"); }, 10s)) << w.err() << w.out();
}

void stop(WatchBinary& w) {
    w.signal(SIGTERM);
    EXPECT_EQ(w.wait_exit(10s), 0) << w.err() << w.out();
}

// The text-mode run of the first two tests: once `w` listens, one message is carried down, and `w`
// is stopped after that folder's line.
void one_download_in_text_then_stop(WatchHarness& h, WatchBinary& w) {
    ASSERT_NO_FATAL_FAILURE(wait_for(w, "mailtwin: test: listening for server changes (NOTIFY)"));
    carry_one_message_down(h, w);
    ASSERT_NO_FATAL_FAILURE(wait_for(w, "mailtwin: test/" + h.folder("INBOX") + ": +1 \u2193\n"));
    stop(w);
}

// Every line of `text` matches `start` (a regex for what comes before "mailtwin: ").
void expect_every_line_starts_with(const std::string& text, const std::string& start) {
    const std::regex line_start("^" + start + "mailtwin: ");
    const auto lines = lines_of(text);
    ASSERT_FALSE(lines.empty());
    for (const auto& line : lines) EXPECT_TRUE(std::regex_search(line, line_start)) << "line: " << line;
}

// The lines of `text` with what `start` matches removed from their beginning.
std::string without_line_starts(const std::string& text, const std::string& start) {
    return std::regex_replace(text, std::regex("(^|\n)" + start), "$1");
}

const std::string k_iso8601 = R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d )";

TEST(WatchOutput, TextToAPipeStartsEveryLineWithTheDateAndTime) {
    WatchHarness h("pipe");
    h.server_create("INBOX");
    make_config_private(h);
    WatchBinary w(watch_args(h, {}), WatchBinary::Stderr::pipe);
    ASSERT_NO_FATAL_FAILURE(one_download_in_text_then_stop(h, w));

    expect_every_line_starts_with(w.err(), k_iso8601);
    // Word for word after the time: the watcher as a whole, the account, the folder.
    const std::string text = without_line_starts(w.err(), k_iso8601);
    EXPECT_EQ(text,
              "mailtwin: watching 1 account for changes\n"
              "mailtwin: test: listening for server changes (NOTIFY)\n"
              "mailtwin: test/" +
                  h.folder("INBOX") +
                  ": +1 \u2193\n"
                  "mailtwin: stopping (SIGTERM): finishing the current step\n");
    EXPECT_EQ(w.out(), "");
}

TEST(WatchOutput, OnATerminalLinesStartWithTheTimeOfDay) {
    WatchHarness h("tty");
    h.server_create("INBOX");
    make_config_private(h);
    WatchBinary w(watch_args(h, {}), WatchBinary::Stderr::terminal);
    ASSERT_NO_FATAL_FAILURE(one_download_in_text_then_stop(h, w));
    expect_every_line_starts_with(w.err(), R"(\d\d:\d\d:\d\d )");
}

TEST(WatchOutput, IntoTheJournalLinesCarryAPriorityAndNoTime) {
    WatchHarness h("journal");
    h.server_create("INBOX");
    make_config_private(h);
    WatchBinary w(watch_args(h, {"-v"}), WatchBinary::Stderr::journal);
    ASSERT_NO_FATAL_FAILURE(wait_for(w, "<6>mailtwin: test: listening for server changes (NOTIFY)\n"));
    // Every session of the user dropped: a warning, then a recovery.
    ASSERT_EQ(dovecot_server().doveadm("kick " + dovecot().user), 0);
    ASSERT_NO_FATAL_FAILURE(wait_for(w, "<6>mailtwin: test: connected again\n"));
    stop(w);

    const std::string err = w.err();
    expect_every_line_starts_with(err, "<[3467]>");
    EXPECT_TRUE(has(err, "\n<6>mailtwin: watching 1 account for changes\n")) << err;
    EXPECT_TRUE(has(err, "\n<7>mailtwin: test: full pass\n")) << err;
    EXPECT_TRUE(std::regex_search(err, std::regex(R"(\n<4>mailtwin: warning: test: [^\n]+; retrying with backoff)")))
        << err;
    EXPECT_TRUE(has(err, "\n<6>mailtwin: stopping (SIGTERM): finishing the current step\n")) << err;
}

boost::property_tree::ptree parse_object(const std::string& line) {
    std::istringstream in(line);
    boost::property_tree::ptree tree;
    boost::property_tree::read_json(in, tree);
    return tree;
}

TEST(WatchOutput, JsonLinesAreEventsAndAFolderChangeIsSyncsObject) {
    WatchHarness h("json");
    h.server_create("INBOX");
    // -v: the debug events and the connection's own log lines are JSON objects too.
    WatchBinary w(watch_args(h, {"-v", "--log-format", "json"}), WatchBinary::Stderr::pipe);
    ASSERT_NO_FATAL_FAILURE(wait_for(w, R"({"event":"listening","account":"test","mode":"NOTIFY")", true));
    carry_one_message_down(h, w);
    ASSERT_NO_FATAL_FAILURE(wait_for(w,
                                     R"({"event":"folder","account":"test","folder":")" + h.folder("INBOX") +
                                         R"(","outcome":"synced","incremental":true,"downloads":1,)",
                                     true));
    stop(w);

    std::map<std::string, int> events;
    for (const auto& line : lines_of(w.out())) {
        boost::property_tree::ptree object;
        ASSERT_NO_THROW(object = parse_object(line)) << "not a JSON object: " << line;
        const auto event = object.get_optional<std::string>("event");
        ASSERT_TRUE(event) << "no \"event\": " << line;
        EXPECT_TRUE(object.get_optional<double>("ts")) << "no \"ts\": " << line;
        ++events[*event];
        if (*event == "folder" && object.get<int>("downloads") == 1) {
            EXPECT_EQ(object.get<std::string>("folder"), h.folder("INBOX"));
            EXPECT_EQ(object.get<int>("uploads"), 0);
            EXPECT_GT(object.get<int>("bytes_downloaded"), 0);
        }
        if (*event == "log" && object.get<std::string>("level") == "warning") {
            // Said while the config was loaded, before the watcher started: JSON and on stdout too.
            EXPECT_TRUE(has(object.get<std::string>("msg"), "holds a password (account test)")) << line;
        }
        if (*event == "stopping") {
            EXPECT_EQ(object.get<std::string>("signal"), "SIGTERM");
        }
    }
    for (const char* expected : {"watching", "listening", "folder", "pass", "state", "log", "stopping", "stopped"})
        EXPECT_GT(events[expected], 0) << "no \"" << expected << "\" event in:\n" << w.out();
    EXPECT_EQ(w.err(), "");
}

}  // namespace
}  // namespace mailtwin::test
