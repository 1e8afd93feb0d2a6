#include "mailtwin/watch/watch_debounce.hpp"

#include <algorithm>

namespace mailtwin::engine {

Debouncer::Debouncer(Clock::duration quiet, Clock::duration max_delay) noexcept
    : m_quiet(quiet), m_max_delay(std::max(max_delay, quiet)) {}

void Debouncer::note(const std::string& key, Clock::time_point now) {
    auto [it, inserted] = m_pending.try_emplace(key, Burst{now, now});
    if (!inserted) it->second.last = std::max(it->second.last, now);
}

Debouncer::Clock::time_point Debouncer::ready_at(const Burst& b) const noexcept {
    return std::min(b.last + m_quiet, b.first + m_max_delay);
}

std::optional<Debouncer::Clock::time_point> Debouncer::due() const {
    std::optional<Clock::time_point> earliest;
    for (const auto& [key, burst] : m_pending) {
        auto at = ready_at(burst);
        if (!earliest || at < *earliest) earliest = at;
    }
    return earliest;
}

std::set<std::string> Debouncer::take_ready(Clock::time_point now) {
    std::set<std::string> ready;
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if (ready_at(it->second) <= now) {
            ready.insert(it->first);
            it = m_pending.erase(it);
        } else {
            ++it;
        }
    }
    return ready;
}

std::set<std::string> Debouncer::take_all() {
    std::set<std::string> all;
    for (const auto& [key, burst] : m_pending) all.insert(key);
    m_pending.clear();
    return all;
}

}  // namespace mailtwin::engine
