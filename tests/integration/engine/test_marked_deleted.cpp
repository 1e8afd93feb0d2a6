// The T flag (neomutt with maildir_trash, mbsync's leftovers) and \Deleted (a client that marks
// before it expunges): with expunge = "both" a marked message is removed from both sides in the
// sync that sees the mark, into `trash` when that is set; with expunge = "none" it is only a flag.
#include <gtest/gtest.h>

#include "scenario.hpp"

namespace mailtwin::test {
namespace {

class MarkedDeleted : public ::testing::TestWithParam<std::string> {
protected:
    const DovecotInfo& server() { return engine_server(GetParam()); }
};

TEST_P(MarkedDeleted, MarkedOnEitherSideIsRemovedFromBoth) {
    Scenario s("tflag", "", server());
    s.server_create("INBOX");
    for (const char* id : {"t1", "t2", "t3"}) s.server_append("INBOX", id, "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);

    s.local_rename_flags("INBOX", "t1", "ST");       // neomutt, maildir_trash = yes
    s.server_flags("INBOX", "t2", "\\Deleted", "");  // another client, before its EXPUNGE
    auto r = s.sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    auto server_side = s.server();
    auto local_side = s.local();
    for (const char* id : {"t1", "t2"}) {
        EXPECT_EQ(server_side["INBOX"].count(id), 0u) << id << " still on the server";
        EXPECT_EQ(local_side["INBOX"].count(id), 0u) << id << " still in the Maildir";
    }
    EXPECT_EQ(server_side["INBOX"].count("t3"), 1u);
    EXPECT_EQ(local_side["INBOX"].count("t3"), 1u);
    EXPECT_EQ(server_side, local_side);

    auto again = s.sync();
    EXPECT_EQ(again.exit_code, 0) << again.output;
    EXPECT_EQ(s.server(), s.local());
}

TEST_P(MarkedDeleted, MarkingMostOfAFolderIsNotHeldByTheSafetyRail) {
    Scenario s("tflagall", "", server());
    s.server_create("INBOX");
    for (const char* id : {"a1", "a2", "a3", "a4"}) s.server_append("INBOX", id, "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    for (const char* id : {"a1", "a2", "a3"}) s.local_rename_flags("INBOX", id, "ST");
    auto r = s.sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(s.server()["INBOX"].size(), 1u);
    EXPECT_EQ(s.local()["INBOX"].size(), 1u);
}

TEST_P(MarkedDeleted, WithTrashTheMessageLandsThereOnceAndUnmarked) {
    Scenario s("tflagtrash", "trash = \"@P/Trash\"\n", server());
    s.server_create("INBOX");
    s.server_create("Trash");
    for (const char* id : {"t1", "t2"}) s.server_append("INBOX", id, "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    s.local_rename_flags("INBOX", "t1", "ST");
    auto r = s.sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    auto after = s.server();
    EXPECT_EQ(after["INBOX"].count("t1"), 0u);
    ASSERT_EQ(after["Trash"].count("t1"), 1u) << "moved to the trash folder, not expunged";
    EXPECT_EQ(after["Trash"].find("t1")->second, "\\Seen") << "arrives in the trash without \\Deleted";
    // The next runs bring it into the local Trash once, and leave it there.
    ASSERT_EQ(s.sync().exit_code, 0);
    ASSERT_EQ(s.sync().exit_code, 0);
    EXPECT_EQ(s.server()["Trash"].count("t1"), 1u);
    EXPECT_EQ(s.local()["Trash"].count("t1"), 1u);
    EXPECT_EQ(s.local()["INBOX"].count("t1"), 0u);
    EXPECT_EQ(s.server(), s.local());
}

TEST_P(MarkedDeleted, AMarkSetOnTheServerIsExpungedThereNotMovedToTrash) {
    // The server client that marked it keeps its own trash (Thunderbird copies there first): moving
    // it into mailtwin's `trash` as well would put it there twice.
    Scenario s("tflagsrvtrash", "trash = \"@P/Trash\"\n", server());
    s.server_create("INBOX");
    s.server_create("Trash");
    for (const char* id : {"t1", "t2"}) s.server_append("INBOX", id, "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    s.server_flags("INBOX", "t1", "\\Deleted", "");
    auto r = s.sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    auto after = s.server();
    EXPECT_EQ(after["INBOX"].count("t1"), 0u);
    EXPECT_EQ(after["Trash"].count("t1"), 0u);
    EXPECT_EQ(s.local()["INBOX"].count("t1"), 0u);
    EXPECT_EQ(after["INBOX"].count("t2"), 1u);
    EXPECT_EQ(after, s.local());
}

TEST_P(MarkedDeleted, AChangeOnTheOtherSideKeepsTheMessage) {
    Scenario s("tflagconflict", "", server());
    s.server_create("INBOX");
    s.server_append("INBOX", "c1", "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    s.local_rename_flags("INBOX", "c1", "ST");
    s.server_flags("INBOX", "c1", "\\Flagged", "");
    auto r = s.sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    auto server_side = s.server();
    EXPECT_EQ(server_side["INBOX"].count("c1"), 1u);
    ASSERT_EQ(server_side["INBOX"].count("c1"), 1u);
    EXPECT_EQ(server_side["INBOX"].find("c1")->second, "\\Flagged \\Seen") << "the mark is removed on both sides";
    EXPECT_EQ(server_side, s.local());
}

TEST_P(MarkedDeleted, ExpungeNoneCarriesTheMarkOnly) {
    Scenario s("tflagnone", "expunge = \"none\"\n", server());
    s.server_create("INBOX");
    s.server_append("INBOX", "n1", "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    s.local_rename_flags("INBOX", "n1", "ST");
    ASSERT_EQ(s.sync().exit_code, 0);
    auto server_side = s.server();
    ASSERT_EQ(server_side["INBOX"].count("n1"), 1u);
    EXPECT_EQ(server_side["INBOX"].find("n1")->second, "\\Seen \\Deleted");
    EXPECT_EQ(server_side, s.local());
}

INSTANTIATE_TEST_SUITE_P(Servers, MarkedDeleted,
                         ::testing::Values("dovecot", "cyrus", "courier", "mailutils", "degraded"),
                         [](const auto& param_info) { return std::string(param_info.param); });

}  // namespace
}  // namespace mailtwin::test
