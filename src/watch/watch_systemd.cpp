#include "mailtwin/watch/watch_systemd.hpp"

#include <systemd/sd-daemon.h>

#include <string>

namespace mailtwin::engine::systemd {

void notify_ready() { (void)sd_notify(0, "READY=1"); }
void notify_reloading() { (void)sd_notify(0, "RELOADING=1"); }
void notify_stopping() { (void)sd_notify(0, "STOPPING=1"); }

void notify_status(std::string_view status) {
    // STATUS= is one line: a folder name with a newline must not start a second assignment.
    std::string line = "STATUS=";
    for (char c : status) line += c == '\n' ? ' ' : c;
    (void)sd_notify(0, line.c_str());
}

void notify_watchdog() { (void)sd_notify(0, "WATCHDOG=1"); }

std::optional<std::chrono::microseconds> watchdog_period() {
    std::uint64_t usec = 0;
    // 0 unset_environment: the variables stay for children such as password_cmd, harmlessly.
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
    return std::chrono::microseconds(usec / 2);
}

}  // namespace mailtwin::engine::systemd
