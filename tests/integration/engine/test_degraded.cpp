// The same engine on servers that announce less: CONDSTORE without QRESYNC (Gmail's set: flags by
// CHANGEDSINCE, deletions by a UID SEARCH diff), and neither (everything read in full).
#include <gtest/gtest.h>

#include "scenario.hpp"

namespace mailtwin::test {
namespace {

struct Profile {
    const char* name;
    const char* server;  // engine_server() name (scenario.hpp): the capability set it announces
};

const Profile k_profiles[] = {
    {"condstore_only", "condstore_only"},
    {"no_condstore", "degraded"},  // the same server Sync/*degraded runs on: one start per binary
};

class Degraded : public ::testing::TestWithParam<Profile> {
protected:
    const DovecotInfo& server() { return engine_server(GetParam().server); }
};

TEST_P(Degraded, ChangesOnBothSidesConverge) {
    Scenario s(std::string("deg-") + GetParam().name, "", server());
    s.server_create("INBOX");
    s.server_create("Other");
    for (const char* id : {"g1", "g2", "g3", "g4", "g5"}) s.server_append("INBOX", id, "\\Seen");
    auto first = s.sync();
    ASSERT_EQ(first.exit_code, 0) << first.output;
    EXPECT_EQ(s.server(), s.local());

    s.server_flags("INBOX", "g1", "\\Flagged", "");
    s.server_expunge("INBOX", "g2");
    s.server_append("INBOX", "g6");
    s.local_rename_flags("INBOX", "g3", "RS");
    s.local_delete("INBOX", "g4");
    s.local_deliver("INBOX", "g7", "S");
    s.local_move("INBOX", "Other", "g5", "S");
    auto r = s.sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    auto server_side = s.server();
    EXPECT_EQ(server_side, s.local());
    EXPECT_EQ(server_side["INBOX"].size(), 4u);  // g1 g3 g6 g7
    EXPECT_EQ(server_side["Other"].count("g5"), 1u);
    EXPECT_EQ(server_side["INBOX"].find("g1")->second, "\\Flagged \\Seen");
    EXPECT_EQ(server_side["INBOX"].find("g3")->second, "\\Answered \\Seen");
    auto again = s.sync("--dry-run -v");
    EXPECT_EQ(again.exit_code, 0);
    EXPECT_EQ(again.output.find("download"), std::string::npos) << again.output;
    EXPECT_EQ(again.output.find("upload"), std::string::npos) << again.output;
}

INSTANTIATE_TEST_SUITE_P(Servers, Degraded, ::testing::ValuesIn(k_profiles),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace mailtwin::test
