// A sync killed while it uploads: the run is stopped after each of its committed state steps in turn
// (the intents committed before the first APPEND, then each batch of APPENDs recorded), and a clean
// run afterwards must leave every local message on the server exactly once, with nothing lost on
// either side. More than one batch (the executor sends 50 APPENDs per batch) so that a kill falls
// between APPENDs already made and APPENDs not yet sent; the next run must find the first ones by
// their identity rather than upload them again. Issue 20 saw a duplicate after such a kill on Courier,
// which announces UIDPLUS but no LITERAL+: run on every server of the engine suite.
//
// The folders sync in parallel, so a kill after one folder's step can fall while the other folder's
// APPEND batch is in flight. Where APPENDs are pipelined without waiting (LITERAL+, MULTIAPPEND:
// Dovecot, Cyrus) the server may store that batch after the dead run, even after the clean run has
// listed the folder: the late-APPEND race of issue 20. Under load this test has failed on Dovecot and
// Cyrus with a batch of 50 uploaded twice (a duplicate on both sides), most likely that race; it is
// kept as it is, not weakened, until the engine handles the race (which it cannot cause on purpose).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "scenario.hpp"

namespace mailtwin::test {
namespace {

class KilledUpload : public ::testing::TestWithParam<std::string> {
protected:
    const DovecotInfo& server() { return engine_server(GetParam()); }
};

constexpr int k_inbox_uploads = 60;  // two APPEND batches
constexpr int k_sent_uploads = 3;

void expect_each_once_on_both_sides(Scenario& s, const std::string& leaf, std::size_t expected, int step,
                                    const RunResult& killed, const RunResult& clean) {
    auto server = s.server_bodies(leaf);
    auto local = s.local_bodies(leaf);
    const std::string context = leaf + " after a kill at step " + std::to_string(step) +
                                "\nkilled run: " + killed.output + "\nclean run: " + clean.output;
    EXPECT_EQ(server.size(), expected) << context;
    EXPECT_EQ(std::set<std::string>(server.begin(), server.end()).size(), server.size()) << "duplicate in " << context;
    EXPECT_EQ(server, local) << context;
}

TEST_P(KilledUpload, KilledAfterEveryUploadStepLeavesEachMessageOnceOnTheServer) {
    int last_step = 0;
    for_each_kill_point(
        [&](int step) {
            auto s = std::make_unique<Scenario>("upkill" + std::to_string(step), "", server());
            s->server_create("INBOX");
            s->server_create("Sent");
            s->server_append("INBOX", "already-there", "\\Seen");
            EXPECT_EQ(s->sync().exit_code, 0);
            for (int i = 0; i < k_inbox_uploads; ++i)
                s->local_deliver("INBOX", "up" + std::to_string(i), i % 3 == 0 ? "S" : (i % 3 == 1 ? "FS" : ""));
            for (int i = 0; i < k_sent_uploads; ++i) s->local_deliver("Sent", "sent" + std::to_string(i), "S");
            return s;
        },
        [&last_step](Scenario& s, int step, const RunResult& killed, const RunResult& clean) {
            last_step = step;
            expect_each_once_on_both_sides(s, "INBOX", k_inbox_uploads + 1, step, killed, clean);
            expect_each_once_on_both_sides(s, "Sent", k_sent_uploads, step, killed, clean);
            // Flags came along, and a further run has nothing left to carry.
            EXPECT_EQ(s.server(), s.local()) << "after a kill at step " << step;
            auto again = s.sync("--dry-run -v");
            EXPECT_EQ(again.exit_code, 0) << again.output;
            EXPECT_EQ(again.output.find("upload"), std::string::npos) << "step " << step << ": " << again.output;
            EXPECT_EQ(again.output.find("download"), std::string::npos) << "step " << step << ": " << again.output;
        });
    // The last step tried is the first the run did not reach: the INBOX intents and its two APPEND
    // batches at least must have been kill points, or this test did not test what it says.
    EXPECT_GT(last_step, 3) << "the upload run must have state commits between its APPEND batches";
}

// Not on Mailutils: after a killed session imap4d may report a lower UIDNEXT under the same
// UIDVALIDITY (its .mu-prop was not written), and mailtwin rightly refuses that folder until
// `sync --full` (README, the Mailutils row); Sync.KilledAfterEveryStepConverges runs there.
INSTANTIATE_TEST_SUITE_P(Servers, KilledUpload, ::testing::Values("dovecot", "cyrus", "courier", "degraded"),
                         [](const auto& param_info) { return std::string(param_info.param); });

}  // namespace
}  // namespace mailtwin::test
