#pragma once
// Base64 (RFC 4648 §4, standard alphabet, with padding) for SASL payloads. Decoding is strict: it
// refuses characters outside the alphabet, wrong padding and non-zero pad bits, so a malformed server
// challenge is reported instead of being silently turned into other bytes.
#include <optional>
#include <string>
#include <string_view>

namespace mailtwin::util {

[[nodiscard]] std::string base64_encode(std::string_view bytes);

// The decoded bytes, or nullopt when `text` is not canonical padded base64. An empty input decodes
// to an empty string.
[[nodiscard]] std::optional<std::string> base64_decode(std::string_view text);

}  // namespace mailtwin::util
