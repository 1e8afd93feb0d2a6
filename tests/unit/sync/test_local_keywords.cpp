// local_keywords: a mail reader that does not know the keyword letters of a Maildir file name (mu
// drops them all when it renames a file) must not erase the keywords on the server. The rule is
// local only (the server never "drops" keywords), so these plans are not checked flipped.
#include <gtest/gtest.h>

#include "mailtwin/sync/planner.hpp"
#include "mailtwin/sync/policy.hpp"
#include "scenario.hpp"

namespace mailtwin::sync::test {
namespace {

using Lines = std::vector<std::string>;

Lines plan_lines(const std::string& remote, const std::string& state, const std::string& local, const Policy& policy) {
    return lines(plan_folder(remote_view(remote), local_view(local), folder_state(state), policy, k_now));
}

Policy with(LocalKeywords mode) {
    Policy p;
    p.local_keywords = mode;
    return p;
}

TEST(LocalFlagsMeant, TheRuleForEachMode) {
    const auto now_none = parse_flags("FS");
    const auto now_one = parse_flags("FS,$Label1");
    const auto base = parse_flags("S,$Label1,Work");
    // auto: every letter gone at once is a reader's doing; some letters left is a user's edit.
    EXPECT_EQ(local_flags_meant(now_none, base, with(LocalKeywords::automatic)), parse_flags("FS,$Label1,Work"));
    EXPECT_EQ(local_flags_meant(now_one, base, with(LocalKeywords::automatic)), now_one);
    // kept: what the file says.
    EXPECT_EQ(local_flags_meant(now_none, base, with(LocalKeywords::kept)), now_none);
    // dropped: no keyword is ever removed from the Maildir side.
    EXPECT_EQ(local_flags_meant(now_one, base, with(LocalKeywords::dropped)), parse_flags("FS,$Label1,Work"));
    // Nothing to protect, or keywords not synced at all.
    EXPECT_EQ(local_flags_meant(now_none, parse_flags("S"), with(LocalKeywords::dropped)), now_none);
    Policy ignore = with(LocalKeywords::dropped);
    ignore.keywords = KeywordMode::ignore;
    EXPECT_EQ(local_flags_meant(now_none, base, ignore), now_none);
    // Additions are always the user's.
    EXPECT_EQ(local_flags_meant(parse_flags("S,$x"), base, with(LocalKeywords::automatic)), parse_flags("S,$x"));
}

TEST(LocalKeywordsPlan, MuDroppingEveryLetterKeepsTheServerKeywordsAndWritesTheLettersBack) {
    // mu flagged the message: F added, letters for $Label1 and Work gone.
    EXPECT_EQ(plan_lines("1:S,$Label1,Work", "1=1:S,$Label1,Work/S,$Label1,Work", "1:FS", Policy{}),
              (Lines{"set-flags remote uid=1 key=1 +F", "set-flags local uid=1 key=1 +,$Label1,Work",
                     "record uid=1 key=1 flags=FS,$Label1,Work/FS,$Label1,Work"}));
}

TEST(LocalKeywordsPlan, AReaderThatKeepsLettersRemovesOneKeyword) {
    EXPECT_EQ(plan_lines("1:S,$Label1,Work", "1=1:S,$Label1,Work/S,$Label1,Work", "1:S,Work", Policy{}),
              (Lines{"set-flags remote uid=1 key=1 -,$Label1", "record uid=1 key=1 flags=S,Work/S,Work"}));
}

TEST(LocalKeywordsPlan, KeptHonoursRemovingTheLastKeyword) {
    EXPECT_EQ(plan_lines("1:S,Work", "1=1:S,Work/S,Work", "1:S", with(LocalKeywords::kept)),
              (Lines{"set-flags remote uid=1 key=1 -,Work", "record uid=1 key=1 flags=S/S"}));
}

TEST(LocalKeywordsPlan, DroppedNeverRemovesFromTheServer) {
    EXPECT_EQ(
        plan_lines("1:S,$Label1,Work", "1=1:S,$Label1,Work/S,$Label1,Work", "1:S,Work", with(LocalKeywords::dropped)),
        (Lines{"set-flags local uid=1 key=1 +,$Label1"}));
}

TEST(LocalKeywordsPlan, ARemovalOnTheServerStillReachesTheFile) {
    // The server removed Work while mu dropped both letters: Work goes, $Label1 comes back.
    EXPECT_EQ(plan_lines("1:S,$Label1", "1=1:S,$Label1,Work/S,$Label1,Work", "1:S", Policy{}),
              (Lines{"set-flags local uid=1 key=1 +,$Label1", "record uid=1 key=1 flags=S,$Label1/S,$Label1"}));
}

TEST(LocalKeywordsPlan, PushNeverRenamesTheFileAndNeverRemovesFromTheServer) {
    Policy push;
    push.direction = Direction::push;
    EXPECT_EQ(plan_lines("1:S,Work", "1=1:S,Work/S,Work", "1:FS", push),
              (Lines{"set-flags remote uid=1 key=1 +F", "record uid=1 key=1 flags=FS,Work/FS"}));
}

TEST(LocalKeywordsPlan, DroppedLettersAreNoConflictWithADeletionOnTheServer) {
    // Expunged on the server; locally mu only dropped the letters: the deletion is propagated.
    EXPECT_EQ(plan_lines("2", "1=1:S,Work/S,Work 2=2", "1:S 2", Policy{}), (Lines{"expunge local uid=1 key=1"}));
    // A real local change (F) is still a conflict: the message is restored on the server.
    const auto restored = plan_lines("2", "1=1:S,Work/S,Work 2=2", "1:FS 2", Policy{});
    ASSERT_EQ(restored.size(), 1u);
    EXPECT_EQ(restored[0].rfind("restore-upload key=1", 0), 0u) << restored[0];
}

}  // namespace
}  // namespace mailtwin::sync::test
