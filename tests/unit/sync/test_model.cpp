// Randomized model test: random user operations on both simulated sides between syncs, then
// plan + apply, checking convergence, no loss, no duplicate and that a second plan is empty.
// MAILTWIN_SEEDS=<n> runs n seeds per mode instead of the CI default.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>

#include "mailtwin/sync/plan_format.hpp"
#include "mailtwin/sync/planner.hpp"
#include "sim.hpp"
#include "user_ops.hpp"

namespace mailtwin::sync::sim {
namespace {

using util::Side;

constexpr int k_default_seeds = 5000;
constexpr int k_rounds = 8;
constexpr std::int64_t k_now = 1'700'000'000;

int seed_count() {
    if (const char* env = std::getenv("MAILTWIN_SEEDS")) return std::max(1, std::atoi(env));
    return k_default_seeds;
}

// content -> flags text, per side (duplicates are checked separately).
std::map<std::uint64_t, std::string> flags_by_content(const World& w, Side s) {
    std::map<std::uint64_t, std::string> out;
    for (const auto& [content, flags] : contents(w, s)) out[content] = flags;
    return out;
}

bool has_duplicates(const World& w, Side s) {
    const auto all = contents(w, s);
    return flags_by_content(w, s).size() != all.size();
}

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
        const auto l = f.substr(0, f.find(','));
        return l.empty() ? std::string("-") : l;
    };
    return now.find(',') == std::string::npos && before.find(',') != std::string::npos &&
           letters(now) == letters(before);
}

SyncOptions random_options(User& u) { return SyncOptions{u.below(2) == 0, u.below(2) == 0}; }

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

std::string plan_text(const Plan& p) {
    std::string out;
    for (const auto& l : format_plan(p, PlanFormat::text)) out += "\n  " + l;
    return out;
}

// Adds the action kinds of a plan to a tally, to show the model reaches every rule.
void tally(std::map<std::string, int>& t, const Plan& p) {
    for (const auto& line : format_plan(p, PlanFormat::text)) ++t[line.substr(0, line.find(' '))];
}

TEST(SyncModel, BothDirectionsConvergeWithoutLossOrDuplicates) {
    Failure f;
    std::map<std::string, int> seen;
    const int seeds = seed_count();
    for (int seed = 1; seed <= seeds && !f.failed; ++seed) {
        User user(static_cast<std::uint64_t>(seed));
        World w;
        Policy policy;
        policy.force = true;  // the rail has its own tests; random deletions in tiny folders trip it
        policy.on_conflict = seed % 3 == 0 ? OnConflict::del : OnConflict::keep;
        for (int round = 0; round < k_rounds && !f.failed; ++round) {
            const auto at_start = flags_by_content(w, Side::remote);  // both sides equal here
            const RoundLog log = user.act(w, true, true);
            const util::PerSide<std::map<std::uint64_t, std::string>> before_sync{
                {flags_by_content(w, Side::remote), flags_by_content(w, Side::local)}};
            const Plan plan = sync_once(w, policy, k_now, random_options(user));
            tally(seen, plan);

            expect(f, !has_duplicates(w, Side::remote) && !has_duplicates(w, Side::local), seed, round,
                   "duplicate" + plan_text(plan));
            expect(f, contents(w, Side::remote) == contents(w, Side::local), seed, round,
                   "sides differ after sync" + plan_text(plan));
            const auto after = flags_by_content(w, Side::local);
            const bool state_trusted = !log.uidvalidity_reset && !log.state_lost;
            // Marked deleted (T) before the sync: a deletion the user asked for, with rules of its own
            // (test_marked_deleted.cpp); here only duplicates, equal sides and convergence count.
            const auto marked = [&](std::uint64_t content) {
                for (Side s : util::k_both_sides) {
                    auto it = before_sync[s].find(content);
                    if (it != before_sync[s].end() &&
                        it->second.substr(0, it->second.find(',')).find('T') != std::string::npos)
                        return true;
                }
                return false;
            };
            for (const auto& [content, flags] : at_start) {
                if (marked(content)) continue;
                const bool del_r = log.deleted[Side::remote].count(content) != 0;
                const bool del_l = log.deleted[Side::local].count(content) != 0;
                const bool present = after.count(content) != 0;
                if (!del_r && !del_l) {
                    expect(f, present, seed, round, "lost message " + std::to_string(content) + plan_text(plan));
                } else if (del_r != del_l) {
                    const Side keep = del_r ? Side::local : Side::remote;
                    const auto now_flags = without_gained_deleted(before_sync[keep].at(content), flags);
                    const bool changed =
                        now_flags != flags && !(keep == Side::local && lost_only_every_keyword(now_flags, flags));
                    if (changed && policy.on_conflict == OnConflict::keep)
                        expect(f, present, seed, round,
                               "changed survivor lost " + std::to_string(content) + plan_text(plan));
                    else if (state_trusted)
                        expect(f, !present, seed, round,
                               "deletion not propagated " + std::to_string(content) + plan_text(plan));
                } else {
                    expect(f, !present, seed, round, "deleted on both sides, back " + std::to_string(content));
                }
            }
            for (auto content : log.created) {
                if (marked(content)) continue;
                const bool deleted =
                    log.deleted[Side::remote].count(content) || log.deleted[Side::local].count(content);
                if (!deleted) expect(f, after.count(content) != 0, seed, round, "new message lost");
            }
            const Plan again = plan_only(w, policy, k_now, random_options(user));
            expect(f, again.changes_nothing(), seed, round, "second plan not empty:" + plan_text(again));
        }
    }
    EXPECT_FALSE(f.failed) << f.what;
    for (const char* kind : {"reset-uids", "pair", "forget", "set-flags", "record", "expunge", "download", "upload",
                             "restore-download", "restore-upload"})
        EXPECT_GT(seen[kind], 0) << "the model never produced " << kind;
}

TEST(SyncModel, PullNeverChangesTheServer) {
    Failure f;
    const int seeds = seed_count() / 3 + 1;
    for (int seed = 1; seed <= seeds && !f.failed; ++seed) {
        User user(static_cast<std::uint64_t>(seed) + 1'000'000);
        World w;
        Policy policy;
        policy.direction = Direction::pull;
        policy.force = true;
        std::set<std::uint64_t> deleted_locally;
        for (int round = 0; round < k_rounds && !f.failed; ++round) {
            const RoundLog log = user.act(w, true, true);
            deleted_locally.insert(log.deleted[Side::local].begin(), log.deleted[Side::local].end());
            const auto server_before = contents(w, Side::remote);
            const auto uidvalidity = w.server.uidvalidity;
            const auto uids_before = w.server.messages.size();
            const Plan plan = sync_once(w, policy, k_now, random_options(user));
            expect(f,
                   contents(w, Side::remote) == server_before && w.server.uidvalidity == uidvalidity &&
                       w.server.messages.size() == uids_before,
                   seed, round, "pull changed the server" + plan_text(plan));
            expect(f, !has_duplicates(w, Side::local), seed, round, "duplicate" + plan_text(plan));
            const auto local = flags_by_content(w, Side::local);
            for (const auto& [content, flags] : flags_by_content(w, Side::remote))
                if (deleted_locally.count(content) == 0)
                    expect(f, local.count(content) != 0, seed, round, "server message not pulled" + plan_text(plan));
            const Plan again = plan_only(w, policy, k_now, random_options(user));
            expect(f, again.changes_nothing(), seed, round, "second plan not empty:" + plan_text(again));
        }
    }
    EXPECT_FALSE(f.failed) << f.what;
}

TEST(SyncModel, ExpungeNoneNeverDeletes) {
    Failure f;
    const int seeds = seed_count() / 3 + 1;
    for (int seed = 1; seed <= seeds && !f.failed; ++seed) {
        User user(static_cast<std::uint64_t>(seed) + 2'000'000);
        World w;
        Policy policy;
        policy.expunge = ExpungeTo::none;
        policy.force = true;
        for (int round = 0; round < k_rounds && !f.failed; ++round) {
            user.act(w, true, true);
            const util::PerSide<std::map<std::uint64_t, std::string>> before{
                {flags_by_content(w, Side::remote), flags_by_content(w, Side::local)}};
            const Plan plan = sync_once(w, policy, k_now, random_options(user));
            for (Side s : util::k_both_sides) {
                const auto after = flags_by_content(w, s);
                for (const auto& [content, flags] : before[s])
                    expect(f, after.count(content) != 0, seed, round, "expunge=none deleted" + plan_text(plan));
                expect(f, !has_duplicates(w, s), seed, round, "duplicate" + plan_text(plan));
            }
            const Plan again = plan_only(w, policy, k_now, random_options(user));
            expect(f, again.changes_nothing(), seed, round,
                   "second plan not empty:" + plan_text(again) + "\nafter:" + plan_text(plan));
        }
    }
    EXPECT_FALSE(f.failed) << f.what;
}

TEST(SyncModel, SafetyRailNeverExpungesMoreThanAllowed) {
    Failure f;
    const int seeds = seed_count() / 3 + 1;
    for (int seed = 1; seed <= seeds && !f.failed; ++seed) {
        User user(static_cast<std::uint64_t>(seed) + 3'000'000);
        World w;
        Policy policy;  // max_delete_percent = 50, no --force
        for (int round = 0; round < k_rounds && !f.failed; ++round) {
            user.act(w, false, false);
            std::size_t paired = 0;
            for (const auto& r : w.state.pairs)
                if (r.uid != 0 && !r.key.empty() && !r.detached) ++paired;
            // Messages marked deleted (T) are explicit requests the rail does not hold back.
            std::size_t marked = 0;
            for (const auto& [uid, m] : w.server.messages) marked += m.flags.has(model::Flag::deleted) ? 1 : 0;
            for (const auto& [key, m] : w.maildir.messages) marked += m.flags.has(model::Flag::deleted) ? 1 : 0;
            const Plan plan = sync_once(w, policy, k_now, random_options(user));
            for (Side s : util::k_both_sides)
                expect(f, plan.counters.expunges[s] * 100 <= 50 * paired + 100 * marked, seed, round,
                       "rail exceeded" + plan_text(plan));
            expect(f, !has_duplicates(w, Side::remote) && !has_duplicates(w, Side::local), seed, round,
                   "duplicate" + plan_text(plan));
        }
    }
    EXPECT_FALSE(f.failed) << f.what;
}

}  // namespace
}  // namespace mailtwin::sync::sim
