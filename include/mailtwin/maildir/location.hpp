#pragma once
// Where a message file lives inside a Maildir folder. tmp/ is never a location of a message: files
// there are deliveries in progress (delivery.hpp) or leftovers of crashed ones (tmp_cleanup.hpp).
#include <cstdint>
#include <string_view>

namespace mailtwin::maildir {

enum class Location : std::uint8_t { new_dir, cur_dir };

constexpr std::string_view subdir_name(Location l) noexcept { return l == Location::new_dir ? "new" : "cur"; }

inline constexpr std::string_view k_tmp_subdir = "tmp";

}  // namespace mailtwin::maildir
