#pragma once
// Mailbox names on the wire (RFC 3501 §5.1.3 modified UTF-7; RFC 6855 UTF8=ACCEPT).
//
// Without UTF8=ACCEPT, international names travel as modified UTF-7: printable ASCII stands for itself
// ('&' as "&-"), everything else is "&" + base64 (',' for '/', no padding) of UTF-16BE + "-".
// Once the client has sent "ENABLE UTF8=ACCEPT" and the server confirmed it, names go as raw UTF-8
// in both directions and must not be encoded: mailbox_to_wire / mailbox_from_wire take that switch.
#include <string>
#include <string_view>

#include "mailtwin/util/expected.hpp"

namespace mailtwin::imap {

// UTF-8 -> modified UTF-7. Ill-formed UTF-8 sequences (overlong, surrogates, truncated, > U+10FFFF)
// become U+FFFD; callers that must not alter a name check is_valid_utf8 first (mailbox_to_wire does).
[[nodiscard]] std::string encode_mailbox(std::string_view utf8);

// Modified UTF-7 -> UTF-8, strictly: bytes outside printable ASCII, a bad base64 character, a
// missing "-", "&" not written as "&-", printable ASCII written in base64, adjacent base64 runs,
// leftover or non-zero pad bits and unpaired UTF-16 surrogates are all EncodeError::invalid_mutf7.
[[nodiscard]] util::Expected<std::string> decode_mailbox(std::string_view mutf7);

// Well-formed UTF-8 (RFC 3629): shortest form, no surrogates, at most U+10FFFF.
[[nodiscard]] bool is_valid_utf8(std::string_view bytes) noexcept;

// A name as it goes into a command: raw UTF-8 when UTF8=ACCEPT is enabled, modified UTF-7 otherwise.
// Ill-formed UTF-8 is EncodeError::invalid_utf8 (a local folder name that is not UTF-8 cannot be
// created on the server faithfully, so it is reported rather than mangled).
[[nodiscard]] util::Expected<std::string> mailbox_to_wire(std::string_view utf8, bool utf8_accept);

// A name from a LIST/STATUS response back to UTF-8: validated UTF-8 when UTF8=ACCEPT is enabled,
// decoded modified UTF-7 otherwise.
[[nodiscard]] util::Expected<std::string> mailbox_from_wire(std::string_view wire, bool utf8_accept);

}  // namespace mailtwin::imap
