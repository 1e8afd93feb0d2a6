#pragma once
// How a sync run talks to people and scripts: one line per folder (text), or one JSON object per
// event plus a final summary (--log-format json); --dry-run prints each folder's plan.
#include <string>

#include "mailtwin/engine/account_sync.hpp"

namespace mailtwin::engine {

// "INBOX: 3 downloaded, 1 uploaded, 2 flag changes, 1 expunged" / "INBOX: unchanged" / "INBOX: FAILED: ...".
std::string folder_summary(const FolderResult& r);
// Whether a sync changed anything in the folder (copies, flags, deletions, moves, pairings, skips).
bool changed_anything(const FolderResult& r);
// Whether a plain run prints the folder's line: it changed something, failed, was refused or warned.
// A run that changes nothing prints nothing (cron mails any output).
bool worth_reporting(const FolderResult& r);
// {"event":"folder","account":...,"folder":...,"outcome":...,"downloaded":N,...}
std::string folder_json(const std::string& account, const FolderResult& r);

}  // namespace mailtwin::engine
