// The late-APPEND rules (run/late_appends.hpp) on plans, without a server: which downloads are our
// own late copies, which watches a plan needs, and when a watch ends. The whole path, with a server
// finishing a killed run's APPEND late, is in tests/integration/engine/test_late_append.cpp.
#include "mailtwin/run/late_appends.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "mailtwin/state/row_identity.hpp"

namespace mailtwin::engine {
namespace {

const model::Identity k_ours{11, 12};
const model::Identity k_other{21, 22};
constexpr std::int64_t k_now = 1'700'000'000;

sync::Download download(model::Uid uid, std::optional<model::Identity> identity, bool restore = false) {
    sync::Download d;
    d.uid = uid;
    d.identity = identity;
    d.restore = restore;
    return d;
}

// Every Download of the plan is a new server copy (as the planner makes them), plus `extra`.
std::vector<NewServerCopy> fresh_of(const sync::Plan& plan, std::vector<NewServerCopy> extra = {}) {
    for (const auto& a : plan.actions)
        if (const auto* d = std::get_if<sync::Download>(&a); d && !d->restore && d->identity)
            extra.push_back({d->uid, *d->identity});
    std::sort(extra.begin(), extra.end(), [](const auto& x, const auto& y) { return x.uid < y.uid; });
    return extra;
}

std::vector<state::IntentId> recognise(sync::Plan& plan, const std::vector<LateAppendWatch>& watches,
                                       bool reset = false, std::int64_t now = k_now) {
    return recognise_late_copies(plan, fresh_of(plan), watches, reset, now);
}

LateAppendWatch watch(state::IntentId id, model::Uid above, std::int64_t created = k_now) {
    return LateAppendWatch{id, "key" + std::to_string(id), k_ours, above, created};
}

int expunges(const sync::Plan& plan) {
    int n = 0;
    for (const auto& a : plan.actions)
        if (const auto* e = std::get_if<sync::Expunge>(&a)) {
            EXPECT_EQ(e->side, util::Side::remote);
            EXPECT_TRUE(e->server_marked);  // never moved to `trash`: no user made it
            ++n;
        }
    return n;
}

TEST(LateAppends, ANewCopyAboveTheWatchedUidIsExpungedInsteadOfDownloaded) {
    sync::Plan plan;
    plan.actions = {download(7, k_ours), download(8, k_other)};
    auto drop = recognise(plan, {watch(1, 5)});
    EXPECT_EQ(drop, std::vector<state::IntentId>{1});
    ASSERT_EQ(plan.actions.size(), 2U);
    EXPECT_TRUE(std::holds_alternative<sync::Download>(plan.actions[0]));  // another message: downloaded
    ASSERT_TRUE(std::holds_alternative<sync::Expunge>(plan.actions[1]));
    EXPECT_EQ(std::get<sync::Expunge>(plan.actions[1]).uid, 7U);
    EXPECT_EQ(plan.counters.expunges[util::Side::remote], 1U);
    EXPECT_EQ(plan.counters.downloads, 1U);
}

TEST(LateAppends, ACopyAtOrBelowTheWatchedUidWasListedBeforeAndIsNotOurs) {
    sync::Plan plan;
    plan.actions = {download(5, k_ours), download(3, k_ours)};
    auto drop = recognise(plan, {watch(1, 5)});
    EXPECT_TRUE(drop.empty());
    EXPECT_EQ(expunges(plan), 0);
}

TEST(LateAppends, EachWatchTakesOneCopyTheLowestFirst) {
    // Two watches (the message interrupted twice, or twice in one batch), three copies: the third is
    // a message of its own.
    sync::Plan plan;
    plan.actions = {download(12, k_ours), download(10, k_ours), download(11, k_ours)};
    auto drop = recognise(plan, {watch(1, 5), watch(2, 5)});
    EXPECT_EQ(drop.size(), 2U);
    EXPECT_EQ(expunges(plan), 2);
    ASSERT_EQ(plan.actions.size(), 3U);
    ASSERT_TRUE(std::holds_alternative<sync::Download>(plan.actions[0]));
    EXPECT_EQ(std::get<sync::Download>(plan.actions[0]).uid, 12U);
}

TEST(LateAppends, RestoresAndMessagesWithoutIdentityAreNeverTaken) {
    sync::Plan plan;
    plan.actions = {download(7, k_ours, true), download(8, std::nullopt)};
    EXPECT_TRUE(recognise(plan, {watch(1, 5)}).empty());
    EXPECT_EQ(expunges(plan), 0);
}

TEST(LateAppends, ACopyTheServerWouldKeepIsTakenTooButNotOneAPairClaimed) {
    // direction = push (no download planned) or a filter's Skip: the late copy would stay on the
    // server as a second copy. A Pair: an unresolved intent row found its copy by identity.
    sync::Plan plan;
    plan.actions = {sync::Skip{util::Side::remote, 8, "", "larger than max_size"},
                    sync::Pair{9, "k", {}, {}, 1, k_ours}};
    auto drop = recognise_late_copies(plan, {{7, k_ours}, {8, k_ours}, {9, k_ours}},
                                      {watch(1, 5), watch(2, 5), watch(3, 5)}, false, k_now);
    EXPECT_EQ(drop, (std::vector<state::IntentId>{1, 2}));
    EXPECT_EQ(expunges(plan), 2);
    for (const auto& a : plan.actions) EXPECT_FALSE(std::holds_alternative<sync::Skip>(a));
    EXPECT_TRUE(std::holds_alternative<sync::Pair>(plan.actions[0]));
}

TEST(LateAppends, AWatchEndsWhenAListingPastTheWindowShowsNoCopy) {
    sync::Plan plan;
    const std::int64_t written = k_now - k_late_append_window;
    EXPECT_TRUE(recognise(plan, {watch(1, 5, written + 1)}).empty());
    EXPECT_EQ(recognise(plan, {watch(1, 5, written)}), std::vector<state::IntentId>{1});
    // Past the window, a copy that does land is still taken (the run after a long pause sees it).
    plan.actions = {download(9, k_ours)};
    EXPECT_EQ(recognise(plan, {watch(1, 5, written - 86400)}), std::vector<state::IntentId>{1});
    EXPECT_EQ(expunges(plan), 1);
}

TEST(LateAppends, AUidValidityChangeEndsEveryWatchAndTakesNothing) {
    sync::Plan plan;
    plan.actions = {download(9, k_ours)};
    EXPECT_EQ(recognise(plan, {watch(1, 5), watch(2, 5)}, true).size(), 2U);
    EXPECT_EQ(expunges(plan), 0);
}

TEST(LateAppends, OnlyUploadsAndForgetsOfRowsInDoubtGetAWatch) {
    model::FolderState last;
    last.pairs = {
        model::PairState{0, "doubt", {}, {}, 10, k_ours, false},    // intent row: APPEND in doubt
        model::PairState{0, "gone", {}, {}, 10, k_other, false},    // the same, its file deleted since
        model::PairState{0, "detached", {}, {}, 10, k_ours, true},  // deletion not propagated
        model::PairState{4, "paired", {}, {}, 10, k_ours, false},   // known pair
    };
    sync::Plan plan;
    sync::Upload up;
    up.key = "doubt";
    sync::Upload fresh;
    fresh.key = "new";
    plan.actions = {up, fresh, sync::Forget{0, "gone"}, sync::Forget{0, "detached"}, sync::Forget{4, "paired"}};
    auto watches = watches_for_unresolved_uploads(plan, last, "INBOX", 41, k_now);
    ASSERT_EQ(watches.size(), 2U);
    EXPECT_EQ(watches[0].local_key, "doubt");
    EXPECT_EQ(watches[1].local_key, "gone");
    for (const auto& w : watches) {
        EXPECT_EQ(w.kind, state::IntentKind::append);
        EXPECT_EQ(w.folder, "INBOX");
        EXPECT_EQ(w.uid, 41U);
        EXPECT_EQ(w.created, k_now);
    }
    // The identity survives the trip through the intent record.
    state::MessageRecord carrier;
    carrier.message_id_hash = watches[0].message_id_hash;
    carrier.content_hash = watches[0].content_hash;
    EXPECT_EQ(stored_identity(carrier), k_ours);
}

}  // namespace
}  // namespace mailtwin::engine
