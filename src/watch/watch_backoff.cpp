#include "mailtwin/watch/watch_backoff.hpp"

#include <algorithm>

namespace mailtwin::engine {

Backoff::Backoff(Duration initial, Duration max, double jitter) noexcept
    : m_initial(std::max(initial, Duration(1))),
      m_max(std::max(max, m_initial)),
      m_jitter(std::clamp(jitter, 0.0, 1.0)) {}

Backoff::Duration Backoff::base() const noexcept {
    // Doubling stops once the cap is reached, so a long outage cannot overflow the count.
    Duration d = m_initial;
    for (unsigned i = 0; i < m_attempts && d < m_max; ++i) d *= 2;
    return std::min(d, m_max);
}

Backoff::Duration Backoff::next(double unit) noexcept {
    const Duration b = base();
    ++m_attempts;
    const double u = std::clamp(unit, 0.0, 1.0);
    const auto off = static_cast<Duration::rep>(static_cast<double>(b.count()) * m_jitter * u);
    return std::max(Duration(1), b - Duration(off));
}

}  // namespace mailtwin::engine
