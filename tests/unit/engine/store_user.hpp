#pragma once
// What users and other clients do to the two stores of a StoreSync between syncs, at random: new
// messages, flag toggles, deletions, both sides editing one message, a deletion on one side with an
// edit on the other, and the rare drastic ones (a new UIDVALIDITY, a lost state). The same seed
// does the same things to the same stores, so a crash loop can build one world again and again.
// Each round's doings are logged (UserLog) for the invariants of the model test.
//
// A user made with sides_swapped does to the local store what the other does to the server and
// the reverse: the same seed on a swapped user builds the mirror image of the same world, for the
// mirror property (drawing by content, not by uid or key, so both draw the same messages).
#include "store_sync.hpp"

#include <cstdint>
#include <random>
#include <set>

namespace mailtwin::test {

// What a round of the user did.
struct UserLog {
    util::PerSide<std::set<std::uint64_t>> deleted;  // contents the user deleted on that side
    std::set<std::uint64_t> created;                 // contents new this round
    bool uidvalidity_reset = false;
    bool state_lost = false;
};

class StoreUser {
public:
    explicit StoreUser(std::uint64_t seed, bool sides_swapped = false) : m_rng(seed), m_swapped(sides_swapped) {}

    // A few random operations on both sides. allow_* enable the rare, drastic ones; a reset always
    // renumbers the server, so a mirror test passes allow_reset = false. The log names the sides as
    // the user means them (for a swapped user, `remote` is the local store).
    UserLog act(StoreSync& sync, bool allow_reset, bool allow_state_loss);

    int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(m_rng); }

private:
    // The store the user means by `side` (the other one when the sides are swapped).
    MemoryStore& store(StoreSync& sync, util::Side side) const;
    void new_message(MemoryStore& store, UserLog& log);
    void toggle(MemoryStore& store, std::uint64_t content);
    void remove(MemoryStore& store, std::uint64_t content);
    std::uint64_t random_content(const MemoryStore& store);

    std::mt19937_64 m_rng;
    bool m_swapped = false;
    std::uint64_t m_next_content = 1;
};

}  // namespace mailtwin::test
