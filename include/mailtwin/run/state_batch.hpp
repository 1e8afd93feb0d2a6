#pragma once
// The state records of a run, committed in few transactions instead of one per step.
//
// Each fsync'd LMDB commit costs milliseconds and blocks the run's only thread; a run that touched
// 100 folders made ~500 of them. What a record describes is already durable on both sides when it is
// queued (design rule: act, then record), and every queued record is of work that a rerun
// recognises without repeating it: flags both sides already agree on are recorded, expunges seen
// on both sides are forgotten, copies already present are paired by identity. Losing queued
// records to a kill therefore costs a little re-checking, never a duplicate or a loss.
// What is NOT safe to defer is an intent before a non-idempotent action (APPEND): the caller
// commits the queue before such an action.
//
// The queue commits on its own when it holds many bodies or its oldest is a few seconds old (so a
// long initial pull keeps its progress), and the account runner commits what is left at the end.
#include <chrono>
#include <cstddef>
#include <functional>
#include <vector>

#include "mailtwin/state/state_db.hpp"

namespace mailtwin::engine {

class StateBatch {
public:
    // A body must be a function of the transaction alone (it may run again when the map grows),
    // and must own what it writes: it runs after the caller's locals are gone.
    using Body = std::function<util::Expected<void>(state::WriteTxn&)>;

    explicit StateBatch(state::StateDb& db, std::size_t max_bodies = 64,
                        std::chrono::milliseconds max_age = std::chrono::seconds(2));
    StateBatch(const StateBatch&) = delete;
    StateBatch& operator=(const StateBatch&) = delete;

    // Queues `body`; commits the queue when it is full or old. An error is that commit's.
    util::Expected<void> add(Body body);
    // Commits every queued body in one transaction (one committed step for the crash hook); the
    // queue is empty afterwards even when the commit failed (the next run redoes that work).
    util::Expected<void> commit();
    [[nodiscard]] state::StateDb& db() noexcept { return m_db; }
    [[nodiscard]] std::size_t pending() const noexcept { return m_bodies.size(); }
    [[nodiscard]] std::size_t commits() const noexcept { return m_commits; }
    // Crash tests in-process: after `commits` commits, every later add() and commit() fails and
    // writes nothing, as if the process had been killed right after that commit (what the run did
    // on the stores before its next record is then unrecorded, as after a kill). 0: never.
    void stop_after(std::size_t commits) noexcept { m_stop_after = commits; }

private:
    state::StateDb& m_db;
    std::size_t m_max_bodies;
    std::chrono::milliseconds m_max_age;
    std::chrono::steady_clock::time_point m_oldest{};
    std::vector<Body> m_bodies;
    std::size_t m_commits = 0;
    std::size_t m_stop_after = 0;
};

// Crash tests of the binary: MAILTWIN_TEST_STOP_AFTER_STEP=N makes the process exit at once (as if
// killed) right after its N-th committed state transaction, across all folders of the run.
void count_committed_step();

}  // namespace mailtwin::engine
