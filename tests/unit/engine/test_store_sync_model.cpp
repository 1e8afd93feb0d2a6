// Randomized model test through the real executor and state DB (store_sync.hpp): random user
// operations on both MemoryStores between syncs, then a sync, checking convergence, no loss, no
// duplicate and that a second plan is empty; and, by policy, that a pull never changes the server,
// that expunge = none never deletes and that the safety rail holds.
// MAILTWIN_SEEDS=<n> runs n seeds per mode instead of the CI default.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <string>

#include "mailtwin/sync/plan_format.hpp"
#include "store_sync.hpp"
#include "store_user.hpp"

namespace mailtwin::test {
namespace {

using util::Side;

constexpr int k_default_seeds = 400;
constexpr int k_rounds = 8;

int seed_count() {
    if (const char* env = std::getenv("MAILTWIN_SEEDS")) return std::max(1, std::atoi(env));
    return k_default_seeds;
}

// content -> flags text (duplicates are checked separately).
std::map<std::uint64_t, std::string> flags_by_content(const MemoryStore& store) {
    std::map<std::uint64_t, std::string> out;
    for (const auto& [content, flags] : contents(store)) out[content] = flags;
    return out;
}

bool has_duplicates(const MemoryStore& store) { return flags_by_content(store).size() != store.size(); }

// Flags text (flags_text(): letters, then ",keyword"...) without a \Deleted (T) gained since
// `before`: gaining \Deleted agrees with a deletion on the other side, it is no change to keep.
std::string without_gained_deleted(std::string now, const std::string& before) {
    if (before.substr(0, before.find(',')).find('T') != std::string::npos) return now;
    const auto t = now.find('T');
    if (t != std::string::npos && t < now.find(',')) now.erase(t, 1);
    return now.empty() ? "-" : now;
}

// local_keywords = "auto": a Maildir copy that lost every keyword at once (and nothing else) lost
// them to a reader that drops letters it does not know; that is no change of the user's.
bool lost_only_every_keyword(const std::string& now, const std::string& before) {
    const auto letters = [](const std::string& f) {
        auto l = f.substr(0, f.find(','));
        return l.empty() ? std::string("-") : l;
    };
    return now.find(',') == std::string::npos && before.find(',') != std::string::npos &&
           letters(now) == letters(before);
}

bool marked_deleted(const std::string& flags) {
    return flags.substr(0, flags.find(',')).find('T') != std::string::npos;
}

// Full or incremental views, at random: the harness takes an incremental remote view and an
// unchanged local one whenever the checkpoint allows them.
SyncRunOptions random_options(StoreUser& u) {
    SyncRunOptions options;
    options.full[Side::remote] = u.below(2) != 0;
    options.full[Side::local] = u.below(2) != 0;
    return options;
}

// Reports the first failing seed with its history instead of thousands of failures.
struct Failure {
    bool failed = false;
    std::string what;
};

void expect(Failure& f, bool ok, std::uint64_t seed, int round, const std::string& what) {
    if (ok || f.failed) return;
    f.failed = true;
    f.what = "seed " + std::to_string(seed) + " round " + std::to_string(round) + ": " + what;
}

// Runs a sync; a run that fails (the executor's or a store's error) is a failure of the case.
sync::Plan run(Failure& f, StoreSync& sync, const sync::Policy& policy, const SyncRunOptions& options,
               std::uint64_t seed, int round) {
    const auto ran = sync.run(policy, options);
    expect(f, !ran.error, seed, round, "the run failed: " + (ran.error ? ran.error->message : std::string()));
    return ran.plan;
}

// Adds the action kinds of a plan to a tally, to show the model reaches every rule.
void tally(std::map<std::string, int>& t, const sync::Plan& p) {
    for (const auto& line : sync::format_plan(p, sync::PlanFormat::text)) ++t[line.substr(0, line.find(' '))];
}

using ByContent = std::map<std::uint64_t, std::string>;

// The survivors and deletions of one round of the both-ways model: what was there at the start
// is there after the sync unless a deletion took it, by the rules of a one-sided deletion.
void check_round(Failure& f, const UserLog& log, const ByContent& at_start, const util::PerSide<ByContent>& before_sync,
                 const ByContent& after, const sync::Policy& policy, std::uint64_t seed, int round,
                 const std::string& plan) {
    const bool state_trusted = !log.uidvalidity_reset && !log.state_lost;
    // Marked deleted (T) before the sync: a deletion the user asked for, with rules of its own
    // (tests/unit/sync/test_marked_deleted.cpp); here only duplicates, equal sides and convergence count.
    const auto marked = [&](std::uint64_t content) {
        for (Side s : util::k_both_sides) {
            auto it = before_sync[s].find(content);
            if (it != before_sync[s].end() && marked_deleted(it->second)) return true;
        }
        return false;
    };
    for (const auto& [content, flags] : at_start) {
        if (marked(content)) continue;
        const bool del_r = log.deleted[Side::remote].count(content) != 0;
        const bool del_l = log.deleted[Side::local].count(content) != 0;
        const bool present = after.count(content) != 0;
        const std::string which = std::to_string(content);
        if (!del_r && !del_l) {
            expect(f, present, seed, round, "lost message " + which + plan);
        } else if (del_r != del_l) {
            const Side keep = del_r ? Side::local : Side::remote;
            const auto now_flags = without_gained_deleted(before_sync[keep].at(content), flags);
            const bool changed =
                now_flags != flags && !(keep == Side::local && lost_only_every_keyword(now_flags, flags));
            if (changed && policy.on_conflict == sync::OnConflict::keep)
                expect(f, present, seed, round, "changed survivor lost " + which + plan);
            else if (state_trusted)
                expect(f, !present, seed, round, "deletion not propagated " + which + plan);
        } else {
            expect(f, !present, seed, round, "deleted on both sides, back " + which);
        }
    }
    for (auto content : log.created) {
        if (marked(content)) continue;
        const bool deleted = log.deleted[Side::remote].count(content) || log.deleted[Side::local].count(content);
        if (!deleted) expect(f, after.count(content) != 0, seed, round, "new message lost");
    }
}

TEST(StoreSyncModel, BothDirectionsConvergeWithoutLossOrDuplicates) {
    Failure f;
    std::map<std::string, int> seen;
    const int seeds = seed_count();
    for (int seed_no = 1; seed_no <= seeds && !f.failed; ++seed_no) {
        const auto seed = static_cast<std::uint64_t>(seed_no);
        StoreUser user(seed);
        StoreSync sync;
        sync::Policy policy;
        policy.force = true;  // the rail has its own tests; random deletions in tiny folders trip it
        policy.on_conflict = seed % 3 == 0 ? sync::OnConflict::del : sync::OnConflict::keep;
        for (int round = 0; round < k_rounds && !f.failed; ++round) {
            const auto at_start = flags_by_content(sync.server);  // both sides equal here
            const UserLog log = user.act(sync, true, true);
            const util::PerSide<ByContent> before_sync{{flags_by_content(sync.server), flags_by_content(sync.maildir)}};
            const sync::Plan plan = run(f, sync, policy, random_options(user), seed, round);
            tally(seen, plan);
            const std::string text = plan_text(plan);
            expect(f, !has_duplicates(sync.server) && !has_duplicates(sync.maildir), seed, round, "duplicate" + text);
            expect(f, contents(sync.server) == contents(sync.maildir), seed, round, "sides differ after sync" + text);
            check_round(f, log, at_start, before_sync, flags_by_content(sync.maildir), policy, seed, round, text);
            const sync::Plan again = sync.plan(policy, random_options(user));
            expect(f, again.changes_nothing(), seed, round, "second plan not empty:" + plan_text(again));
        }
    }
    EXPECT_FALSE(f.failed) << f.what;
    for (const char* kind : {"reset-uids", "pair", "forget", "set-flags", "record", "expunge", "download", "upload",
                             "restore-download", "restore-upload"})
        EXPECT_GT(seen[kind], 0) << "the model never produced " << kind;
}

TEST(StoreSyncModel, PullNeverChangesTheServer) {
    Failure f;
    const int seeds = seed_count() / 3 + 1;
    for (int seed_no = 1; seed_no <= seeds && !f.failed; ++seed_no) {
        const auto seed = static_cast<std::uint64_t>(seed_no);
        StoreUser user(seed + 1'000'000);
        StoreSync sync;
        sync::Policy policy;
        policy.direction = sync::Direction::pull;
        policy.force = true;
        std::set<std::uint64_t> deleted_locally;
        for (int round = 0; round < k_rounds && !f.failed; ++round) {
            const UserLog log = user.act(sync, true, true);
            deleted_locally.insert(log.deleted[Side::local].begin(), log.deleted[Side::local].end());
            const auto server_before = sync.server.messages();
            const auto uidvalidity = sync.server.uidvalidity();
            const sync::Plan plan = run(f, sync, policy, random_options(user), seed, round);
            const auto server_after = sync.server.messages();
            const bool unchanged = std::equal(server_before.begin(), server_before.end(), server_after.begin(),
                                              server_after.end(), [](const StoredMessage& a, const StoredMessage& b) {
                                                  return a.id.uid == b.id.uid && a.bytes == b.bytes &&
                                                         a.flags == b.flags && a.modseq == b.modseq;
                                              });
            expect(f, unchanged && sync.server.uidvalidity() == uidvalidity, seed, round,
                   "pull changed the server" + plan_text(plan));
            expect(f, !has_duplicates(sync.maildir), seed, round, "duplicate" + plan_text(plan));
            const auto local = flags_by_content(sync.maildir);
            for (const auto& [content, flags] : flags_by_content(sync.server))
                if (deleted_locally.count(content) == 0)
                    expect(f, local.count(content) != 0, seed, round, "server message not pulled" + plan_text(plan));
            const sync::Plan again = sync.plan(policy, random_options(user));
            expect(f, again.changes_nothing(), seed, round, "second plan not empty:" + plan_text(again));
        }
    }
    EXPECT_FALSE(f.failed) << f.what;
}

TEST(StoreSyncModel, ExpungeNoneNeverDeletes) {
    Failure f;
    const int seeds = seed_count() / 3 + 1;
    for (int seed_no = 1; seed_no <= seeds && !f.failed; ++seed_no) {
        const auto seed = static_cast<std::uint64_t>(seed_no);
        StoreUser user(seed + 2'000'000);
        StoreSync sync;
        sync::Policy policy;
        policy.expunge = sync::ExpungeTo::none;
        policy.force = true;
        for (int round = 0; round < k_rounds && !f.failed; ++round) {
            user.act(sync, true, true);
            const util::PerSide<ByContent> before{{flags_by_content(sync.server), flags_by_content(sync.maildir)}};
            const sync::Plan plan = run(f, sync, policy, random_options(user), seed, round);
            for (Side s : util::k_both_sides) {
                const auto after = flags_by_content(sync.store(s));
                for (const auto& [content, flags] : before[s])
                    expect(f, after.count(content) != 0, seed, round, "expunge=none deleted" + plan_text(plan));
                expect(f, !has_duplicates(sync.store(s)), seed, round, "duplicate" + plan_text(plan));
            }
            const sync::Plan again = sync.plan(policy, random_options(user));
            expect(f, again.changes_nothing(), seed, round,
                   "second plan not empty:" + plan_text(again) + "\nafter:" + plan_text(plan));
        }
    }
    EXPECT_FALSE(f.failed) << f.what;
}

TEST(StoreSyncModel, SafetyRailNeverExpungesMoreThanAllowed) {
    Failure f;
    const int seeds = seed_count() / 3 + 1;
    for (int seed_no = 1; seed_no <= seeds && !f.failed; ++seed_no) {
        const auto seed = static_cast<std::uint64_t>(seed_no);
        StoreUser user(seed + 3'000'000);
        StoreSync sync;
        sync::Policy policy;  // max_delete_percent = 50, no --force
        for (int round = 0; round < k_rounds && !f.failed; ++round) {
            user.act(sync, false, false);
            std::size_t paired = 0;
            for (const auto& r : sync.rows().pairs)
                if (r.uid != 0 && !r.key.empty() && !r.detached) ++paired;
            // Messages marked deleted (T) are explicit requests the rail does not hold back.
            std::size_t marked = 0;
            for (Side s : util::k_both_sides)
                for (const auto& m : sync.store(s).messages()) marked += m.flags.has(model::Flag::deleted) ? 1 : 0;
            const sync::Plan plan = run(f, sync, policy, random_options(user), seed, round);
            for (Side s : util::k_both_sides)
                expect(f, plan.counters.expunges[s] * 100 <= 50 * paired + 100 * marked, seed, round,
                       "rail exceeded" + plan_text(plan));
            expect(f, !has_duplicates(sync.server) && !has_duplicates(sync.maildir), seed, round,
                   "duplicate" + plan_text(plan));
        }
    }
    EXPECT_FALSE(f.failed) << f.what;
}

}  // namespace
}  // namespace mailtwin::test
