#include "mailtwin/report/progress_format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mailtwin::engine {
namespace {

constexpr const char* k_units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
constexpr std::size_t k_unit_count = sizeof k_units / sizeof k_units[0];

std::size_t unit_for(double bytes) {
    std::size_t u = 0;
    while (bytes >= 1024.0 && u + 1 < k_unit_count) {
        bytes /= 1024.0;
        ++u;
    }
    return u;
}

// Three significant digits at most: "4.2", "48.1", "424"; bytes are whole.
std::string number(double value, std::size_t unit) {
    char buf[32];
    if (unit == 0 || value >= 99.95)
        std::snprintf(buf, sizeof buf, "%.0f", value);
    else
        std::snprintf(buf, sizeof buf, "%.1f", value);
    return buf;
}

double scaled(double bytes, std::size_t unit) { return bytes / std::pow(1024.0, static_cast<double>(unit)); }

std::size_t code_points(const std::string& s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// The first `n` code points of `s`.
std::string head(const std::string& s, std::size_t n) {
    std::size_t seen = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && seen++ == n) return s.substr(0, i);
    }
    return s;
}

// The last `n` code points of `s`.
std::string tail(const std::string& s, std::size_t n) {
    std::size_t seen = 0;
    for (std::size_t i = s.size(); i-- > 0;) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && ++seen == n) return s.substr(i);
    }
    return s;
}

std::string up(std::size_t lines) {
    // "\x1b[0A" moves one line up on some terminals, so zero lines means no sequence at all.
    return lines == 0 ? std::string() : "\x1b[" + std::to_string(lines) + "A";
}

}  // namespace

std::string format_size_pair(std::uint64_t done, std::uint64_t total) {
    const std::size_t u = unit_for(static_cast<double>(total));
    return number(scaled(static_cast<double>(done), u), u) + "/" + number(scaled(static_cast<double>(total), u), u) +
           " " + k_units[u];
}

std::string format_rate(double bytes_per_second) {
    if (!(bytes_per_second > 0)) bytes_per_second = 0;
    const std::size_t u = unit_for(bytes_per_second);
    return number(scaled(bytes_per_second, u), u) + " " + k_units[u] + "/s";
}

std::string format_size(std::uint64_t bytes) {
    const std::size_t u = unit_for(static_cast<double>(bytes));
    return number(scaled(static_cast<double>(bytes), u), u) + " " + k_units[u];
}

std::string format_duration(double seconds) {
    const auto s = static_cast<long>(std::ceil(std::max(seconds, 0.0)));
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
    return buf;
}

std::string format_eta(double seconds) {
    if (!(seconds >= 0) || seconds >= 100.0 * 3600) return "--:--";
    return format_duration(seconds);
}

std::string fit_line(const std::string& name, const std::string& numbers, std::size_t columns) {
    const std::size_t n = code_points(name), m = code_points(numbers);
    if (n + m <= columns) return name + numbers;
    if (columns >= m + 4) return "..." + tail(name, columns - m - 3) + numbers;
    return head(name + numbers, columns);
}

void ProgressBoard::start(const std::string& account, const std::string& folder, std::uint64_t messages,
                          std::uint64_t bytes, Clock::time_point now) {
    const std::string name = account + "/" + folder;
    if (Folder* f = find(name)) {
        *f = Folder{name, messages, bytes, 0, 0, now};
        return;
    }
    m_folders.push_back(Folder{name, messages, bytes, 0, 0, now});
}

void ProgressBoard::advance(const std::string& account, const std::string& folder, std::uint64_t messages_done,
                            std::uint64_t bytes_done) {
    if (Folder* f = find(account + "/" + folder)) {
        f->messages_done = messages_done;
        f->bytes_done = bytes_done;
    }
}

bool ProgressBoard::finish(const std::string& account, const std::string& folder) {
    const std::string name = account + "/" + folder;
    std::erase_if(m_folders, [&](const Folder& f) { return f.name == name; });
    return std::find(m_shown.begin(), m_shown.end(), name) != m_shown.end();
}

bool ProgressBoard::due(Clock::time_point now) const {
    return !m_last_draw || now - *m_last_draw >= k_min_redraw_interval;
}

std::vector<std::string> ProgressBoard::lines(Clock::time_point now, std::size_t columns) const {
    std::vector<std::string> out;
    const std::size_t shown = m_folders.size() > k_max_lines ? k_max_lines - 1 : m_folders.size();
    for (std::size_t i = 0; i < shown; ++i) out.push_back(line_of(m_folders[i], now, columns));
    if (shown < m_folders.size())
        out.push_back(head("+" + std::to_string(m_folders.size() - shown) + " more folders", columns));
    return out;
}

std::string ProgressBoard::redraw(Clock::time_point now, std::size_t columns) {
    // One short of the width: a line filling the last column makes some terminals wrap, and a
    // wrapped line would throw off the count of lines to move up.
    const std::size_t usable = std::max<std::size_t>(columns, 21) - 1;
    const auto text = lines(now, usable);
    std::string out = "\r" + up(m_drawn);
    for (const auto& line : text) out += "\x1b[2K" + line + "\n";
    // The old block was taller: clear what is left of it line by line and come back up. Not with
    // "erase to end of screen": tmux (scroll-on-clear) pushes the screen into its history when that
    // is done from the top-left corner, which would scroll the user's screen.
    const std::size_t left = m_drawn > text.size() ? m_drawn - text.size() : 0;
    for (std::size_t i = 0; i < left; ++i) out += i + 1 < left ? "\x1b[2K\x1b[1B" : "\x1b[2K";
    out += up(left > 0 ? left - 1 : 0);
    m_drawn = text.size();
    m_shown.clear();
    for (std::size_t i = 0; i < std::min(m_folders.size(), text.size()); ++i) m_shown.push_back(m_folders[i].name);
    m_last_draw = now;
    return out;
}

std::string ProgressBoard::erase() {
    if (m_drawn == 0) return {};
    std::string out = "\r";
    for (std::size_t i = 0; i < m_drawn; ++i) out += "\x1b[1A\x1b[2K";
    m_drawn = 0;
    m_shown.clear();
    return out;
}

ProgressBoard::Folder* ProgressBoard::find(const std::string& name) {
    auto it = std::find_if(m_folders.begin(), m_folders.end(), [&](const Folder& f) { return f.name == name; });
    return it == m_folders.end() ? nullptr : &*it;
}

std::string ProgressBoard::line_of(const Folder& f, Clock::time_point now, std::size_t columns) {
    std::string numbers = "  " + std::to_string(f.messages_done) + "/" + std::to_string(f.messages) + " msgs  " +
                          format_size_pair(f.bytes_done, f.bytes);
    // A rate measured over less than half a second is noise; until then the line shows counts only.
    const double elapsed = std::chrono::duration<double>(now - f.started).count();
    if (elapsed >= 0.5 && (f.bytes_done > 0 || f.messages_done > 0)) {
        const double rate = static_cast<double>(f.bytes_done) / elapsed;
        numbers += "  " + format_rate(rate);
        double eta = -1;
        if (f.bytes > 0 && f.bytes_done > 0)
            eta = static_cast<double>(f.bytes - std::min(f.bytes, f.bytes_done)) / rate;
        else if (f.messages_done > 0)
            eta = static_cast<double>(f.messages - std::min(f.messages, f.messages_done)) * elapsed /
                  static_cast<double>(f.messages_done);
        numbers += "  ETA " + format_eta(eta);
    }
    return fit_line(f.name, numbers, columns);
}

}  // namespace mailtwin::engine
