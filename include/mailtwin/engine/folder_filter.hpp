#pragma once
// The `folders` setting: globs over remote names, "!" excludes, later rules win (mbsync's Patterns).
// "*" matches any characters including the hierarchy delimiter; "%" any except it; "?" one character.
// "INBOX" matches case-insensitively, as IMAP treats it.
#include <string>
#include <string_view>
#include <vector>

namespace mailtwin::engine {

bool folder_selected(std::string_view name, const std::vector<std::string>& patterns, char delimiter = '/');
bool glob_match(std::string_view pattern, std::string_view text, char delimiter);

}  // namespace mailtwin::engine
