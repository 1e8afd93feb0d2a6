// What a sync prints, word for word (issue 18 item 4): a run that changes nothing prints nothing, the
// safety rail says how many of how many and which limit, JSON says "refused", -v says "unchanged".
#include <gtest/gtest.h>

#include <filesystem>

#include "daily_setup.hpp"

namespace mailtwin::test {
namespace {

namespace fs = std::filesystem;

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
    EXPECT_EQ(first.out, "test/" + s.folder("A") + ": +2 \u2193\n");
    s.server_add_flag("A", "q1", "\\Flagged");
    const auto change = s.mailtwin("sync");
    EXPECT_EQ(change.out, "test/" + s.folder("A") + ": flags 1 \u2193\n") << change.err;
    // The run after a change visits the folder again (its mod-sequence moved) and finds nothing to do.
    const auto after = s.mailtwin("sync");
    EXPECT_EQ(after.exit_code, 0);
    EXPECT_EQ(after.out + after.err, "");
    // -v names every folder, with the same word whether a checkpoint or a visit found it unchanged.
    const auto verbose = s.mailtwin("-v sync");
    EXPECT_NE(verbose.out.find("test/" + s.folder("A") + ": unchanged\n"), std::string::npos) << verbose.out;
    EXPECT_EQ(verbose.out.find("in sync"), std::string::npos) << verbose.out;
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
