// Property test (design.md habit 6) through the real executor and state DB: whatever users did on
// both sides, a sync and then a plan again has nothing to do, for every policy. The planner-only
// properties (mirroring, determinism) stay in tests/unit/sync/test_planner_properties.cpp.
#include <gtest/gtest.h>

#include "store_sync.hpp"
#include "store_user.hpp"

#include <algorithm>
#include <cstdlib>

namespace mailtwin::test {
namespace {

// MAILTWIN_SEEDS=<n> runs n cases instead of the CI default.
int case_count() {
    if (const char* env = std::getenv("MAILTWIN_SEEDS")) return std::max(1, std::atoi(env) / 3);
    return 500;
}

sync::Policy random_policy(StoreUser& gen) {
    sync::Policy p;
    p.direction = static_cast<sync::Direction>(gen.below(3));
    p.expunge = static_cast<sync::ExpungeTo>(gen.below(4));
    p.on_conflict = gen.below(2) ? sync::OnConflict::keep : sync::OnConflict::del;
    p.keywords = gen.below(3) ? sync::KeywordMode::sync : sync::KeywordMode::ignore;
    p.max_delete_percent = gen.below(2) ? 50 : 100;
    p.force = gen.below(4) == 0;
    p.local_keywords = static_cast<sync::LocalKeywords>(gen.below(3));
    return p;
}

TEST(StoreSyncProperties, ApplyThenPlanAgainIsEmptyForEveryPolicy) {
    for (int i = 0; i < case_count(); ++i) {
        const auto seed = static_cast<std::uint64_t>(i) + 5000;
        StoreUser gen(seed * 7919);  // the policy and the view kinds
        StoreUser user(seed);        // what users do between syncs
        StoreSync sync;
        const sync::Policy policy = random_policy(gen);
        for (int round = 0; round < 4; ++round) {
            user.act(sync, true, true);
            SyncRunOptions options;
            options.full[util::Side::remote] = gen.below(2) == 0;
            options.full[util::Side::local] = gen.below(2) == 0;
            const auto ran = sync.run(policy, options);
            ASSERT_FALSE(ran.error) << "case " << i << " round " << round << ": " << ran.error->message;
            const sync::Plan again = sync.plan(policy, options);
            // A refused plan depends on how the sides look, which the plan itself may change.
            if (!ran.plan.refused()) {
                ASSERT_TRUE(again.changes_nothing()) << "case " << i << " round " << round << ": " << plan_text(again);
            }
        }
    }
}

}  // namespace
}  // namespace mailtwin::test
