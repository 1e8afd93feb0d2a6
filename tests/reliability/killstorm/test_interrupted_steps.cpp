// Deterministic replays of states the kill storm reached by chance, so that a regression shows up on
// every run and not once in a hundred.
#include <gtest/gtest.h>

#include "support/setup.hpp"

namespace mailtwin::test {
namespace {

// A local deletion is propagated as STORE +FLAGS \Deleted, then UID EXPUNGE. Killed between the two,
// the next run finds the message gone locally and "changed" (\Deleted) on the server. Found by the kill
// storm: the change counted as a conflict and on_conflict = keep restored the message locally, flagged
// \Deleted. Gaining \Deleted agrees with the deletion; the run must finish the expunge.
TEST(InterruptedSteps, ExpungeInterruptedAfterStoreDeletedIsCompletedNotResurrected) {
    SyncSetup s("interrupted-expunge");
    s.server_create("INBOX");
    s.server_append("INBOX", {{"x1", "one"}, {"x2", "two"}, {"x3", "three"}, {"x4", "four"}}, "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    s.local_delete("INBOX", "x2");
    s.server_flags("INBOX", "x2", "\\Deleted", "");  // what the killed run had done on the server
    auto r = s.sync();
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    const Contents server = s.server(), local = s.local();
    EXPECT_EQ(diff(server, local, "local"), "");
    EXPECT_EQ(server.size(), 3u) << "x2 must be expunged, not restored";
    for (const auto& i : local)
        EXPECT_EQ(i.flags.find('T'), std::string::npos) << i.id << " came back flagged \\Deleted";
}

// The mirror case: a mail reader marks a message trashed (T) locally while the server expunges it.
TEST(InterruptedSteps, LocallyTrashedMessageExpungedOnTheServerIsNotRestoredThere) {
    SyncSetup s("trashed-local");
    s.server_create("INBOX");
    s.server_append("INBOX", {{"y1", "one"}, {"y2", "two"}, {"y3", "three"}, {"y4", "four"}}, "\\Seen");
    ASSERT_EQ(s.sync().exit_code, 0);
    s.local_set_flags("INBOX", "y3", "ST");
    s.server_expunge("INBOX", "y3");
    auto r = s.sync();
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_EQ(diff(s.server(), s.local(), "local"), "");
    EXPECT_EQ(s.server().size(), 3u);
}

}  // namespace
}  // namespace mailtwin::test
