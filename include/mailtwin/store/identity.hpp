#pragma once
// The identity that recognises one message on both sides when UIDs and keys cannot (UIDVALIDITY
// change, lost state, a first run over a Maildir another tool filled, a copy whose outcome is
// unknown, a move between folders). It must survive what synchronizers and mail readers do to a
// stored message, and still tell different messages apart:
//
//   message_id_hash  SHA-256 of the normalised Message-ID (white space folded), or of Date + From +
//                    Subject when a message has none. Every other header is left out: mbsync adds
//                    X-TUID, offlineimap X-OfflineIMAP, mutt/neomutt Content-Length, Lines, Status,
//                    X-Status, X-Keywords, X-Label, and any of them may refold or reorder headers.
//   body_hash        SHA-256 of the start of the body (after the header's empty line): its first
//                    k_identity_body_bytes counted as IMAP counts them (every bare LF as CRLF), with
//                    every CR then removed and trailing white space (space, tab, LF) stripped. So CRLF
//                    and LF files of one message hash the same, as do bodies that differ only by
//                    added or removed final newlines, while two messages that reuse a Message-ID
//                    (a draft saved twice, a resent notification) differ in the body and never pair.
//
// Both halves must be equal. The size is not part of it (added headers and line ends change it).
// Two byte-identical copies have one identity; the planner pairs equal identities one to one in
// uid/key order, so two copies on one side stay two.
//
// The server sends the body start with the other meta data of a new message, in the same FETCH
// (BODY.PEEK[TEXT]<0.N>, N = k_identity_body_bytes: the server's body is in CRLF form already): at
// most N bytes more per new message and no extra round trip. It is fetched for every new message,
// not only when the planner matches, because moves across folders and the intent row of a download
// need the identity before the download. A Maildir file is read up to its header and N bytes further.
//
// State rows keep the identity (message_id_hash in the record's Message-ID hash, body_hash in its
// content hash with a rule mark: docs/state-schema.md). Rows written by the old rule (Message-ID and
// size) read back without an identity; the engine computes one from the message where it needs one.
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "mailtwin/model/message.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::store {

// The header fields the identity is computed from (fetched with BODY.PEEK[HEADER.FIELDS (...)]).
inline constexpr std::string_view k_identity_fields = "MESSAGE-ID DATE FROM SUBJECT";
// How much of the body, in CRLF form, the identity covers.
inline constexpr std::size_t k_identity_body_bytes = 1024;

// `header_block`: the identifying header lines (or the whole header), CRLF or LF. `body_start`: the
// body's first bytes as stored (CRLF or LF), at least k_identity_body_bytes of them, or all of it.
model::Identity message_identity(std::string_view header_block, std::string_view body_start);
// The same from a whole message (header, empty line, body).
model::Identity message_identity(std::string_view message);

// A Maildir file's identity (reads the header and the start of the body only).
util::Expected<model::Identity> local_identity(const std::filesystem::path& file);

}  // namespace mailtwin::store
