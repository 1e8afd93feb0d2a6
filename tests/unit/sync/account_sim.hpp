#pragma once
// Several simulated folders of one account, synced as the engine does: every folder planned, the
// moves between them found (sync/moves.hpp) and applied first, then each folder's plan. Users move
// messages between folders on either side, by rename (same key) or by a new file (new key, same
// content), next to flag changes, deletions and new mail.
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "mailtwin/sync/moves.hpp"
#include "sim.hpp"

namespace mailtwin::sync::sim {

struct Account {
    std::vector<World> folders;
    explicit Account(std::size_t n);
};

struct AccountSync {
    std::vector<Plan> plans;
    Moves moves;
    [[nodiscard]] bool refused() const;
    [[nodiscard]] bool changes_nothing() const;
};

// Plans every folder and finds the moves, without applying anything.
AccountSync plan_account(const Account& a, const Policy& policy, const SyncOptions& opts);
// One sync of the account: plan, moves first, then the plans.
AccountSync sync_account(Account& a, const Policy& policy, const SyncOptions& opts);

// Applies the moves the way the engine does (run/moves.cpp) to the simulated sides and state.
void apply_moves(Account& a, const Moves& moves);

struct AccountLog {
    std::set<std::uint64_t> deleted;  // contents a user deleted, on either side
    std::set<std::uint64_t> created;
};

class AccountUser {
public:
    explicit AccountUser(std::uint64_t seed) : m_rng(seed) {}
    // A few random operations on both sides of random folders.
    void act(Account& a, AccountLog& log);

private:
    int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(m_rng); }
    model::FlagSet random_flags();
    std::mt19937_64 m_rng;
    std::uint64_t m_next_content = 1;
};

// Every folder's server, Maildir and state rows, one line each, for failure messages.
std::string describe(const Account& a);

// Contents on a side over all folders, one entry per copy (a duplicate shows as a repeat).
std::multiset<std::uint64_t> all_contents(const Account& a, util::Side s);

}  // namespace mailtwin::sync::sim
