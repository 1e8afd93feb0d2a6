#include "mailtwin/util/log_line.hpp"

#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <ctime>

namespace mailtwin::util {

LogSink log_sink_of(int fd, const char* journal_stream) {
    struct stat st {};
    if (journal_stream && *journal_stream && ::fstat(fd, &st) == 0) {
        std::uintmax_t device = 0;
        std::uintmax_t inode = 0;
        char end = 0;
        // Exactly "DEVICE:INODE": one more character (end) means the value is something else.
        if (std::sscanf(journal_stream, "%" SCNuMAX ":%" SCNuMAX "%c", &device, &inode, &end) == 2 &&
            device == static_cast<std::uintmax_t>(st.st_dev) && inode == static_cast<std::uintmax_t>(st.st_ino))
            return LogSink::journal;
    }
    return ::isatty(fd) ? LogSink::terminal : LogSink::other;
}

LineStart line_start_for(LogSink sink) noexcept {
    switch (sink) {
        case LogSink::terminal:
            return {LineStamp::time_of_day, false};
        case LogSink::journal:
            return {LineStamp::none, true};
        case LogSink::other:
            return {LineStamp::iso8601, false};
    }
    return {};
}

std::string_view priority_prefix(LogLevel level) noexcept {
    static_assert(LOG_ERR == 3 && LOG_WARNING == 4 && LOG_INFO == 6 && LOG_DEBUG == 7);
    switch (level) {
        case LogLevel::error:
            return "<3>";
        case LogLevel::warning:
            return "<4>";
        case LogLevel::info:
            return "<6>";
        case LogLevel::debug:
            return "<7>";
    }
    return "<6>";
}

std::string line_start_text(const LineStart& start, LogLevel level, std::chrono::system_clock::time_point now) {
    std::string out;
    if (start.priority) out += priority_prefix(level);
    if (start.stamp == LineStamp::none) return out;
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    std::tm local{};
    ::localtime_r(&seconds, &local);
    char text[40];
    if (start.stamp == LineStamp::time_of_day) {
        std::strftime(text, sizeof text, "%H:%M:%S ", &local);
        return out + text;
    }
    // strftime's %z gives "+0100"; ISO 8601's extended format, used for the rest, wants "+01:00".
    char offset[8];
    std::strftime(offset, sizeof offset, "%z", &local);
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &local);
    const std::string_view z(offset);
    return out + text + std::string(z.substr(0, 3)) + ":" + std::string(z.substr(3, 2)) + " ";
}

}  // namespace mailtwin::util
