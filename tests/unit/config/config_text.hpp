#pragma once
// Config text the config tests build on: one valid account, and the message a broken text raises.
#include <string>

#include "mailtwin/config/loader.hpp"

namespace mailtwin::config {

// A valid account "work" whose [accounts.work.imap] table comes last, so that a test can append IMAP
// keys, or further tables, to it.
inline const std::string k_work_account = R"([accounts.work]
maildir = "/tmp/mail"
[accounts.work.imap]
host = "imap.example.com"
user = "me"
password_cmd = "echo secret"
)";

// The message of the ConfigError that loading `toml` (named `file_name`) raises, or "" when it loads.
inline std::string config_error_of(const std::string& toml, const std::string& file_name) {
    try {
        (void)load_string(toml, file_name);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

}  // namespace mailtwin::config
