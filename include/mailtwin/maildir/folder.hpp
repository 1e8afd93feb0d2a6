#pragma once
// Operations on folders and on the messages in them, by key.
//
// A mail reader may rename a file at any time (new/ -> cur/, flags changed), so every message
// operation takes the key plus an optional hint (the file name last seen by a scan). The hint is
// tried first (one stat per directory); otherwise new/ and then cur/ are listed to find the key.
// If the file is renamed between finding it and acting on it, the operation finds it again
// (up to k_resolve_attempts times). Directory changes are fsynced before returning.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "mailtwin/maildir/filename.hpp"
#include "mailtwin/maildir/layout.hpp"
#include "mailtwin/maildir/location.hpp"
#include "mailtwin/maildir/pending_dir_syncs.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::maildir {

inline constexpr int k_resolve_attempts = 3;

// Creates the folder with tmp/, new/ and cur/ (and missing parents), fsyncing each directory that
// received a new entry. Succeeds if the folder already exists.
util::Expected<void> create_folder(const std::filesystem::path& folder_dir);
// Creates the missing parent directories of `dir` (not `dir` itself), fsyncing each new entry.
util::Expected<void> create_parent_dirs(const std::filesystem::path& dir);
// The directories from the first missing ancestor of `dir` down to `dir`, created and fsynced.
util::Expected<void> create_missing_dirs(const std::filesystem::path& dir);
// True if the directory has cur/ and new/ (tmp/ may be missing: create_folder() adds it).
bool is_maildir(const std::filesystem::path& dir);

struct MessageRef {
    Location location = Location::new_dir;
    std::string file_name;
    std::filesystem::path path;
};

// The current file of the message. Errc::message_not_found if neither new/ nor cur/ holds the key.
util::Expected<MessageRef> find_message(const std::filesystem::path& folder_dir, std::string_view key,
                                        std::string_view hint_file_name = {});

// With `pending`, the functions below leave the directory fsyncs to the caller (pending->sync()),
// who batches them; without it each change is durable when the function returns.

// Renames the message to "<key>:2,<letters>" in cur/ (moving it out of new/). A message in new/
// with no info and no flags to set stays where it is. The separator style ('!' or ':') of the
// current name is kept. Returns the message's new place.
util::Expected<MessageRef> set_flags(const std::filesystem::path& folder_dir, std::string_view key,
                                     const MaildirFlags& flags, std::string_view hint_file_name = {},
                                     PendingDirSyncs* pending = nullptr);

// Removes the message. Idempotent: false if there was nothing to remove.
util::Expected<bool> remove_message(const std::filesystem::path& folder_dir, std::string_view key,
                                    std::string_view hint_file_name = {}, PendingDirSyncs* pending = nullptr);

// Moves the message to another folder with the same file name (so the same key and flags), in the
// same subdirectory. Both folders must be on one file system (Errc::cross_device otherwise); an
// existing file of that name in the target is never replaced (Errc::name_collision).
util::Expected<MessageRef> move_message(const std::filesystem::path& from_folder,
                                        const std::filesystem::path& to_folder, std::string_view key,
                                        std::string_view hint_file_name = {}, PendingDirSyncs* pending = nullptr);

struct LocalFolder {
    std::string remote_name;
    std::filesystem::path path;
};

struct FolderListing {
    std::vector<LocalFolder> folders;  // sorted by remote name
    std::vector<util::Error> skipped;  // Maildir folders whose names have no remote spelling
};

// The Maildir folders under the layout's root. Symbolic links are not followed. An absent root is
// an error (Errc::not_a_maildir): it may be an unmounted disk, and must never look like "no mail".
util::Expected<FolderListing> list_folders(const Layout& layout, char delimiter);

}  // namespace mailtwin::maildir
