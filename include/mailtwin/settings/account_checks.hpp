#pragma once
// Checks of an account's settings and of a command line against what the account holds, made
// before anything is changed, each with a message that names the setting or the folder and says
// what to do (AccountFailure::config).
#include <optional>
#include <string>
#include <vector>

#include "mailtwin/config/config.hpp"
#include "mailtwin/util/error.hpp"

namespace mailtwin::engine {

// Why the `maildir` root cannot be used, or nullopt: it is not a directory, lies below a regular
// file, or is (or would be created) in a place this user cannot write.
std::optional<util::Error> maildir_root_problem(const config::Account& account);

// The --folder names that match none of `names` (the account's folders, remote and local), with
// the nearest names of each; nullopt when every one matches.
std::optional<util::Error> unmatched_folders(const std::string& account, const std::vector<std::string>& requested,
                                             const std::vector<std::string>& names);

}  // namespace mailtwin::engine
