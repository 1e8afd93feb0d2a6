// Flags the server cannot keep (PERMANENTFLAGS) are no change on the server (sync/server_flags.hpp).
// The rule is about the server only (a Maildir keeps every flag), so these plans are not checked
// flipped.
#include <gtest/gtest.h>

#include "mailtwin/sync/planner.hpp"
#include "mailtwin/sync/server_flags.hpp"
#include "scenario.hpp"

namespace mailtwin::sync::test {
namespace {

using Lines = std::vector<std::string>;

// PERMANENTFLAGS (\Seen \Deleted): a folder the user may not write other flags in (a Dovecot ACL
// without the "w" right), and no keyword at all.
model::StorableFlags seen_and_deleted_only() {
    model::StorableFlags s;
    s.bits = static_cast<std::uint8_t>(static_cast<std::uint8_t>(model::Flag::seen) |
                                       static_cast<std::uint8_t>(model::Flag::deleted));
    s.any_keyword = false;
    return s;
}

// PERMANENTFLAGS with every system flag but no "\*" (the server has no room for new keywords).
model::StorableFlags no_keywords() {
    model::StorableFlags s;
    s.any_keyword = false;
    return s;
}

Lines plan_lines(const std::string& remote, const std::string& state, const std::string& local,
                 const std::optional<model::StorableFlags>& storable, const Policy& policy = {}) {
    auto view = remote_view(remote);
    view.storable = storable;
    return lines(plan_folder(view, local_view(local), folder_state(state), policy, k_now));
}

TEST(StorableFlags, KeptAndNotKept) {
    auto s = no_keywords();
    s.keywords = {"$Label1"};
    EXPECT_EQ(s.kept(parse_flags("FS,$label1,Work")), parse_flags("FS,$label1"));  // case-insensitive
    EXPECT_EQ(s.not_kept(parse_flags("FS,$label1,Work")), parse_flags(",Work"));
    EXPECT_EQ(seen_and_deleted_only().not_kept(parse_flags("FPST,$x")), parse_flags("FP,$x"));
    EXPECT_TRUE(model::StorableFlags::all().keeps_all());
    EXPECT_EQ(model::StorableFlags::all().not_kept(parse_flags("DFPRST,$x")), parse_flags(""));
}

TEST(RemoteFlagsMeant, AnUnkeptFlagMissingOnTheServerIsNoRemoval) {
    const auto s = no_keywords();
    // Recorded with $x (an older run, or a server that lost room since), lacking it now: no change.
    EXPECT_EQ(remote_flags_meant(parse_flags("S"), parse_flags("S,$x"), s), parse_flags("S,$x"));
    // A flag it keeps is a removal as always.
    EXPECT_EQ(remote_flags_meant(parse_flags(""), parse_flags("S,$x"), s), parse_flags(",$x"));
    // Every flag kept: the view as it is.
    EXPECT_EQ(remote_flags_meant(parse_flags("S"), parse_flags("FS,$x"), model::StorableFlags::all()),
              parse_flags("S"));
}

TEST(RemoteTargetHeld, NeverAsksForWhatTheServerCannotKeep) {
    const auto s = seen_and_deleted_only();
    EXPECT_EQ(remote_target_held(parse_flags("FS,$x"), parse_flags(""), s), parse_flags("S"));
    // What it has anyway is not taken away by this rule (removing it is a change like any other).
    EXPECT_EQ(remote_target_held(parse_flags("FS,$x"), parse_flags("F"), s), parse_flags("FS"));
}

TEST(ServerFlagsPlan, AKeywordAddedLocallyIsNotSentToAServerWithoutRoomForIt) {
    // Before the rule: "set-flags remote +,$x" on every run, recorded as held, then read as removed.
    EXPECT_EQ(plan_lines("1:S", "1=1:S/S", "1:S,$x", no_keywords()), (Lines{"record uid=1 key=1 flags=S/S,$x"}));
    // The next run: nothing to do, and the keyword stays in the Maildir.
    EXPECT_EQ(plan_lines("1:S", "1=1:S/S,$x", "1:S,$x", no_keywords()), Lines{});
}

TEST(ServerFlagsPlan, AnUnkeptFlagRecordedAsTheServersIsNoRemoval) {
    // A state written before the rule (or by a server that kept it once): the server lacks $x and
    // F now. The Maildir keeps them; the record learns what the server holds.
    EXPECT_EQ(plan_lines("1:S", "1=1:FS,$x/FS,$x", "1:FS,$x", seen_and_deleted_only()),
              (Lines{"record uid=1 key=1 flags=S/FS,$x"}));
    // Without the rule (every flag kept), the same views are removals on the server.
    EXPECT_EQ(plan_lines("1:S", "1=1:FS,$x/FS,$x", "1:FS,$x", model::StorableFlags::all()),
              (Lines{"set-flags local uid=1 key=1 -F,$x", "record uid=1 key=1 flags=S/S"}));
}

// Every keyword letter removal is the user's (local_flags_meant() is not what these tests are about).
Policy letters_kept() {
    Policy p;
    p.local_keywords = LocalKeywords::kept;
    return p;
}

TEST(ServerFlagsPlan, RemovalsStillReachBothSides) {
    // The user removes the keyword the server never had: only the Maildir had it.
    EXPECT_EQ(plan_lines("1:S", "1=1:S/S,$x", "1:S", no_keywords(), letters_kept()),
              (Lines{"record uid=1 key=1 flags=S/S"}));
    // A flag the server keeps, removed there, is removed locally.
    EXPECT_EQ(plan_lines("1", "1=1:S/S,$x", "1:S,$x", no_keywords()),
              (Lines{"set-flags local uid=1 key=1 -S", "record uid=1 key=1 flags=-/,$x"}));
}

TEST(ServerFlagsPlan, AnUnkeptFlagTheServerHasIsSyncedLikeAnyOther) {
    // Set on the server by some other means (an administrator, a rule): it reaches the Maildir...
    EXPECT_EQ(plan_lines("1:S,$x", "1=1:S/S", "1:S", no_keywords()),
              (Lines{"set-flags local uid=1 key=1 +,$x", "record uid=1 key=1 flags=S,$x/S,$x"}));
    // ...and a removal in the Maildir reaches the server.
    EXPECT_EQ(plan_lines("1:S,$x", "1=1:S,$x/S,$x", "1:S", no_keywords(), letters_kept()),
              (Lines{"set-flags remote uid=1 key=1 -,$x", "record uid=1 key=1 flags=S/S"}));
}

TEST(ServerFlagsPlan, AnUploadCarriesOnlyWhatTheServerKeeps) {
    EXPECT_EQ(plan_lines("", "", "1:FS,$x", seen_and_deleted_only()), (Lines{"upload key=1 flags=S size=100"}));
    // Not known (planned without a SELECT): every flag is offered; the driver selects first when
    // the plan asks the server to keep flags (run/folder_sync.cpp).
    EXPECT_EQ(plan_lines("", "", "1:FS,$x", std::nullopt), (Lines{"upload key=1 flags=FS,$x size=100"}));
}

TEST(ServerFlagsPlan, AMissingUnkeptFlagIsNoConflictWithALocalDeletion) {
    // Deleted locally; the server copy lacks only a flag it cannot keep: the deletion goes through
    // (message 2 keeps the deletion under max_delete_percent).
    EXPECT_EQ(plan_lines("1:S 2", "1=1:S,$x/S,$x 2=2", "2", no_keywords()), (Lines{"expunge remote uid=1 key=1"}));
    // Without the rule that absence is a change on the server, and the message would be restored.
    EXPECT_EQ(plan_lines("1:S 2", "1=1:S,$x/S,$x 2=2", "2", model::StorableFlags::all()),
              (Lines{"restore-download uid=1 flags=S size=100"}));
}

}  // namespace
}  // namespace mailtwin::sync::test
