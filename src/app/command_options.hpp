#pragma once
// Each command's arguments and the one place its options are described: the command parses with the
// description, and `mailtwin help COMMAND` prints the same one, so the two never drift apart.
#include <string>
#include <vector>

#include "cli.hpp"
#include "mailtwin/report/status.hpp"
#include "mailtwin/run/account_sync.hpp"
#include "mailtwin/run/forget.hpp"

namespace mailtwin::app {

struct SyncArgs {
    std::vector<std::string> accounts;
    engine::SyncRequest request;
    bool ext_exit = false;
};

struct StatusArgs {
    std::vector<std::string> accounts;
    engine::StatusOptions options;
    bool json = false;
};

struct WatchArgs {
    std::vector<std::string> accounts;
    long interval_seconds = 300;
    long debounce_ms = 2000;
    std::vector<std::string> idle_folders;
    bool no_notify = false;
};

struct ForgetArgs {
    std::vector<std::string> accounts;
    engine::ForgetRequest request;
};

// The option descriptions bind to `args`; `ext_exit_default` is the global --ext-exit, which sync
// also takes after the command.
po::options_description sync_options(SyncArgs& args, bool ext_exit_default = false);
po::options_description status_options(StatusArgs& args);
po::options_description watch_options(WatchArgs& args);
po::options_description forget_options(ForgetArgs& args);
// folders and check-config take no options.
po::options_description no_options(const std::string& command);

}  // namespace mailtwin::app
