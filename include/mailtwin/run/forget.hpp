#pragma once
// `mailtwin forget ACCOUNT [--folder NAME]...`: drops what the state database remembers of one
// account (or of some of its folders), under the account lock, and never touches mail. The next
// sync then matches the Maildir and the server afresh, as after a first run over existing mail:
// nothing is copied twice, but a message deleted on one side since the last sync is copied back
// (without the state a deletion cannot be told from a new message).
#include <optional>
#include <string>
#include <vector>

#include "mailtwin/config/config.hpp"
#include "mailtwin/run/account_sync.hpp"
#include "mailtwin/util/error.hpp"

namespace mailtwin::engine {

struct ForgetRequest {
    std::string account;
    std::vector<std::string> folders;  // remote names; empty: the whole account
};

struct ForgetResult {
    std::optional<util::Error> error;
    AccountFailure failure = AccountFailure::none;  // locked, config or other (exit_code.hpp)
    bool state_found = false;                       // <state_dir>/state.mdb exists
    std::size_t folders = 0, messages = 0, intents = 0;
};

ForgetResult forget_state(const config::Config& config, const ForgetRequest& request);

// The command a message can point to: "mailtwin forget work" or "mailtwin forget work --folder 'A b'".
std::string forget_command(const std::string& account, const std::string& folder = {});

}  // namespace mailtwin::engine
