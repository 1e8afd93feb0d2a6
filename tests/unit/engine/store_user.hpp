#pragma once
// What users and other clients do to the two stores of a StoreSync between syncs, at random: new
// messages, flag toggles, deletions, both sides editing one message, a deletion on one side with an
// edit on the other, and the rare drastic ones (a new UIDVALIDITY, a lost state). The same seed
// does the same things to the same stores, so a crash loop can build one world again and again.
#include "store_sync.hpp"

#include <cstdint>
#include <random>

namespace mailtwin::test {

class StoreUser {
public:
    explicit StoreUser(std::uint64_t seed) : m_rng(seed) {}

    // A few random operations on both sides. allow_* enable the rare, drastic ones.
    void act(StoreSync& sync, bool allow_reset, bool allow_state_loss);

    int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(m_rng); }

private:
    void new_message(MemoryStore& store);
    void toggle(MemoryStore& store, std::uint64_t content);
    void remove(MemoryStore& store, std::uint64_t content);
    std::uint64_t random_content(const MemoryStore& store);

    std::mt19937_64 m_rng;
    std::uint64_t m_next_content = 1;
};

}  // namespace mailtwin::test
