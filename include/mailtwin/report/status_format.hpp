#pragma once
// How `status` and `folders` print: aligned tables for people, JSON lines for scripts
// (`status --json`: one object per folder, one per account, then a summary).
#include <cstdint>
#include <string>
#include <vector>

#include "mailtwin/folders/folder_map.hpp"
#include "mailtwin/report/status.hpp"

namespace mailtwin::engine {

// "just now", "42 s ago", "3 min ago", "5 h ago", "12 days ago" ("in the future" for a clock skew).
std::string format_age(std::int64_t then, std::int64_t now);
// "25M", "500K", "1G" (binary units, as max_size is written), else a plain number of bytes.
std::string format_config_size(std::uint64_t bytes);
// "2024-05-01T10:00:00Z": UTC, so that the text means the same on every machine.
std::string format_iso_utc(std::int64_t unix_seconds);

// `now` (unix seconds) is a parameter so that the output is testable.
std::string render_status_table(const std::vector<AccountStatus>& accounts, std::int64_t now);
std::string render_status_json(const std::vector<AccountStatus>& accounts, std::int64_t now);

std::string render_folder_map(const FolderMap& map);

}  // namespace mailtwin::engine
