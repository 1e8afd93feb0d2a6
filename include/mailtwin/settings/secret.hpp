#pragma once
// The password (or OAuth2 token) of an account: `password` as written, or the first line that
// `password_cmd` prints, run through /bin/sh -c with a timeout. Its output is never logged; on
// failure the error quotes the command's stderr, which is where such commands explain themselves.
#include <chrono>
#include <string>

#include "mailtwin/config/config.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::engine {

util::Expected<std::string> resolve_secret(const config::Imap& imap,
                                           std::chrono::milliseconds timeout = std::chrono::seconds(60));

// Runs `command` with /bin/sh -c; stdout is returned, stderr kept for the error message.
util::Expected<std::string> run_password_command(const std::string& command, std::chrono::milliseconds timeout);

}  // namespace mailtwin::engine
