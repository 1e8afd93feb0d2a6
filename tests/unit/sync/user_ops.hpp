#pragma once
// What users and other clients do to the simulated sides between syncs, at random, with a record
// of it for the invariants of the model test.
#include <cstdint>
#include <random>
#include <set>

#include "sim.hpp"

namespace mailtwin::sync::sim {

struct RoundLog {
    util::PerSide<std::set<std::uint64_t>> deleted;  // contents the user deleted on that side
    std::set<std::uint64_t> created;                 // contents new this round
    bool uidvalidity_reset = false;
    bool state_lost = false;
};

class User {
public:
    explicit User(std::uint64_t seed) : m_rng(seed) {}

    // A few random operations on both sides. allow_* enable the rare, drastic ones.
    RoundLog act(World& w, bool allow_reset, bool allow_state_loss);

    int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(m_rng); }

private:
    void new_message(World& w, util::Side s, RoundLog& log);
    void toggle(World& w, util::Side s, std::uint64_t content);
    void remove(World& w, util::Side s, std::uint64_t content, RoundLog& log);
    std::uint64_t random_content(const World& w, util::Side s);

    std::mt19937_64 m_rng;
    std::uint64_t m_next_content = 1;
};

// The contents on a side, with their flags (one entry per copy).
std::multiset<std::pair<std::uint64_t, std::string>> contents(const World& w, util::Side s);

}  // namespace mailtwin::sync::sim
