#pragma once
// Renaming and removing a Maildir folder as a whole, for the folder plan's actions
// (sync/folder_plan.hpp, run/folder_actions.cpp). Both are made durable (the parents' directory
// entries are synced) before they return.
#include <filesystem>

#include "mailtwin/util/expected.hpp"

namespace mailtwin::maildir {

// Renames the folder directory `from` to `to`, creating the missing parents of `to`. Every file keeps
// its name and inode (no message is copied); subdirectories move with it, so in a nested layout the
// folder's children follow. Refuses (Errc::name_collision) when `to` exists: a rename never merges.
util::Expected<void> rename_folder_dir(const std::filesystem::path& from, const std::filesystem::path& to);

// Removes the folder's own Maildir: cur/, new/, tmp/ and the files beside them (dovecot-keywords, ...),
// then the directory itself when nothing else is left in it. Subdirectories that are folders of their
// own (a nested layout's children) are kept, with the directory that holds them.
util::Expected<void> remove_folder_dir(const std::filesystem::path& dir);

}  // namespace mailtwin::maildir
