#include "mailtwin/util/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

namespace mailtwin::util {
namespace {

std::atomic<LogLevel> g_level{LogLevel::info};
std::atomic<LogFormat> g_format{LogFormat::text};
std::mutex g_write_mutex;  // one line at a time from parallel folder workers

constexpr std::string_view level_name(LogLevel l) {
    switch (l) {
        case LogLevel::error: return "error";
        case LogLevel::warning: return "warning";
        case LogLevel::info: return "info";
        case LogLevel::debug: return "debug";
    }
    return "info";
}

}  // namespace

void set_log_level(LogLevel level) noexcept { g_level = level; }
void set_log_format(LogFormat format) noexcept { g_format = format; }
LogLevel log_level() noexcept { return g_level; }
LogFormat log_format() noexcept { return g_format; }

std::string json_quote(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
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
    std::string line;
    if (g_format.load() == LogFormat::json) {
        auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
        line = "{\"ts\":" + std::to_string(now / 1000) + "." + std::to_string(1000 + now % 1000).substr(1) +
               ",\"level\":\"" + std::string(level_name(level)) + "\",\"msg\":" + json_quote(message) + "}\n";
    } else {
        line = "mailtwin: ";
        if (level == LogLevel::error) line += "error: ";
        else if (level == LogLevel::warning) line += "warning: ";
        line += message;
        line += '\n';
    }
    std::lock_guard lock(g_write_mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace mailtwin::util
