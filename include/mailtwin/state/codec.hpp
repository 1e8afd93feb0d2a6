#pragma once
// Value layouts. Every value starts with a version byte; a decoder reads the versions it knows and
// fails with Errc::unknown_record_version otherwise, so an older mailtwin never misreads newer data.
// Fields carried by the key (uid, intent id) are not repeated in the value.
#include <cstdint>
#include <string>
#include <string_view>

#include "mailtwin/state/records.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::state::codec {

// Checksums (schema 3): the record versions written since then end with a u32 CRC-32 (zlib's) of
// every byte before it, and for messages of the uid from the key first (big-endian), so a record
// moved under another uid fails too. A record that fails it decodes to Errc::checksum_mismatch:
// its bytes changed on disk, and nothing in it may be trusted (the engine treats it as unknown).
// Folders records: version 3 (written, schema 4) adds the server's counters after the run and the
// messages max_size kept back; version 2 is version 1 plus the checksum. Version 4 (written, schema
// 6) adds the server's MAILBOXID (RFC 8474) after the version 3 fields. Versions 1 to 3 still decode,
// with no MAILBOXID; versions 1 and 2 also with the after-run counters equal to the checkpoint and
// nothing skipped. Every version keeps two reserved i64 fields (once the directory mtimes; written 0,
// not read).
inline constexpr std::uint8_t k_folder_version = 4;
inline constexpr std::uint8_t k_oldest_folder_version = 1;
// Messages records: version 3 (written) is version 2 plus the checksum; version 2 is version 1 plus
// a trailing u8 row_flags; version 1 records (written before detached rows existed) still decode,
// as not detached.
inline constexpr std::uint8_t k_message_version = 3;
inline constexpr std::uint8_t k_oldest_message_version = 1;
inline constexpr std::uint8_t k_row_detached = 1U << 0;  // row_flags bit 0
// Intents (late-append watches): version 1, no checksum; kind append only, the reserved target
// folder empty (codec.cpp).
inline constexpr std::uint8_t k_intent_version = 1;
inline constexpr std::uint8_t k_meta_version = 1;
inline constexpr std::uint8_t k_runs_version = 1;  // with a checksum, as folders v2+

std::string encode(const FolderState& folder);
util::Expected<FolderState> decode_folder(std::string_view value);

// The account's run record (schema 4).
std::string encode(const AccountRuns& runs);
util::Expected<AccountRuns> decode_runs(std::string_view value);

// Always writes version 3. `uid` comes from the key (0 for a keyed row).
std::string encode(const MessageRecord& message);
util::Expected<MessageRecord> decode_message(std::string_view value, model::Uid uid);

std::string encode(const Intent& intent);
util::Expected<Intent> decode_intent(std::string_view value, IntentId id);

// meta values: version byte + u64.
std::string encode_meta_u64(std::uint64_t v);
util::Expected<std::uint64_t> decode_meta_u64(std::string_view value);

}  // namespace mailtwin::state::codec
