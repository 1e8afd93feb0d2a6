#pragma once
// The reconnect schedule of watch mode: exponential from `initial` to `max`, with jitter so that many
// clients cut off by the same outage do not all reconnect in the same second. Pure: the random draw
// comes in as a number, so the schedule is testable.
#include <chrono>

namespace mailtwin::engine {

class Backoff {
public:
    using Duration = std::chrono::milliseconds;

    static constexpr Duration k_default_initial = std::chrono::seconds(1);
    static constexpr Duration k_default_max = std::chrono::minutes(5);
    static constexpr double k_default_jitter = 0.25;

    // `jitter` in [0, 1]: the share of each delay that the random draw may take off.
    explicit Backoff(Duration initial = k_default_initial, Duration max = k_default_max,
                     double jitter = k_default_jitter) noexcept;

    // The wait before the next attempt, `unit` a uniform draw in [0, 1): the base delay (initial,
    // doubled per failed attempt, capped at max) less up to `jitter` of it. Never above max, never
    // below (1 - jitter) of the base.
    Duration next(double unit) noexcept;
    // The base delay the next call to next() starts from (no jitter).
    [[nodiscard]] Duration base() const noexcept;
    // A success: the next failure starts from `initial` again.
    void reset() noexcept { m_attempts = 0; }
    [[nodiscard]] unsigned attempts() const noexcept { return m_attempts; }

private:
    Duration m_initial;
    Duration m_max;
    double m_jitter;
    unsigned m_attempts = 0;
};

}  // namespace mailtwin::engine
