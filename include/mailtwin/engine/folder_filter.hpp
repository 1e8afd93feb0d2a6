#pragma once
// The `folders` setting: globs over remote names, "!" excludes, later rules win (mbsync's Patterns).
// "*" matches any characters including the hierarchy delimiter; "%" any except it; "?" one character.
// "INBOX" matches case-insensitively, as IMAP treats it, as the first level too (util/inbox.hpp).
#include <string>
#include <string_view>
#include <vector>

namespace mailtwin::engine {

bool folder_selected(std::string_view name, const std::vector<std::string>& patterns, char delimiter = '/');
// The same, where a rule matches if it matches `name` or `alt_name` (the name without the personal
// namespace prefix, see FolderNaming): "!Spam" excludes "INBOX.Spam" on a server with prefix "INBOX.".
bool folder_selected(std::string_view name, std::string_view alt_name, const std::vector<std::string>& patterns,
                     char delimiter);
bool glob_match(std::string_view pattern, std::string_view text, char delimiter);

}  // namespace mailtwin::engine
