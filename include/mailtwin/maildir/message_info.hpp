#pragma once
// What identifies a message apart from its key: its Message-ID and the SHA-256 of its bytes. Both
// are computed only when asked (re-matching after a UIDVALIDITY change or a lost state needs them;
// an ordinary sync does not) and then kept.
//
// The Message-ID comes from the header block only: reading stops at the first empty line (LF or
// CRLF line ends) or after k_max_header_bytes. Field names match case-insensitively and folded
// values (continuation lines starting with space or tab) are unfolded (RFC 5322 §2.2.3).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "mailtwin/maildir/content_hash.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::maildir {

inline constexpr std::size_t k_max_header_bytes = 1024 * 1024;

// Length of the header block including its terminating empty line, or npos if it has no end yet.
std::size_t find_header_end(std::string_view bytes) noexcept;
// The unfolded, trimmed value of the first field with that name; nullopt if absent.
std::optional<std::string> header_value(std::string_view header_block, std::string_view name);
// The "<…>" of the Message-ID field (the trimmed value if it has no angle brackets).
std::optional<std::string> parse_message_id(std::string_view header_block);

class MessageInfo {
public:
    explicit MessageInfo(std::filesystem::path file) : m_path(std::move(file)) {}

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_path; }
    // nullopt inside: the message has no Message-ID.
    util::Expected<std::optional<std::string>> message_id();
    util::Expected<Sha256Digest> content_hash();
    // The size as IMAP counts it (RFC822.SIZE): every bare LF counted as CRLF. Computed in the
    // same read as content_hash().
    util::Expected<std::uint64_t> rfc822_size();
    // Bytes read from the file so far (tests check that nothing is read before it is needed).
    [[nodiscard]] std::uint64_t bytes_read() const noexcept { return m_bytes_read; }

private:
    std::filesystem::path m_path;
    std::optional<std::optional<std::string>> m_message_id;
    util::Expected<void> read_body();

    std::optional<Sha256Digest> m_hash;
    std::uint64_t m_rfc822_size = 0;
    std::uint64_t m_bytes_read = 0;
};

}  // namespace mailtwin::maildir
