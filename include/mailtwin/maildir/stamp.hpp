#pragma once
// What a scan remembers about a folder's new/ and cur/ directories to skip the next listing, and
// its byte form for the state DB (FolderRecord::scan_blob): a version byte, then fixed-width
// little-endian fields, so that an old or foreign blob is recognised and simply not trusted.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mailtwin::maildir {

struct DirStamp {
    std::int64_t mtime_ns = 0;
    std::uint64_t size = 0;
    std::uint64_t inode = 0;
    std::uint64_t device = 0;

    friend bool operator==(const DirStamp&, const DirStamp&) = default;
};

struct FolderStamp {
    DirStamp new_dir;
    DirStamp cur_dir;
    bool racy = true;  // a default stamp is never trusted (scan.hpp: the same-tick rule)

    friend bool operator==(const FolderStamp&, const FolderStamp&) = default;
};

inline constexpr std::uint8_t k_stamp_version = 1;

std::string encode_stamp(const FolderStamp& stamp);
// nullopt for another version or length: the caller then scans in full.
std::optional<FolderStamp> decode_stamp(std::string_view blob);

}  // namespace mailtwin::maildir
