#pragma once
// How each text log line of a long-running command (watch) starts, decided by where its log goes:
// a person at a terminal wants a short time; a file or a pipe read later wants the full date and
// offset; the systemd journal stamps lines itself and takes a syslog priority prefix instead.
#include <chrono>
#include <string>
#include <string_view>

#include "mailtwin/util/log.hpp"

namespace mailtwin::util {

// Where a stream ends up.
enum class LogSink { terminal, journal, other };

// What stream `fd` is. It is the journal when `journal_stream` (the value of $JOURNAL_STREAM, which
// systemd sets to "DEVICE:INODE" in decimal when it connects stdout or stderr to the journal; see
// systemd.exec(5)) names the device and inode of `fd`: the variable is inherited by children whose
// output goes elsewhere, so the numbers are compared, not just the variable's presence.
LogSink log_sink_of(int fd, const char* journal_stream);

enum class LineStamp {
    none,         // no time (the journal keeps its own)
    time_of_day,  // "10:15:02 "
    iso8601,      // "2026-12-07T10:15:02+01:00 "
};

struct LineStart {
    LineStamp stamp = LineStamp::none;
    // "<3>" and the like before the line: journald reads it as the line's priority (sd-daemon(3)).
    bool priority = false;
};

// The line start for a log going to `sink`.
LineStart line_start_for(LogSink sink) noexcept;

// How every text line util::log writes from now on starts (default: nothing before "mailtwin: ").
void set_log_line_start(const LineStart& start) noexcept;

// What goes before the line's text for `start`, at `level`, at `now` (local time).
std::string line_start_text(const LineStart& start, LogLevel level, std::chrono::system_clock::time_point now);

// The syslog priority prefix of `level` (syslog(3): LOG_ERR 3, LOG_WARNING 4, LOG_INFO 6, LOG_DEBUG 7).
std::string_view priority_prefix(LogLevel level) noexcept;

}  // namespace mailtwin::util
