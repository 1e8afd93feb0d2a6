// Property tests (design.md habit 6) through the real executor and state DB, over users' random
// changes on both sides between syncs, for every policy:
//   - a sync and then a plan again has nothing to do;
//   - swapping the sides mirrors every sync: the world built by the same user with remote and
//     local exchanged gets the mirrored plan and ends with the mirrored stores;
//   - the same world syncs the same way twice: the same plans, stores and state rows.
// The planner-only forms of the mirror and determinism, over scenario tables that reach every row
// shape the state can hold, are in tests/unit/sync/test_planner_properties.cpp.
#include <gtest/gtest.h>

#include "mailtwin/sync/plan_format.hpp"
#include "plan_by_content.hpp"
#include "store_sync.hpp"
#include "store_user.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <map>

namespace mailtwin::test {
namespace {

using util::Side;

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

// Full or incremental views, at random.
SyncRunOptions random_options(StoreUser& gen) {
    SyncRunOptions options;
    options.full[Side::remote] = gen.below(2) == 0;
    options.full[Side::local] = gen.below(2) == 0;
    return options;
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
            const SyncRunOptions options = random_options(gen);
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

// --- Mirror ---

sync::Policy mirrored(const sync::Policy& p) {
    sync::Policy m = p;
    if (p.direction == sync::Direction::pull)
        m.direction = sync::Direction::push;
    else if (p.direction == sync::Direction::push)
        m.direction = sync::Direction::pull;
    if (p.expunge == sync::ExpungeTo::local)
        m.expunge = sync::ExpungeTo::remote;
    else if (p.expunge == sync::ExpungeTo::remote)
        m.expunge = sync::ExpungeTo::local;
    return m;
}

// Every store of the mirror configured as the store of the other side in the world (the traits of
// its writes), and the views of all four with the same identities.
void configure_mirror(StoreSync& world, StoreSync& mirror, ViewIdentities identities) {
    for (Side s : util::k_both_sides) {
        world.store(s).set_view_identities(identities);
        mirror.store(s).set_view_identities(identities);
        mirror.store(s).set_traits(world.store(util::other(s)).traits());
    }
}

// No max_size, or one that skips every message, or one that copies messages 1 to 9 and skips the
// rest (their numbers are longer).
std::uint64_t random_max_size(StoreUser& gen) {
    switch (gen.below(4)) {
        case 0:
            return crlf_size(content_message(1)) - 1;
        case 1:
            return crlf_size(content_message(9)) + 1;
        default:
            return 0;
    }
}

// Adds the action kinds of a plan to a tally, to show the test reaches every rule (a restore of a
// download in one world is one of an upload in the other).
void tally(std::map<std::string, int>& t, const std::vector<std::string>& lines) {
    for (const auto& line : lines) ++t[line.substr(0, line.find(' '))];
}

TEST(StoreSyncProperties, SwappingTheSidesMirrorsEverySync) {
    std::map<std::string, int> seen;
    for (int i = 0; i < case_count(); ++i) {
        const auto seed = static_cast<std::uint64_t>(i) + 7000;
        StoreUser gen(seed * 7919);
        StoreUser user(seed);
        StoreUser swapped_user(seed, true);
        StoreSync world;
        StoreSync mirror;
        configure_mirror(world, mirror, gen.below(2) == 0 ? ViewIdentities::none : ViewIdentities::all);
        sync::Policy policy = random_policy(gen);
        policy.max_size = random_max_size(gen);
        // The one rule with a side of its own: keyword letters a Maildir reader dropped
        // (tests/unit/sync/test_local_keywords.cpp). "kept" reads letters like the server's keywords.
        policy.local_keywords = sync::LocalKeywords::kept;
        ContentNames world_names;
        ContentNames mirror_names;
        for (int round = 0; round < 4; ++round) {
            // No new UIDVALIDITY: the local side has none to mirror it.
            user.act(world, false, true);
            swapped_user.act(mirror, false, true);
            // Full views: an incremental remote view and a local one have no mirror of each other
            // (a local view that changed is a full one, and the safety rail reads an empty full
            // view as a folder that appears empty).
            SyncRunOptions options;
            options.full[Side::remote] = options.full[Side::local] = true;
            for (Side s : util::k_both_sides) {
                world_names.learn(world.store(s));
                mirror_names.learn(mirror.store(s));
            }
            const auto ran = world.run(policy, options);
            const auto mirror_ran = mirror.run(mirrored(policy), options);
            const std::string where = "case " + std::to_string(i) + " round " + std::to_string(round);
            ASSERT_FALSE(ran.error) << where << ": " << ran.error->message;
            ASSERT_FALSE(mirror_ran.error) << where << " mirrored: " << mirror_ran.error->message;
            const auto lines = lines_by_content(ran.plan, world_names);
            ASSERT_EQ(mirrored_lines_by_content(mirror_ran.plan, mirror_names), lines) << where;
            tally(seen, lines);
            tally(seen, lines_by_content(mirror_ran.plan, mirror_names));
            ASSERT_EQ(contents(mirror.maildir), contents(world.server)) << where;
            ASSERT_EQ(contents(mirror.server), contents(world.maildir)) << where;
        }
    }
    for (const char* kind : {"pair", "forget", "set-flags", "record", "expunge", "download", "upload",
                             "restore-download", "restore-upload", "skip", "refuse"})
        EXPECT_GT(seen[kind], 0) << "the mirror test never planned " << kind;
}

// --- Determinism ---

bool same_messages(const MemoryStore& a, const MemoryStore& b) {
    const auto ma = a.messages();
    const auto mb = b.messages();
    return std::equal(ma.begin(), ma.end(), mb.begin(), mb.end(), [](const StoredMessage& x, const StoredMessage& y) {
        return x.id == y.id && x.bytes == y.bytes && x.flags == y.flags && x.internaldate == y.internaldate &&
               x.modseq == y.modseq;
    });
}

TEST(StoreSyncProperties, SyncingIsDeterministic) {
    for (int i = 0; i < 200; ++i) {
        const auto seed = static_cast<std::uint64_t>(i) + 77;
        StoreUser gen(seed * 7919);
        const sync::Policy policy = random_policy(gen);
        // Two worlds built by the same user, synced with the same options.
        std::array<StoreUser, 2> users{StoreUser(seed), StoreUser(seed)};
        std::array<StoreSync, 2> worlds;
        for (int round = 0; round < 4; ++round) {
            const SyncRunOptions options = random_options(gen);
            std::array<sync::Plan, 2> plans;
            for (std::size_t w = 0; w < 2; ++w) {
                users[w].act(worlds[w], true, true);
                const auto ran = worlds[w].run(policy, options);
                ASSERT_FALSE(ran.error) << "case " << i << " round " << round << ": " << ran.error->message;
                plans[w] = ran.plan;
            }
            const std::string where = "case " + std::to_string(i) + " round " + std::to_string(round);
            ASSERT_EQ(sync::format_plan(plans[1], sync::PlanFormat::text),
                      sync::format_plan(plans[0], sync::PlanFormat::text))
                << where;
            for (Side s : util::k_both_sides)
                ASSERT_TRUE(same_messages(worlds[1].store(s), worlds[0].store(s))) << where;
            ASSERT_EQ(worlds[1].rows(), worlds[0].rows()) << where;
        }
    }
}

}  // namespace
}  // namespace mailtwin::test
