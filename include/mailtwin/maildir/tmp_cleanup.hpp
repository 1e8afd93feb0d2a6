#pragma once
// Removal of leftovers in a folder's tmp/ (deliveries interrupted by a crash or a kill).
//
// A file in tmp/ is removed when either
//   * it is older than max_age (36 hours, as the Maildir spec says). Age is measured from the
//     file's ctime, not its mtime: a delivery sets the mtime to the INTERNALDATE, which may be years
//     old, while ctime cannot be set back; or
//   * it is ours by name and its writer is gone: the name parses as a mailtwin unique name
//     (unique_name.hpp) with this host's name, and its pid is not a live process. A live pid (which
//     may be a reused one) keeps the file until the age rule applies.
// Anything else (another program's delivery in progress, a subdirectory) is left alone.
#include <chrono>
#include <cstddef>
#include <filesystem>

#include "mailtwin/util/expected.hpp"

namespace mailtwin::maildir {

struct TmpCleanupOptions {
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
    std::chrono::seconds max_age = std::chrono::hours(36);
    bool remove_dead_own = true;
};

struct TmpCleanupResult {
    std::size_t removed = 0;
    std::size_t kept = 0;
};

util::Expected<TmpCleanupResult> clean_tmp(const std::filesystem::path& folder_dir,
                                           const TmpCleanupOptions& options = {});

}  // namespace mailtwin::maildir
