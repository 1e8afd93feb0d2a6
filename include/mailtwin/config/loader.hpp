#pragma once
// Reading and validating a config file. Config errors are fatal: they are thrown as ConfigError,
// caught once in main and mapped to exit code 2. Messages name the file, line, column and key.
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include "mailtwin/config/config.hpp"

namespace mailtwin::config {

class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// localhost, 127.x.y.z or ::1: where tls = "none" needs no opt-in and compress = "auto" stays off.
bool is_loopback_host(const std::string& host);

// $XDG_CONFIG_HOME/mailtwin/config.toml, falling back to ~/.config/mailtwin/config.toml.
std::filesystem::path default_config_path();

// Parses and validates; throws ConfigError.
Config load_file(const std::filesystem::path& path);
// The same over text in memory; `source_name` is used in messages.
Config load_string(std::string_view toml_text, const std::string& source_name);

}  // namespace mailtwin::config
