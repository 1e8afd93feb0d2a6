#include "mailtwin/util/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

#include "mailtwin/util/log_line.hpp"

namespace mailtwin::util {
namespace {

std::atomic<LogLevel> g_level{LogLevel::info};
std::atomic<LogFormat> g_format{LogFormat::text};
std::mutex g_write_mutex;  // one line at a time from parallel folder workers; guards the two below
std::FILE* g_stream = stderr;
LineStart g_line_start;

constexpr std::string_view level_name(LogLevel l) {
    switch (l) {
        case LogLevel::error:
            return "error";
        case LogLevel::warning:
            return "warning";
        case LogLevel::info:
            return "info";
        case LogLevel::debug:
            return "debug";
    }
    return "info";
}

// "1765100102.123": seconds since the epoch, to the millisecond.
std::string json_time(std::chrono::system_clock::time_point now) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    return std::to_string(ms / 1000) + "." + std::to_string(1000 + ms % 1000).substr(1);
}

void write_line(const std::string& line) {
    std::lock_guard lock(g_write_mutex);
    std::fwrite(line.data(), 1, line.size(), g_stream);
    std::fflush(g_stream);  // stdout is block-buffered in a pipe; a log line is read as it happens
}

}  // namespace

void set_log_level(LogLevel level) noexcept { g_level = level; }
void set_log_format(LogFormat format) noexcept { g_format = format; }
LogLevel log_level() noexcept { return g_level; }
LogFormat log_format() noexcept { return g_format; }

void set_log_stream(std::FILE* stream) noexcept {
    std::lock_guard lock(g_write_mutex);
    g_stream = stream;
}

void set_log_line_start(const LineStart& start) noexcept {
    std::lock_guard lock(g_write_mutex);
    g_line_start = start;
}

std::string json_quote(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (u < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", u);
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

void log(LogLevel level, std::string_view message) {
    if (level > g_level.load()) return;
    const auto now = std::chrono::system_clock::now();
    std::string line;
    if (g_format.load() == LogFormat::json) {
        line = "{\"event\":\"log\",\"ts\":" + json_time(now) + ",\"level\":\"" + std::string(level_name(level)) +
               "\",\"msg\":" + json_quote(message) + "}\n";
    } else {
        {
            std::lock_guard lock(g_write_mutex);
            line = line_start_text(g_line_start, level, now);
        }
        line += "mailtwin: ";
        if (level == LogLevel::error)
            line += "error: ";
        else if (level == LogLevel::warning)
            line += "warning: ";
        line += message;
        line += '\n';
    }
    write_line(line);
}

void log_json_event(LogLevel level, std::string_view object) {
    if (level > g_level.load() || object.size() < 2 || object.back() != '}') return;
    std::string line(object.substr(0, object.size() - 1));
    line += ",\"ts\":" + json_time(std::chrono::system_clock::now()) + "}\n";
    write_line(line);
}

}  // namespace mailtwin::util
