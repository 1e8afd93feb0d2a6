#pragma once
// One function per command; each returns the exit code (results/exit_code.hpp) and throws UsageError /
// ConfigError, which main maps like AccountFailure::config.
#include <string>
#include <vector>

#include "cli.hpp"

namespace mailtwin::app {

int run_check_config(const GlobalOptions& g, const std::vector<std::string>& args);
int run_sync(const GlobalOptions& g, const std::vector<std::string>& args);
int run_status(const GlobalOptions& g, const std::vector<std::string>& args);
int run_folders(const GlobalOptions& g, const std::vector<std::string>& args);
int run_watch(const GlobalOptions& g, const std::vector<std::string>& args);
int run_forget(const GlobalOptions& g, const std::vector<std::string>& args);

}  // namespace mailtwin::app
