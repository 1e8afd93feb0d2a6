#pragma once
// The systemd side of watch mode (Type=notify): READY=1 after the first pass, STATUS= lines, and the
// watchdog. Every call is a no-op when the process was not started by systemd ($NOTIFY_SOCKET unset).
#include <chrono>
#include <optional>
#include <string_view>

namespace mailtwin::engine::systemd {

void notify_ready();
void notify_reloading();
void notify_stopping();
void notify_status(std::string_view status);
void notify_watchdog();
// How often to send WATCHDOG=1: half of $WATCHDOG_USEC, nullopt when no watchdog is configured.
std::optional<std::chrono::microseconds> watchdog_period();

}  // namespace mailtwin::engine::systemd
