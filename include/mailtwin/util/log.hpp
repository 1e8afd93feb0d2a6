#pragma once
// Leveled logging to stderr, as text for people or one JSON object per line for machines
// ({"event":"log","ts":...,"level":...,"msg":...}).
// Secrets never reach it: callers pass redacted text (the IMAP encoder renders commands redacted).
#include <cstdio>
#include <string>
#include <string_view>

namespace mailtwin::util {

enum class LogLevel { error = 0, warning = 1, info = 2, debug = 3 };
enum class LogFormat { text, json };

void set_log_level(LogLevel level) noexcept;
void set_log_format(LogFormat format) noexcept;
LogLevel log_level() noexcept;
LogFormat log_format() noexcept;
// Where lines go from now on (default stderr); each line is flushed as it is written.
void set_log_stream(std::FILE* stream) noexcept;

void log(LogLevel level, std::string_view message);
inline void log_error(std::string_view m) { log(LogLevel::error, m); }
inline void log_warning(std::string_view m) { log(LogLevel::warning, m); }
inline void log_info(std::string_view m) { log(LogLevel::info, m); }
inline void log_debug(std::string_view m) { log(LogLevel::debug, m); }
// An event `object` (one JSON object, "{...}") written as a line with "ts" added last, if `level` is
// shown: the JSON log of a command whose events are more than messages (watch).
void log_json_event(LogLevel level, std::string_view object);

// `s` as a JSON string literal, quotes included (control characters escaped, UTF-8 passed through).
std::string json_quote(std::string_view s);

}  // namespace mailtwin::util
