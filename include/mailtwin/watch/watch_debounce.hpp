#pragma once
// Coalesces bursts of change events per key (a folder): a mail reader renaming fifty files to mark
// them read is one sync, started once the folder has been quiet for `quiet`. A folder that never
// goes quiet (a long import) is still synced every `max_delay` after its first unsynced event.
// Pure: the caller passes the clock's time, so tests run without sleeping.
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace mailtwin::engine {

class Debouncer {
public:
    using Clock = std::chrono::steady_clock;

    Debouncer(Clock::duration quiet, Clock::duration max_delay) noexcept;

    // An event for `key` at `now`.
    void note(const std::string& key, Clock::time_point now);
    // When the earliest key becomes ready; nullopt when nothing is pending.
    [[nodiscard]] std::optional<Clock::time_point> due() const;
    // The keys ready at `now` (quiet long enough, or waiting since max_delay), removed from the
    // pending set; keys still in a burst stay.
    std::set<std::string> take_ready(Clock::time_point now);
    // Every pending key, ready or not (a full pass covers them all).
    std::set<std::string> take_all();
    [[nodiscard]] bool empty() const noexcept { return m_pending.empty(); }
    [[nodiscard]] bool contains(const std::string& key) const { return m_pending.count(key) != 0; }

private:
    struct Burst {
        Clock::time_point first;
        Clock::time_point last;
    };
    [[nodiscard]] Clock::time_point ready_at(const Burst& b) const noexcept;

    Clock::duration m_quiet;
    Clock::duration m_max_delay;
    std::map<std::string, Burst> m_pending;
};

}  // namespace mailtwin::engine
