#pragma once
// Leveled logging to stderr, as text for people or one JSON object per line for machines.
// Secrets never reach it: callers pass redacted text (the IMAP encoder renders commands redacted).
#include <string>
#include <string_view>

namespace mailtwin::util {

enum class LogLevel { error = 0, warning = 1, info = 2, debug = 3 };
enum class LogFormat { text, json };

void set_log_level(LogLevel level) noexcept;
void set_log_format(LogFormat format) noexcept;
LogLevel log_level() noexcept;
LogFormat log_format() noexcept;

void log(LogLevel level, std::string_view message);
inline void log_error(std::string_view m) { log(LogLevel::error, m); }
inline void log_warning(std::string_view m) { log(LogLevel::warning, m); }
inline void log_info(std::string_view m) { log(LogLevel::info, m); }
inline void log_debug(std::string_view m) { log(LogLevel::debug, m); }

// `s` as a JSON string literal, quotes included (control characters escaped, UTF-8 passed through).
std::string json_quote(std::string_view s);

}  // namespace mailtwin::util
