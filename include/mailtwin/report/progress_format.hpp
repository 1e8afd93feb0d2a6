#pragma once
// The pure half of the live progress display (src/app/progress_display): how sizes, rates and ETAs
// are written, when a redraw is due, and the ANSI text that draws, redraws and erases the block of
// one line per running folder. Nothing here touches a terminal, so all of it is unit-tested.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mailtwin::engine {

// "48.1/424 MiB": the unit is chosen by `total`, so both numbers read in the same unit.
std::string format_size_pair(std::uint64_t done, std::uint64_t total);
// "12.3 MiB/s": the unit is chosen by the rate itself.
std::string format_rate(double bytes_per_second);
// "612 B", "4.2 KiB", "424 MiB": the unit is chosen by the size itself.
std::string format_size(std::uint64_t bytes);
// "0:31", "12:05", "1:02:03": whole seconds, rounded up.
std::string format_duration(double seconds);
// As format_duration; "--:--" for no estimate (negative) or one beyond 100 hours.
std::string format_eta(double seconds);
// `name` + `numbers` in at most `columns` characters (UTF-8 code points): the name is shortened from
// its left with "..." so that the numbers, the part that changes, stay visible.
std::string fit_line(const std::string& name, const std::string& numbers, std::size_t columns);

class ProgressBoard {
public:
    using Clock = std::chrono::steady_clock;
    // At most ten redraws a second: a terminal redrawn faster flickers and costs the sync CPU.
    static constexpr std::chrono::milliseconds k_min_redraw_interval{100};
    // More running folders than this are summed up in one "+N more" line, so the block stays small.
    static constexpr std::size_t k_max_lines = 8;

    void start(const std::string& account, const std::string& folder, std::uint64_t messages, std::uint64_t bytes,
               Clock::time_point now);
    void advance(const std::string& account, const std::string& folder, std::uint64_t messages_done,
                 std::uint64_t bytes_done);
    // Forgets the folder; true when its line is on the screen (the caller redraws at once, so that a
    // finished folder never lingers).
    bool finish(const std::string& account, const std::string& folder);

    // Whether the throttle lets a redraw through at `now`.
    [[nodiscard]] bool due(Clock::time_point now) const;
    // Erases the block drawn last and draws the current one; the cursor ends below it, at column 0.
    // `columns` is the terminal's width: lines stay one short of it, so that none wraps.
    std::string redraw(Clock::time_point now, std::size_t columns);
    // Erases the block drawn last; the cursor ends where its first line was, at column 0.
    std::string erase();

    [[nodiscard]] std::size_t drawn_lines() const noexcept { return m_drawn; }
    [[nodiscard]] bool empty() const noexcept { return m_folders.empty(); }
    // The text of each line as it would be drawn now (no escape sequences).
    [[nodiscard]] std::vector<std::string> lines(Clock::time_point now, std::size_t columns) const;

private:
    struct Folder {
        std::string name;  // account/folder
        std::uint64_t messages = 0, bytes = 0;
        std::uint64_t messages_done = 0, bytes_done = 0;
        Clock::time_point started;
    };
    Folder* find(const std::string& name);
    static std::string line_of(const Folder& f, Clock::time_point now, std::size_t columns);

    std::vector<Folder> m_folders;     // in the order they started
    std::vector<std::string> m_shown;  // names on the screen, as drawn last
    std::size_t m_drawn = 0;
    std::optional<Clock::time_point> m_last_draw;
};

}  // namespace mailtwin::engine
