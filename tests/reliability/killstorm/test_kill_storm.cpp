// Kill storm: the shared spec promises "a crash or kill at any instant -> the next run converges; no
// message lost or duplicated". Each round changes both sides (new, flags, deletes, local moves between
// folders), starts a sync and SIGKILLs it at a random instant — half the rounds at a random wall-clock
// delay, half right after a random committed state step (MAILTWIN_TEST_STOP_AFTER_STEP) so that kills
// land inside the executor and not only during connect — then one clean sync must give exactly the
// expected set (folder, Message-ID, body hash, flags) on both sides, and a dry run must plan nothing.
// CI: 50 rounds; MAILTWIN_LONG=1: 1,000. MAILTWIN_SEED=N replays a run.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "support/setup.hpp"

namespace mailtwin::test {
namespace {

const std::vector<std::string> k_folders{"A", "B", "C"};

class Storm {
public:
    Storm(SyncSetup& s, std::uint32_t seed) : m_s(s), m_rng(seed) {}

    std::string body(std::size_t n) {
        // Mostly small, sometimes large: a large body makes a kill mid-download (mid-literal) likely.
        std::size_t size = pick(0, 9) == 0 ? 40000 + pick(0, 200000) : 100 + pick(0, 4000);
        std::string b = "round " + std::to_string(m_round) + " message " + std::to_string(n) + "\n";
        static constexpr char k_chars[] = "abcdefghijklmnopqrstuvwxyz     \n";
        while (b.size() < size) b += k_chars[pick(0, sizeof(k_chars) - 2)];
        return b;
    }

    void seed_corpus(std::size_t per_folder) {
        for (const auto& f : k_folders) {
            m_s.server_create(f);
            std::vector<std::pair<std::string, std::string>> batch;
            for (std::size_t i = 0; i < per_folder; ++i) {
                std::string id = "s" + f + std::to_string(i);
                batch.emplace_back(id, body(i));
                m_expected[{f, id}] = Item{f, id, body_hash(message_text(id, batch.back().second)), ""};
            }
            m_s.server_append(f, batch);
        }
    }

    // Changes on both sides; each message is touched at most once per round, so the converged result
    // is determined (no conflict between a deletion and a change of the same message).
    void change_both_sides() {
        ++m_round;
        std::set<std::pair<std::string, std::string>> touched;
        const std::size_t ops = pick(3, 9);
        for (std::size_t op = 0; op < ops; ++op) {
            const auto kind = pick(0, 6);
            const std::string f = k_folders[pick(0, k_folders.size() - 1)];
            if (kind == 0 || kind == 1) {  // new message on the server (kind 0) or locally (kind 1)
                const std::string id = "r" + std::to_string(m_round) + "-" + std::to_string(op);
                const std::string b = body(op);
                if (kind == 0)
                    m_s.server_append(f, {{id, b}}, pick(0, 1) ? "\\Seen" : "");
                else
                    m_s.local_deliver(f, id, b, pick(0, 1) ? "S" : "");
                // New messages carry \Seen or nothing; read back their flags from the side they were made on.
                m_expected[{f, id}] = Item{f, id, body_hash(message_text(id, b)), "?"};
                (kind == 0 ? m_fresh_server : m_fresh_local).push_back({f, id});
                touched.insert({f, id});
                ++m_stats_new;
                continue;
            }
            auto victim = random_synced(f, touched);
            if (!victim) continue;
            touched.insert(*victim);
            Item& item = m_expected[*victim];
            if (std::getenv("MAILTWIN_STORM_TRACE"))
                std::cout << "round " << m_round << ": op " << kind << " on " << f << "/" << victim->second << " ["
                          << m_expected[*victim].flags << "]\n";
            if (kind == 2) {  // server flag change
                const bool seen = item.flags.find('S') != std::string::npos;
                const bool flagged = item.flags.find('F') != std::string::npos;
                if (pick(0, 1))
                    m_s.server_flags(f, item.id, seen ? "" : "\\Seen", seen ? "\\Seen" : "");
                else
                    m_s.server_flags(f, item.id, flagged ? "" : "\\Flagged", flagged ? "\\Flagged" : "");
                item.flags = "?";
                m_fresh_server.push_back(*victim);
                ++m_stats_flags;
            } else if (kind == 3) {  // local flag change, as a mail reader renames the file
                static const char* k_sets[] = {"", "S", "FS", "RS", "F", "FRS"};
                std::string letters = k_sets[pick(0, 5)];
                m_s.local_set_flags(f, item.id, letters);
                item.flags = letters;
                ++m_stats_flags;
            } else if (kind == 4) {
                m_s.server_expunge(f, item.id);
                m_expected.erase(*victim);
                ++m_stats_deletes;
            } else if (kind == 5) {
                m_s.local_delete(f, item.id);
                m_expected.erase(*victim);
                ++m_stats_deletes;
            } else {  // a local move into another folder
                const std::string to =
                    k_folders[(pick(1, k_folders.size() - 1) +
                               static_cast<std::size_t>(std::find(k_folders.begin(), k_folders.end(), f) -
                                                        k_folders.begin())) %
                              k_folders.size()];
                m_s.local_move(f, to, item.id);
                Item moved = item;
                moved.folder = to;
                m_expected.erase(*victim);
                m_expected[{to, moved.id}] = moved;
                touched.insert({to, moved.id});
                ++m_stats_moves;
            }
        }
    }

    void settle_expected_flags() {
        if (m_fresh_server.empty() && m_fresh_local.empty()) return;
        // Each change is read back from the side it was made on: that side's letters are the truth to
        // converge to.
        const auto server = m_s.server();
        const auto local = m_s.local();
        for (const auto& [fresh, side] : {std::pair{&m_fresh_server, &server}, std::pair{&m_fresh_local, &local}}) {
            for (const auto& key : *fresh) {
                auto it = m_expected.find(key);
                if (it == m_expected.end()) continue;
                for (const auto& i : *side)
                    if (i.folder == key.first && i.id == key.second) it->second.flags = i.flags;
            }
            fresh->clear();
        }
    }

    [[nodiscard]] Contents expected() const {
        Contents c;
        for (const auto& [k, v] : m_expected) c.insert(v);
        return c;
    }

    std::size_t pick(std::size_t lo, std::size_t hi) {
        return std::uniform_int_distribution<std::size_t>(lo, hi)(m_rng);
    }

    std::size_t m_stats_new = 0, m_stats_flags = 0, m_stats_deletes = 0, m_stats_moves = 0;

private:
    std::optional<std::pair<std::string, std::string>> random_synced(
        const std::string& folder, const std::set<std::pair<std::string, std::string>>& touched) {
        std::vector<std::pair<std::string, std::string>> candidates;
        for (const auto& [k, v] : m_expected)
            if (k.first == folder && !touched.count(k)) candidates.push_back(k);
        if (candidates.empty()) return std::nullopt;
        return candidates[pick(0, candidates.size() - 1)];
    }

    SyncSetup& m_s;
    std::mt19937 m_rng;
    std::size_t m_round = 0;
    std::map<std::pair<std::string, std::string>, Item> m_expected;
    std::vector<std::pair<std::string, std::string>> m_fresh_server;
    std::vector<std::pair<std::string, std::string>> m_fresh_local;
};

std::size_t count_plan_lines(const std::string& json_output) {
    std::size_t n = 0;
    std::istringstream in(json_output);
    for (std::string line; std::getline(in, line);)
        if (line.find("\"plan\":") != std::string::npos) ++n;
    return n;
}

TEST(KillStorm, EveryKilledSyncConvergesOnTheNextRunWithNothingLostOrDuplicated) {
    const std::size_t rounds = long_run() ? 1000 : 50;
    std::uint32_t seed = std::random_device{}();
    if (const char* s = std::getenv("MAILTWIN_SEED")) seed = static_cast<std::uint32_t>(std::strtoul(s, nullptr, 10));
    std::cout << "kill storm seed " << seed << " (replay with MAILTWIN_SEED=" << seed << ")\n";

    SyncSetup s("kill");
    Storm storm(s, seed);
    storm.seed_corpus(long_run() ? 150 : 80);
    auto first = s.sync();
    ASSERT_EQ(first.exit_code, 0) << describe(first);
    ASSERT_EQ(diff(storm.expected(), s.local(), "local"), "");
    auto last_clean = first.elapsed;

    std::size_t killed = 0, finished_before_kill = 0, stopped_at_step = 0, dry_run_checks = 0;
    for (std::size_t round = 1; round <= rounds; ++round) {
        storm.change_both_sides();
        storm.settle_expected_flags();

        ChildOptions kill;
        if (round % 2 == 0) {
            kill.env.push_back("MAILTWIN_TEST_STOP_AFTER_STEP=" + std::to_string(storm.pick(1, 6)));
        } else {
            // Up to the length of the last clean run of a similar round: early kills hit connect and
            // planning, late ones the downloads, uploads and commits.
            const auto max_ms = std::max<std::size_t>(50, static_cast<std::size_t>(last_clean.count()));
            kill.kill_after = std::chrono::milliseconds(storm.pick(0, max_ms));
        }
        auto killed_run = s.sync({}, kill);
        ASSERT_FALSE(killed_run.crashed()) << "round " << round << ": " << describe(killed_run);
        ASSERT_FALSE(killed_run.timed_out) << describe(killed_run);
        if (killed_run.killed_on_purpose)
            ++killed;
        else if (killed_run.exit_code == 99)
            ++stopped_at_step;
        else {
            ++finished_before_kill;
            ASSERT_EQ(killed_run.exit_code, 0) << "round " << round << ": " << describe(killed_run);
        }

        auto clean = s.sync();
        last_clean = clean.elapsed;
        ASSERT_EQ(clean.exit_code, 0) << "round " << round << " (seed " << seed << "): " << describe(clean);
        const Contents expected = storm.expected();
        const std::string d = diff(expected, s.server(), "server") + diff(expected, s.local(), "local");
        ASSERT_EQ(d, "") << "round " << round << " (seed " << seed << ") after a run that "
                         << (killed_run.killed_on_purpose ? "was killed" : "stopped") << ":\n"
                         << clean.output;
        auto dry = s.sync({"--dry-run", "--log-format", "json"});
        ASSERT_EQ(dry.exit_code, 0) << describe(dry);
        ASSERT_EQ(count_plan_lines(dry.output), 0u) << "round " << round << ": the state is not consistent with "
                                                    << "both sides, a further sync still plans:\n"
                                                    << dry.output;
        ++dry_run_checks;
    }
    EXPECT_GT(killed + stopped_at_step, rounds / 2) << "most runs must actually be interrupted";
    report_figures("kill_storm",
                   std::to_string(rounds) + " rounds: " + std::to_string(killed) + " SIGKILLed, " +
                       std::to_string(stopped_at_step) + " stopped after a random state step, " +
                       std::to_string(finished_before_kill) +
                       " finished before the kill; changes made: " + std::to_string(storm.m_stats_new) + " new, " +
                       std::to_string(storm.m_stats_flags) + " flag changes, " + std::to_string(storm.m_stats_deletes) +
                       " deletions, " + std::to_string(storm.m_stats_moves) + " local moves; final corpus " +
                       std::to_string(storm.expected().size()) + " messages; lost 0, duplicated 0, " +
                       std::to_string(dry_run_checks) + " dry runs planned nothing; seed " + std::to_string(seed));
}

}  // namespace
}  // namespace mailtwin::test
