#pragma once
// One account, once: lock, connect, map folders both ways, skip unchanged folders (LIST-STATUS
// HIGHESTMODSEQ + directory stamps), sync the rest over up to max_connections connections.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mailtwin/config/config.hpp"
#include "mailtwin/engine/exit_code.hpp"
#include "mailtwin/engine/folder_sync.hpp"
#include "mailtwin/util/expected.hpp"

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

AccountResult sync_account(const config::Config& config, const config::Account& account, const SyncRequest& request,
                           const Reporter& reporter);

// Connection settings for an account (the secret resolved separately).
net::ConnectionSettings connection_settings(const config::Account& account, const std::string& secret);

}  // namespace mailtwin::engine
