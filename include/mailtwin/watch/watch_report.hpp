#pragma once
// What watch mode reports, each happening as one WatchEvent: a text line or a JSON object.
//
// Text lines go through util::log to stderr and follow one convention, that of sync's folder lines:
// "ACCOUNT/FOLDER: ..." for a folder, "ACCOUNT: ..." for an account, no subject for the watcher as a
// whole; util::log puts "mailtwin: ", then "error: " or "warning: ", and the line start its stream
// calls for (a time on a terminal, the date and time off one, a priority for the journal) before it.
// With --log-format json every line goes to stdout as one object with an "event" key: a folder's
// change is the object sync prints ({"event":"folder",...}), watch's own happenings have names of
// their own (listening, connected, disconnected, error, ...), and each carries "ts".
#include <chrono>
#include <cstddef>
#include <set>
#include <string>

#include "mailtwin/results/folder_result.hpp"
#include "mailtwin/util/log.hpp"

namespace mailtwin::engine {

struct WatchEvent {
    util::LogLevel level = util::LogLevel::info;
    std::string text;  // after util::log's prefix: "work: connected again"
    std::string json;  // {"event":"connected","account":"work"}
};

// The first pass of every account is done.
WatchEvent watching_event(std::size_t accounts);
// The server side is watched in `mode` ("NOTIFY", "IDLE on INBOX", "polling every 300 s").
WatchEvent listening_event(const std::string& account, const std::string& mode);
WatchEvent connected_again_event(const std::string& account);
// The server became unreachable (said once per outage) and retries are under way.
WatchEvent disconnected_event(const std::string& account, const std::string& why);
// Another failed attempt in the same outage (debug).
WatchEvent still_unreachable_event(const std::string& account, const std::string& why);
WatchEvent backoff_event(const std::string& account, std::chrono::milliseconds delay);
WatchEvent locked_event(const std::string& account, std::chrono::seconds retry);
// A failure that retrying soon does not cure; `account` empty for the watcher as a whole.
WatchEvent error_event(const std::string& account, const std::string& what);
WatchEvent warning_event(const std::string& account, const std::string& what);
WatchEvent notice_event(const std::string& account, const std::string& text);
// One folder's result: an error when it failed, info when it changed something, debug otherwise.
WatchEvent folder_event(const std::string& account, const FolderResult& result);
// A pass starts: over every folder (`full`), or over `folders`.
WatchEvent pass_event(const std::string& account, bool full, const std::set<std::string>& folders);
WatchEvent state_event(const std::string& account, std::string_view from, std::string_view to);
WatchEvent stopped_event(const std::string& account);
// `signal_name` "SIGTERM" or "SIGINT".
WatchEvent stopping_event(std::string_view signal_name);
WatchEvent reloaded_event(const std::string& config_path);
WatchEvent reload_failed_event(const std::string& why);

// Sets up the log for a watch run: JSON lines to stdout; text lines to stderr, each starting as its
// stream calls for (util::line_start_for).
void prepare_watch_log();
// Writes `event` in the log format in force, if its level is shown.
void report(const WatchEvent& event);

}  // namespace mailtwin::engine
