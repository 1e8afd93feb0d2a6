#include "mailtwin/run/state_batch.hpp"

#include <cstdlib>

#include <unistd.h>

#include <atomic>

namespace mailtwin::engine {
namespace {

std::atomic<long> g_steps{0};

util::Error stopped() {
    return util::Error{std::make_error_code(std::errc::operation_canceled), "stopped after a commit (crash test)"};
}

}  // namespace

void count_committed_step() {
    static const long stop_after = [] {
        const char* v = std::getenv("MAILTWIN_TEST_STOP_AFTER_STEP");
        return v ? std::atol(v) : 0L;
    }();
    long n = ++g_steps;
    if (stop_after > 0 && n >= stop_after) ::_exit(99);  // as abrupt as a kill: no destructor, no flush
}

StateBatch::StateBatch(state::StateDb& db, std::size_t max_bodies, std::chrono::milliseconds max_age)
    : m_db(db), m_max_bodies(max_bodies), m_max_age(max_age) {
    // Crash tests stop the run after its N-th commit: committing every record on its own gives them
    // every state a batched run can leave behind (a batch commits a prefix of the same sequence).
    if (std::getenv("MAILTWIN_TEST_STOP_AFTER_STEP")) m_max_bodies = 1;
}

util::Expected<void> StateBatch::add(Body body) {
    if (m_stop_after && m_commits >= m_stop_after) return util::unexpected(stopped());
    if (m_bodies.empty()) m_oldest = std::chrono::steady_clock::now();
    m_bodies.push_back(std::move(body));
    if (m_bodies.size() >= m_max_bodies || std::chrono::steady_clock::now() - m_oldest >= m_max_age) return commit();
    return {};
}

util::Expected<void> StateBatch::commit() {
    if (m_stop_after && m_commits >= m_stop_after) {
        m_bodies.clear();
        return util::unexpected(stopped());
    }
    if (m_bodies.empty()) return {};
    std::vector<Body> bodies = std::move(m_bodies);
    m_bodies.clear();
    auto r = m_db.write([&bodies](state::WriteTxn& txn) -> util::Expected<void> {
        for (const auto& body : bodies)
            if (auto b = body(txn); !b) return b;
        return {};
    });
    if (!r) return r;
    m_db.env().release_mapped_pages();
    ++m_commits;
    count_committed_step();
    return {};
}

}  // namespace mailtwin::engine
