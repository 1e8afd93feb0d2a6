#include "mailtwin/sync/plan_format.hpp"

#include <gtest/gtest.h>

#include "scenario.hpp"

namespace mailtwin::sync {
namespace {

TEST(PlanFormat, FlagsText) {
    EXPECT_EQ(flags_text(model::FlagSet{}), "-");
    EXPECT_EQ(flags_text(test::parse_flags("FS,$work")), "FS,$work");
    EXPECT_EQ(test::parse_flags(flags_text(test::parse_flags("DT,$a,b"))), test::parse_flags("DT,$a,b"));
}

TEST(PlanFormat, RefusalTextGivesTheNumbersTheShareAndTheLimit) {
    EXPECT_EQ(refusal_text(Refuse{util::Side::local, 70, 100, k_over_limit_reason, RefuseCause::over_limit, {}, 50}),
              "REFUSED 70 of 100 deletions seen in the Maildir (70 %, over max_delete_percent = 50): the server keeps "
              "them; run with --force to carry them out");
    EXPECT_EQ(refusal_text(Refuse{
                  util::Side::remote, 3, 3, "the folder appears empty on that side", RefuseCause::appears_empty, {}}),
              "REFUSED 3 of 3 deletions seen on the server: the folder appears empty on that side; the Maildir keeps "
              "them");
}

TEST(PlanFormat, TextLines) {
    EXPECT_EQ(to_text(SetFlags{util::Side::remote, 7, "k", test::parse_flags("S"), test::parse_flags("F")}),
              "set-flags remote uid=7 key=k +S -F");
    EXPECT_EQ(to_text(Download{9, test::parse_flags("S"), test::parse_flags("S"), 0, 1200, std::nullopt, false}),
              "download uid=9 flags=S size=1200");
    EXPECT_EQ(to_text(Forget{0, "abc"}), "forget uid=- key=abc");
    EXPECT_EQ(to_text(ResetUids{1, 2}), "reset-uids uidvalidity 1 -> 2");
}

// For people (--dry-run -v): IMAP names, and a keyword alone reads as itself, not as ",Work".
TEST(PlanFormat, DisplayLinesNameTheFlags) {
    EXPECT_EQ(display_flags(model::FlagSet{}), "-");
    EXPECT_EQ(display_flags(test::parse_flags(",Work")), "Work");
    EXPECT_EQ(display_flags(test::parse_flags("FS,$label1,Work")), "\\Flagged,\\Seen,$label1,Work");
    EXPECT_EQ(to_display_text(SetFlags{util::Side::remote, 7, "k", {}, test::parse_flags(",Work")}),
              "set-flags remote uid=7 key=k -Work");
    EXPECT_EQ(to_display_text(SetFlags{util::Side::local, 7, "k", test::parse_flags("S,Work"), test::parse_flags("F")}),
              "set-flags local uid=7 key=k +\\Seen,Work -\\Flagged");
    EXPECT_EQ(to_display_text(Download{9, test::parse_flags(",Work"), {}, 0, 1200, std::nullopt, false}),
              "download uid=9 flags=Work size=1200");
    // The notation the scenario tables parse stays as it is.
    EXPECT_EQ(to_text(SetFlags{util::Side::remote, 7, "k", {}, test::parse_flags(",Work")}),
              "set-flags remote uid=7 key=k -,Work");
    Plan plan;
    plan.actions = {Record{1, "k", test::parse_flags("S,Work"), test::parse_flags(",Work")}};
    EXPECT_EQ(format_plan(plan, PlanFormat::display),
              (std::vector<std::string>{"record uid=1 key=k flags=\\Seen,Work/Work"}));
}

TEST(PlanFormat, JsonLines) {
    EXPECT_EQ(to_json(SetFlags{util::Side::local, 7, "k\"1", test::parse_flags("S,$a"), {}}),
              R"({"action":"set-flags","side":"local","uid":7,"key":"k\"1","add":["\\Seen","$a"],"remove":[]})");
    EXPECT_EQ(to_json(Expunge{util::Side::remote, 3, "x"}),
              R"({"action":"expunge","side":"remote","uid":3,"key":"x"})");
    EXPECT_EQ(to_json(Refuse{util::Side::local, 3, 4, "why\n", RefuseCause::over_limit, {}}),
              R"({"action":"refuse","gone":"local","count":3,"paired":4,"reason":"why\n"})");
}

TEST(PlanFormat, OneLinePerActionInOrder) {
    Plan plan;
    plan.actions = {Forget{1, "a"}, Expunge{util::Side::local, 2, "b"}};
    EXPECT_EQ(format_plan(plan, PlanFormat::text),
              (std::vector<std::string>{"forget uid=1 key=a", "expunge local uid=2 key=b"}));
    const auto json = format_plan(plan, PlanFormat::json);
    ASSERT_EQ(json.size(), 2u);
    EXPECT_EQ(json[0], R"({"action":"forget","uid":1,"key":"a"})");
}

TEST(PlanCounters, CountsAndPredicates) {
    Plan plan;
    plan.actions = {Skip{util::Side::remote, 1, "", "larger than max_size"}};
    EXPECT_TRUE(plan.changes_nothing());
    EXPECT_FALSE(plan.refused());
    plan.actions.push_back(Refuse{util::Side::local, 3, 4, "x", RefuseCause::over_limit, {}});
    plan.actions.push_back(SetFlags{util::Side::local, 1, "a", {}, {}});
    const auto c = count_actions(plan.actions);
    EXPECT_EQ(c.skips, 1u);
    EXPECT_EQ(c.refused, 3u);
    EXPECT_EQ(c.flag_changes[util::Side::local], 1u);
    EXPECT_FALSE(plan.changes_nothing());
    EXPECT_TRUE(plan.refused());
    EXPECT_EQ(order_group(Download{}), order_group(Upload{}));
    EXPECT_LT(order_group(Pair{}), order_group(SetFlags{}));
    EXPECT_LT(order_group(Record{}), order_group(Expunge{}));
}

}  // namespace
}  // namespace mailtwin::sync
