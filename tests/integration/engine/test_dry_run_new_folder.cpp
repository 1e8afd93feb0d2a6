// `sync --dry-run` where the real run would first create a folder: a reader's new local folder
// (neomutt's Fcc into +Sent) is planned as created on the server with every message uploaded,
// without selecting a folder that does not exist yet; a new server folder is planned as downloaded
// without creating the local directory. The plan matches what the real run then does.
#include <gtest/gtest.h>

#include "scenario.hpp"

namespace mailtwin::test {
namespace {

class DryRunNewFolder : public ::testing::TestWithParam<std::string> {
protected:
    const DovecotInfo& server() { return engine_server(GetParam()); }
};

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

TEST_P(DryRunNewFolder, PlansTheCreationAndWhatFollowsIt) {
    Scenario s("drynew", "", server());
    s.server_create("INBOX");
    s.server_append("INBOX", "i1", "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);

    // neomutt's Fcc: `set record = +Sent` makes the Maildir folder and writes the sent message there.
    for (const char* d : {"cur", "new", "tmp"}) std::filesystem::create_directories(s.local_dir("Sent") / d);
    s.local_deliver("Sent", "s1", "S");
    s.local_deliver("Sent", "s2", "S");
    // And a folder another client made on the server.
    s.server_create("Archive");
    s.server_append("Archive", "a1", "\\Seen");
    const auto server_before = s.server();
    const auto local_before = s.local();

    auto dry = s.sync("--dry-run -v");
    ASSERT_EQ(dry.exit_code, 0) << dry.output;
    EXPECT_NE(dry.output.find("creating server folder \"" + s.folder("Sent") + "\" (dry run: not done)"),
              std::string::npos)
        << dry.output;
    EXPECT_EQ(count_of(dry.output, ": upload key="), 2u) << dry.output;
    EXPECT_EQ(count_of(dry.output, ": download uid="), 1u) << dry.output;
    EXPECT_EQ(s.server(), server_before) << "the dry run created or changed something on the server";
    EXPECT_EQ(s.local(), local_before);
    EXPECT_FALSE(std::filesystem::exists(s.local_dir("Archive"))) << "the dry run created a local folder";

    auto json = s.sync("--dry-run --log-format json");
    ASSERT_EQ(json.exit_code, 0) << json.output;
    EXPECT_EQ(count_of(json.output, "\"plan\":{\"action\":\"upload\""), 2u) << json.output;
    EXPECT_EQ(count_of(json.output, "\"plan\":{\"action\":\"download\""), 1u) << json.output;
    EXPECT_EQ(json.output.find("\"outcome\":\"failed\""), std::string::npos) << json.output;
    EXPECT_EQ(s.server(), server_before);

    // The real run does what the dry run said.
    auto real = s.sync();
    ASSERT_EQ(real.exit_code, 0) << real.output;
    auto after = s.server();
    EXPECT_EQ(after["Sent"].size(), 2u);
    EXPECT_EQ(after["Sent"].count("s1"), 1u);
    EXPECT_EQ(s.local()["Archive"].count("a1"), 1u);
    EXPECT_EQ(after, s.local());
    auto quiet = s.sync("--dry-run -v");
    EXPECT_EQ(quiet.exit_code, 0) << quiet.output;
    EXPECT_EQ(quiet.output.find(": upload"), std::string::npos) << quiet.output;
    EXPECT_EQ(quiet.output.find(": download"), std::string::npos) << quiet.output;
}

INSTANTIATE_TEST_SUITE_P(Servers, DryRunNewFolder,
                         ::testing::Values("dovecot", "cyrus", "courier", "mailutils", "degraded"),
                         [](const auto& param_info) { return std::string(param_info.param); });

}  // namespace
}  // namespace mailtwin::test
