#include "mailtwin/watch/watch_report.hpp"

#include <unistd.h>

#include <cstdlib>

#include "mailtwin/report/report.hpp"
#include "mailtwin/util/log_line.hpp"

namespace mailtwin::engine {
namespace {

using util::json_quote;
using util::LogLevel;

// The one place that puts the subject before a text line: the account, or nothing.
WatchEvent make(LogLevel level, const std::string& account, const std::string& message, std::string_view name,
                const std::string& fields = "") {
    WatchEvent e;
    e.level = level;
    e.text = account.empty() ? message : account + ": " + message;
    e.json = "{\"event\":\"" + std::string(name) + "\"";
    if (!account.empty()) e.json += ",\"account\":" + json_quote(account);
    e.json += fields + "}";
    return e;
}

std::string field(std::string_view key, const std::string& json_value) {
    return ",\"" + std::string(key) + "\":" + json_value;
}

}  // namespace

WatchEvent watching_event(std::size_t accounts) {
    return make(LogLevel::info, "",
                "watching " + std::to_string(accounts) + " account" + (accounts == 1 ? "" : "s") + " for changes",
                "watching", field("accounts", std::to_string(accounts)));
}

WatchEvent listening_event(const std::string& account, const std::string& mode) {
    return make(LogLevel::info, account, "listening for server changes (" + mode + ")", "listening",
                field("mode", json_quote(mode)));
}

WatchEvent connected_again_event(const std::string& account) {
    return make(LogLevel::info, account, "connected again", "connected");
}

WatchEvent disconnected_event(const std::string& account, const std::string& why) {
    return make(LogLevel::warning, account, why + "; retrying with backoff (1 s up to 5 min)", "disconnected",
                field("error", json_quote(why)));
}

WatchEvent still_unreachable_event(const std::string& account, const std::string& why) {
    return make(LogLevel::debug, account, "still unreachable: " + why, "unreachable", field("error", json_quote(why)));
}

WatchEvent backoff_event(const std::string& account, std::chrono::milliseconds delay) {
    return make(LogLevel::debug, account, "next attempt in " + std::to_string(delay.count()) + " ms", "backoff",
                field("delay_ms", std::to_string(delay.count())));
}

WatchEvent locked_event(const std::string& account, std::chrono::seconds retry) {
    return make(LogLevel::info, account,
                "another mailtwin holds the account lock; retrying in " + std::to_string(retry.count()) + " s",
                "locked", field("retry_s", std::to_string(retry.count())));
}

WatchEvent error_event(const std::string& account, const std::string& what) {
    return make(LogLevel::error, account, what, "error", field("error", json_quote(what)));
}

WatchEvent warning_event(const std::string& account, const std::string& what) {
    return make(LogLevel::warning, account, what, "warning", field("warning", json_quote(what)));
}

WatchEvent notice_event(const std::string& account, const std::string& text) {
    return make(LogLevel::info, account, text, "notice", field("notice", json_quote(text)));
}

WatchEvent folder_event(const std::string& account, const FolderResult& result) {
    WatchEvent e;
    // The summary starts with the folder's name: the subject becomes "ACCOUNT/FOLDER".
    e.text = account + "/" + folder_summary(result);
    e.json = folder_json(account, result);
    e.level = result.failed()                                                             ? LogLevel::error
              : result.outcome == FolderOutcome::synced && !result.plan.changes_nothing() ? LogLevel::info
                                                                                          : LogLevel::debug;
    return e;
}

WatchEvent pass_event(const std::string& account, bool full, const std::set<std::string>& folders) {
    std::string names;
    std::string array;
    for (const auto& f : folders) {
        names += (names.empty() ? "" : ", ") + f;
        array += (array.empty() ? "" : ",") + json_quote(f);
    }
    return make(LogLevel::debug, account, full ? std::string("full pass") : "syncing " + names, "pass",
                field("full", full ? "true" : "false") + field("folders", "[" + array + "]"));
}

WatchEvent state_event(const std::string& account, std::string_view from, std::string_view to) {
    return make(LogLevel::debug, account, std::string(from) + " -> " + std::string(to), "state",
                field("from", json_quote(from)) + field("to", json_quote(to)));
}

WatchEvent stopped_event(const std::string& account) { return make(LogLevel::debug, account, "stopped", "stopped"); }

WatchEvent stopping_event(std::string_view signal_name) {
    return make(LogLevel::info, "", "stopping (" + std::string(signal_name) + "): finishing the current step",
                "stopping", field("signal", json_quote(signal_name)));
}

WatchEvent reloaded_event(const std::string& config_path) {
    return make(LogLevel::info, "", "configuration reloaded from " + config_path, "reloaded",
                field("config", json_quote(config_path)));
}

WatchEvent reload_failed_event(const std::string& why) {
    return make(LogLevel::error, "", "configuration not reloaded, keeping the running one: " + why, "reload_failed",
                field("error", json_quote(why)));
}

void prepare_watch_log() {
    if (util::log_format() == util::LogFormat::json) {
        // One stream of JSON objects, in the order things happened, for a reader of stdout.
        util::set_log_stream(stdout);
        return;
    }
    util::set_log_line_start(util::line_start_for(util::log_sink_of(STDERR_FILENO, std::getenv("JOURNAL_STREAM"))));
}

void report(const WatchEvent& event) {
    if (util::log_format() == util::LogFormat::json)
        util::log_json_event(event.level, event.json);
    else
        util::log(event.level, event.text);
}

}  // namespace mailtwin::engine
