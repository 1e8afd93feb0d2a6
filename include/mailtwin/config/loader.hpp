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

// "localhost", an IPv4 literal of 127.0.0.0/8 or the IPv6 literal ::1 ("[::1]" too): where tls = "none"
// needs no opt-in and compress = "auto" stays off. Any other name, "127.example.com" included, is not.
bool is_loopback_host(const std::string& host);

// $XDG_CONFIG_HOME/mailtwin/config.toml, falling back to ~/.config/mailtwin/config.toml.
std::filesystem::path default_config_path();

// Parses and validates; throws ConfigError.
Config load_file(const std::filesystem::path& path);
// The files a config names exist and can be read (ca_file): ConfigError otherwise, so that a typo is
// a config error (exit 2) and not a TLS failure at connect time. The commands call it after load_file.
void check_referenced_files(const Config& cfg);

// The same over text in memory; `source_name` is used in messages.
Config load_string(std::string_view toml_text, const std::string& source_name);

}  // namespace mailtwin::config
