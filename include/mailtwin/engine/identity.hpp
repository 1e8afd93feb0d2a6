#pragma once
// The identity that recognises one message on both sides when UIDs and keys cannot (UIDVALIDITY
// change, lost state, a copy whose outcome is unknown): a hash of the normalised Message-ID header,
// or of Date + From + Subject when a message has none, plus the size as IMAP counts it (CRLF).
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "mailtwin/model/message.hpp"
#include "mailtwin/state/records.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::engine {

// The header fields the identity is computed from (fetched with BODY.PEEK[HEADER.FIELDS (...)]).
inline constexpr std::string_view k_identity_fields = "MESSAGE-ID DATE FROM SUBJECT";

// 16 bytes of SHA-256 over the identifying header values of `header_block` (RFC 5322 header lines,
// CRLF or LF). What the state stores; the planner uses the first 8 bytes.
state::MessageIdHash identity_digest(std::string_view header_block);

model::Identity to_identity(const state::MessageIdHash& digest, std::uint64_t rfc822_size);
// The planner's 8 bytes back into the state's 16 (the rest is zero): for rows recorded from an Identity.
state::MessageIdHash to_digest(const model::Identity& identity);

// Reads the header block of a Maildir file and its size with every bare LF counted as CRLF.
struct LocalIdentity {
    state::MessageIdHash digest;
    std::uint64_t rfc822_size = 0;
};
util::Expected<LocalIdentity> local_identity(const std::filesystem::path& file);

}  // namespace mailtwin::engine
