#pragma once
// The start of a Maildir file: its header and a few bytes of the body, read without the rest (what a
// message identity needs; see store/identity.hpp).
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "mailtwin/util/expected.hpp"

namespace mailtwin::maildir {

struct MessageStart {
    std::string bytes;       // the header, then up to `body_bytes` of the body
    std::size_t header_end;  // where the body starts in `bytes`; npos: no empty line within k_max_header_bytes

    [[nodiscard]] std::string_view header() const noexcept;
    [[nodiscard]] std::string_view body() const noexcept;  // empty without a header end
};

util::Expected<MessageStart> read_message_start(const std::filesystem::path& file, std::size_t body_bytes);

}  // namespace mailtwin::maildir
