#pragma once
// What response.cpp (the generic parts: values, response codes) and response_decode.cpp (the
// untagged data decoders) share: reading numbers and flag lists as RFC 3501 writes them. Internal to
// the imap module.
#include <cstdint>
#include <optional>
#include <string_view>

#include "mailtwin/imap/response.hpp"

namespace mailtwin::imap::detail {

// mod-sequence-value = 1*DIGIT ;; Positive unsigned 63-bit integer  (RFC 7162 §7)
inline constexpr std::uint64_t k_max_modseq = INT64_MAX;

// number = 1*DIGIT (RFC 3501 §9), bounded by `max`.
std::optional<std::uint64_t> parse_number(std::string_view s, std::uint64_t max) noexcept;
// Atoms of a flag list: flag-list = "(" [flag *(SP flag)] ")"  (RFC 3501 §9)
std::optional<FlagList> flag_list(const Value& v);

}  // namespace mailtwin::imap::detail
