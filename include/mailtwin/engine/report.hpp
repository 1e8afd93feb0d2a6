#pragma once
// How a sync run talks to people and scripts: one line per folder (text), or one JSON object per
// event plus a final summary (--log-format json); --dry-run prints each folder's plan.
#include <string>

#include "mailtwin/engine/account_sync.hpp"

namespace mailtwin::engine {

// "INBOX: 3 downloaded, 1 uploaded, 2 flag changes, 1 expunged" / "INBOX: unchanged" / "INBOX: FAILED: ...".
std::string folder_summary(const FolderResult& r);
// {"event":"folder","account":...,"folder":...,"outcome":...,"downloaded":N,...}
std::string folder_json(const std::string& account, const FolderResult& r);

}  // namespace mailtwin::engine
