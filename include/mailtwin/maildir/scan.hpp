#pragma once
// Scanning a folder: which messages are in new/ and cur/, with their flags and sizes.
//
// Unchanged folders cost two stat() calls. The caller keeps the FolderStamp of its last scan (the
// state DB stores it) and passes it back; if new/ and cur/ still have the same nanosecond mtime,
// size, inode and device, the result says `unchanged` and no directory is read.
//
// The same-tick rule (as git's "racy" index entries): file systems advance directory mtimes in
// coarse ticks (a jiffy on ext4, a second or two elsewhere), so a change made in the same tick as
// the listing leaves the mtime equal to the remembered one. A stamp whose mtime is less than
// k_racy_window before the time of the scan that took it is marked `racy`, and a racy stamp is
// never trusted: the next scan lists the folder again (and normally records a trusted stamp).
//
// Races with mail readers: new/ is listed before cur/, because readers move files new/ -> cur/,
// never back, so a file moved during the scan is seen at least once. If a listed file vanishes
// before its stat(), or a directory's stamp changed while it was listed, the folder is listed again
// (up to k_max_scan_passes); after the last pass vanished files are skipped and the stamp is marked
// racy so that the next scan looks again. Hidden files, subdirectories and names that do not parse
// are ignored (counted in ScanStats::ignored).
//
// Duplicate keys (a file in both new/ and cur/, or two names with one key) are reported in
// ScanResult::duplicates; `messages` keeps one entry per key: the one in cur/, then the smallest name.
//
// A message name whose file cannot be stat()ed (other than vanished), is a dangling symbolic link or
// is not a regular file (a FIFO, a device) stays in `messages` (it is there: it must never look
// deleted) and is also listed in ScanResult::problems, so that it is never silently skipped. So is a
// name that is not hidden but has no unique part (":2,S"), which cannot be a message name at all.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mailtwin/maildir/filename.hpp"
#include "mailtwin/maildir/location.hpp"
#include "mailtwin/maildir/stamp.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::maildir {

inline constexpr std::chrono::seconds k_racy_window{2};
inline constexpr int k_max_scan_passes = 3;

struct ScannedMessage {
    std::string key;
    MaildirFlags flags;
    std::uint64_t size = 0;  // ",S=" when the key has it, else st_size
    Location location = Location::new_dir;
    std::string file_name;
};

struct DuplicateKey {
    std::string key;
    std::vector<std::pair<Location, std::string>> files;  // every file with that key
};

struct ScanProblem {
    Location location = Location::new_dir;
    std::string file_name;
    std::string reason;  // "cannot stat: Permission denied", "not a regular file"
};

struct ScanStats {
    std::uint64_t passes = 0;         // listings of the whole folder (0 when unchanged)
    std::uint64_t readdir_calls = 0;  // readdir(3) calls
    std::uint64_t entries_read = 0;   // entries readdir returned, "." and ".." included
    std::uint64_t stat_calls = 0;     // stat of directories and files
    std::uint64_t vanished = 0;       // listed, then gone before stat()
    std::uint64_t ignored = 0;        // hidden, directories, unparsable names
};

struct ScanResult {
    bool unchanged = false;                // true: messages is empty, the caller's previous list still holds
    FolderStamp stamp;                     // remember this and pass it to the next scan
    std::vector<ScannedMessage> messages;  // sorted by key
    std::vector<DuplicateKey> duplicates;
    std::vector<ScanProblem> problems;  // message names whose file is not a readable regular file
    ScanStats stats;
};

struct ScanOptions {
    std::optional<FolderStamp> remembered{};
    // Test hook: called after a directory has been listed and before its entries are stat()ed.
    std::function<void(Location)> after_listing{};
};

// Fails only if the folder is not a Maildir (Errc::not_a_maildir) or a directory cannot be read.
util::Expected<ScanResult> scan_folder(const std::filesystem::path& folder_dir, const ScanOptions& options = {});

}  // namespace mailtwin::maildir
