#pragma once
// "Did you mean …?" for misspelt keys and enum values.
#include <span>
#include <string>
#include <string_view>

namespace mailtwin::config {

// The candidate closest to `word` by edit distance, or "" when none is plausibly meant
// (distance more than a third of the word's length, at least 1 and at most 3).
std::string nearest(std::string_view word, std::span<const std::string_view> candidates);

std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace mailtwin::config
