#pragma once
// What users and other clients do to the folders of an AccountSync between syncs, at random, on
// both sides of random folders: new mail, flag changes, deletions, and moves between folders. On
// the server a move is another client's UID MOVE (a new UID, the same flags); in the Maildir it is
// a mail reader's, either by rename (the same key, maybe new flags) or by a new file (a new key, the
// same message, the old file unlinked; within one folder that is a rewrite in place). The same seed
// does the same things to the same account. What was created and deleted is logged (AccountLog) for
// the no-loss invariant.
#include <cstdint>
#include <random>
#include <set>

#include "account_sync_harness.hpp"

namespace mailtwin::test {

struct AccountLog {
    std::set<std::uint64_t> deleted;  // contents a user deleted, on either side
    std::set<std::uint64_t> created;
};

class AccountUser {
public:
    explicit AccountUser(std::uint64_t seed) : m_rng(seed) {}
    // One to four random operations on both sides of random folders.
    void act(AccountSync& account, AccountLog& log);

private:
    int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(m_rng); }
    model::FlagSet random_flags();
    void new_mail(MemoryStore& store, AccountLog& log);
    // `what` as act() draws it (2..9): a flag change (2..4) or a deletion (5) of a random message of
    // `from`, else a move to `to`:
    // on the server another client's UID MOVE; in the Maildir a rename (6, 7) or a new file (8, 9).
    void change(MemoryStore& from, MemoryStore& to, bool server_side, int what, AccountLog& log);

    std::mt19937_64 m_rng;
    std::uint64_t m_next_content = 1;
};

}  // namespace mailtwin::test
