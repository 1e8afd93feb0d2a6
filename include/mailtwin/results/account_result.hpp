#pragma once
// One account's run: what was asked (SyncRequest), what came of it (AccountResult) and the callbacks
// that report it as it happens (Reporter). Data only: the run module fills them
// (run/account_sync.hpp), the report and watch modules read them.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mailtwin/results/exit_code.hpp"
#include "mailtwin/results/folder_result.hpp"
#include "mailtwin/results/progress.hpp"
#include "mailtwin/util/error.hpp"

namespace mailtwin::engine {

struct SyncRequest {
    std::vector<std::string> folders;  // --folder: only these remote names (empty: the config's globs)
    bool dry_run = false;
    bool full = false;
    bool force = false;
    Progress* progress = nullptr;  // a live display (a terminal), or none
};

struct AccountResult {
    std::string account;
    std::vector<FolderResult> folders;
    // Nothing was synced; `failure` says why (exit_code.hpp), config when the account's settings or
    // the command line cannot work.
    std::optional<util::Error> fatal;
    AccountFailure failure = AccountFailure::none;
    std::vector<std::string> notices;  // folders created, skipped, recreated
    // Failures outside any folder, with the folders synced all the same (the notmuch tag steps): each
    // an AccountFailure::other for the exit code.
    std::vector<util::Error> errors;
};

struct Reporter {
    std::function<void(const std::string& account, const FolderResult&)> folder_done;
    std::function<void(const std::string& account, const std::string& notice)> notice;
    // A line for -v only, one of many (each message moved between folders); none when unset.
    std::function<void(const std::string& account, const std::string& line)> detail;
};

}  // namespace mailtwin::engine
