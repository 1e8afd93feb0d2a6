// What a sync prints, word for word (issue 18 items 4, 5 and 10): a run that changes nothing prints
// nothing, one that changed something closes with a total; the safety rail says how many of how many
// and which limit, JSON says "refused", -v says "unchanged"; a dry run summarises (its actions with -v);
// under the C locale the arrows are words.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "daily_setup.hpp"
#include "fixtures/imap_test_util.hpp"

namespace mailtwin::test {
namespace {

namespace fs = std::filesystem;
using boost::property_tree::ptree;

// The output with the run's clock ("in 0:01") written as "in M:SS": the one part that is not fixed.
std::string clock_hidden(const std::string& out) {
    return std::regex_replace(out, std::regex(" in [0-9]+:[0-9]{2}(:[0-9]{2})?"), " in M:SS");
}

// The folder lines, sorted (folders run in parallel and finish in any order), then the last line.
std::string folders_sorted(const std::string& out) {
    std::vector<std::string> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    if (lines.empty()) return "";
    std::sort(lines.begin(), lines.end() - 1);
    std::string sorted;
    for (const auto& line : lines) sorted += line + "\n";
    return sorted;
}

// The bytes of the fixture's messages with these ids, as the totals line writes them (under 1 KiB).
std::string bytes_of(std::initializer_list<const char*> ids) {
    std::size_t n = 0;
    for (const char* id : ids) n += sample_message(id).size();
    return std::to_string(n) + " B";
}

const ptree* event(const std::vector<ptree>& lines, const std::string& name) {
    for (const auto& l : lines)
        if (l.get<std::string>("event", "") == name) return &l;
    return nullptr;
}

void delete_local(const DailySetup& s, const std::string& leaf, std::size_t how_many) {
    std::size_t n = 0;
    for (const char* sub : {"cur", "new"})
        for (const auto& e : fs::directory_iterator(s.local_dir(leaf) / sub))
            if (n < how_many && fs::remove(e.path())) ++n;
    ASSERT_EQ(n, how_many);
}

TEST(RunOutput, ARunThatChangesNothingPrintsNothing) {
    DailySetup s("quiet-runs");
    s.server_create("A");
    s.server_append("A", "q1");
    s.server_append("A", "q2");
    const auto first = s.mailtwin("sync");
    EXPECT_EQ(first.exit_code, 0) << first.err;
    EXPECT_EQ(clock_hidden(first.out), "test/" + s.folder("A") + ": +2 \u2193\n" +
                                           "total: 1 folder changed in M:SS: +2 \u2193 (" + bytes_of({"q1", "q2"}) +
                                           ")\n");
    s.server_add_flag("A", "q1", "\\Flagged");
    const auto change = s.mailtwin("sync");
    EXPECT_EQ(clock_hidden(change.out),
              "test/" + s.folder("A") + ": flags 1 \u2193\ntotal: 1 folder changed in M:SS: flags 1 \u2193\n")
        << change.err;
    // The run after a change visits the folder again (its mod-sequence moved) and finds nothing to do.
    const auto after = s.mailtwin("sync");
    EXPECT_EQ(after.exit_code, 0);
    EXPECT_EQ(after.out + after.err, "");
    // -v names every folder, with the same word whether a checkpoint or a visit found it unchanged.
    const auto verbose = s.mailtwin("-v sync");
    EXPECT_NE(verbose.out.find("test/" + s.folder("A") + ": unchanged\n"), std::string::npos) << verbose.out;
    EXPECT_EQ(verbose.out.find("in sync"), std::string::npos) << verbose.out;
    EXPECT_NE(clock_hidden(verbose.out).find("\ntotal: nothing changed in M:SS\n"), std::string::npos) << verbose.out;
    // -q: errors only, after a change too.
    s.server_add_flag("A", "q2", "\\Flagged");
    const auto quiet = s.mailtwin("-q sync");
    EXPECT_EQ(quiet.exit_code, 0);
    EXPECT_EQ(quiet.out + quiet.err, "");
}

TEST(RunOutput, OneTotalForTheRunInTextAndItsOwnJsonObject) {
    DailySetup s("totals");
    s.server_create("A");
    s.server_create("B");
    s.server_append("A", "t1");
    s.server_append("A", "t2");
    for (const char* id : {"t3", "t4", "t5"}) s.server_append("B", id);
    const auto text = s.mailtwin("sync");
    EXPECT_EQ(text.exit_code, 0) << text.err;
    EXPECT_EQ(clock_hidden(folders_sorted(text.out)),
              "test/" + s.folder("A") + ": +2 \u2193\n" + "test/" + s.folder("B") + ": +3 \u2193\n" +
                  "total: 2 folders changed in M:SS: +5 \u2193 (" + bytes_of({"t1", "t2", "t3", "t4", "t5"}) + ")\n");
    s.server_add_flag("A", "t1", "\\Seen");
    s.server_expunge("B", "t3");
    const auto json = s.mailtwin("--log-format json sync");
    EXPECT_EQ(json.exit_code, 0) << json.err;
    const auto lines = json_lines(json.out);
    const ptree* totals = event(lines, "totals");
    ASSERT_NE(totals, nullptr) << json.out;
    EXPECT_FALSE(totals->get<bool>("dry_run"));
    EXPECT_EQ(totals->get<int>("folders_changed"), 2);
    EXPECT_EQ(totals->get<int>("folders_failed"), 0);
    EXPECT_EQ(totals->get<int>("downloads"), 0);
    EXPECT_EQ(totals->get<int>("flag_changes_local"), 1);
    EXPECT_EQ(totals->get<int>("expunged_local"), 1);
    EXPECT_GE(totals->get<double>("seconds"), 0.0);
    // The totals come last but for the summary, which carries the exit code.
    ASSERT_GE(lines.size(), 2u);
    EXPECT_EQ(&lines[lines.size() - 2], totals);
    EXPECT_EQ(lines.back().get<std::string>("event"), "summary");
}

// Issue 18 item 10: under the C locale (cron, CI, LANG unset) the arrows are words, never mojibake.
TEST(RunOutput, UnderTheCLocaleArrowsAreWords) {
    DailySetup s("ascii");
    s.server_create("A");
    s.server_append("A", "a1");
    s.server_append("A", "a2");
    const auto first = s.mailtwin("sync", "LC_ALL=C");
    EXPECT_EQ(first.exit_code, 0) << first.err;
    EXPECT_EQ(clock_hidden(first.out), "test/" + s.folder("A") + ": +2 down\n" +
                                           "total: 1 folder changed in M:SS: +2 down (" + bytes_of({"a1", "a2"}) +
                                           ")\n");
    s.server_add_flag("A", "a1", "\\Flagged");
    s.server_expunge("A", "a2");
    const auto change = s.mailtwin("sync", "LC_ALL=C");
    EXPECT_EQ(clock_hidden(change.out), "test/" + s.folder("A") + ": flags 1 down expunged 1 down\n" +
                                            "total: 1 folder changed in M:SS: flags 1 down expunged 1 down\n")
        << change.err;
    const auto everything = first.out + first.err + change.out + change.err;
    EXPECT_TRUE(std::all_of(everything.begin(), everything.end(), [](char c) { return (c & 0x80) == 0; }))
        << everything;
}

// Issue 18 item 5: the first dry run of a big account was one line per message and no total.
TEST(RunOutput, ADryRunSummarisesEachFolderAndListsItsActionsOnlyWithV) {
    DailySetup s("dry");
    s.server_create("A");
    s.server_create("B");
    s.server_create("C");
    for (const char* id : {"d1", "d2", "d3"}) s.server_append("A", id);
    s.server_append("B", "d4");
    const std::string summary = "test/" + s.folder("A") + ": +3 \u2193 (planned)\n" + "test/" + s.folder("B") +
                                ": +1 \u2193 (planned)\n" + "would change 2 folders: +4 \u2193 (" +
                                bytes_of({"d1", "d2", "d3", "d4"}) + ")\n";
    const auto dry = s.mailtwin("sync --dry-run");
    EXPECT_EQ(dry.exit_code, 0) << dry.err;
    EXPECT_EQ(folders_sorted(dry.out), summary);

    const auto verbose = s.mailtwin("-v sync --dry-run");
    EXPECT_EQ(verbose.exit_code, 0) << verbose.err;
    const std::string b_action =
        "test/" + s.folder("B") + ": download uid=1 flags=- size=" + std::to_string(sample_message("d4").size()) + "\n";
    EXPECT_NE(verbose.out.find(b_action), std::string::npos) << verbose.out;
    EXPECT_EQ(std::count(verbose.out.begin(), verbose.out.end(), '\n'), 3 + 1 + 3 + 1)
        << verbose.out;  // actions, folders, total

    const auto json = s.mailtwin("--log-format json sync --dry-run");
    EXPECT_EQ(json.exit_code, 0) << json.err;
    const auto lines = json_lines(json.out);
    std::size_t plans = 0;
    for (const auto& l : lines) {
        EXPECT_FALSE(l.get<std::string>("event", "").empty()) << "a line without an event in\n" << json.out;
        if (l.get<std::string>("event", "") == "plan") {
            ++plans;
            EXPECT_EQ(l.get<std::string>("plan.action"), "download");
        }
    }
    EXPECT_EQ(plans, 4u) << json.out;
    const ptree* totals = event(lines, "totals");
    ASSERT_NE(totals, nullptr) << json.out;
    EXPECT_TRUE(totals->get<bool>("dry_run"));
    EXPECT_EQ(totals->get<int>("folders_changed"), 2);
    EXPECT_EQ(totals->get<int>("downloads"), 4);
    EXPECT_EQ(event(lines, "summary")->get<int>("changed"), 2);

    // -q: errors only; and once synced, a dry run says it would change nothing.
    const auto quiet = s.mailtwin("-q sync --dry-run");
    EXPECT_EQ(quiet.out + quiet.err, "");
    ASSERT_EQ(s.mailtwin("sync").exit_code, 0);
    EXPECT_EQ(s.mailtwin("sync --dry-run").out, "would change nothing\n");
}

// Issue 18 item 10: a keyword-only change read "-,Work" in the dry run's actions.
TEST(RunOutput, AKeywordOnlyChangeReadsAsTheKeyword) {
    DailySetup s("keyword");
    s.server_create("A");
    s.server_append("A", "k1");
    ASSERT_EQ(s.mailtwin("sync").exit_code, 0);
    std::string key;
    for (const char* sub : {"cur", "new"})
        for (const auto& e : fs::directory_iterator(s.local_dir("A") / sub))
            key = e.path().filename().string().substr(0, e.path().filename().string().find(':'));
    ASSERT_FALSE(key.empty());
    s.server_add_flag("A", "k1", "Work");
    const auto dry = s.mailtwin("-v sync --dry-run");
    EXPECT_EQ(dry.exit_code, 0) << dry.err;
    const std::string folder = "test/" + s.folder("A") + ": ";
    EXPECT_EQ(dry.out, folder + "set-flags local uid=1 key=" + key + " +Work\n" + folder + "record uid=1 key=" + key +
                           " flags=Work/Work\n" + folder + "flags 1 \u2193 (planned)\n" +
                           "would change 1 folder: flags 1 \u2193\n");
}

TEST(RunOutput, TheSafetyRailSaysHowManyOfHowManyAndWhichLimit) {
    DailySetup s("rail-words");
    s.server_create("A");
    for (int i = 0; i < 6; ++i) s.server_append("A", "w" + std::to_string(i));
    ASSERT_EQ(s.mailtwin("sync").exit_code, 0);
    delete_local(s, "A", 5);
    const auto text = s.mailtwin("sync");
    EXPECT_EQ(text.exit_code, 1);
    EXPECT_NE(text.err.find("test/" + s.folder("A") +
                            ": REFUSED 5 of 6 deletions seen in the Maildir (83 %, over max_delete_percent = 50): "
                            "the server keeps them; run with --force to carry them out"),
              std::string::npos)
        << text.out << text.err;
    EXPECT_EQ(text.err.find("in sync"), std::string::npos) << text.err;
    const auto json = s.mailtwin("--log-format json sync");
    EXPECT_NE(json.out.find("\"outcome\":\"refused\""), std::string::npos) << json.out;
    EXPECT_NE(json.out.find("\"refused\":5"), std::string::npos) << json.out;
}

}  // namespace
}  // namespace mailtwin::test
