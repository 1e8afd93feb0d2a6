#pragma once
// The typed records of the sync memory, decoded into owned values (LMDB memory dies with the txn).
// Byte layouts are in codec.hpp and docs/state-schema.md.
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "mailtwin/model/flags.hpp"
#include "mailtwin/model/ids.hpp"

namespace mailtwin::state {

// First 16 bytes of a digest of the normalised Message-ID header, computed by the caller.
using MessageIdHash = std::array<std::uint8_t, 16>;
// A SHA-256 of the message bytes, computed by the caller.
using ContentHash = std::array<std::uint8_t, 32>;

// What the last successful sync of one folder left behind.
struct FolderState {
    model::UidValidity uidvalidity = 0;
    model::ModSeq highestmodseq = 0;
    model::Uid uidnext = 0;
    std::int64_t new_mtime_ns = 0;  // mtime of <maildir>/new at the last scan
    std::int64_t cur_mtime_ns = 0;  // mtime of <maildir>/cur at the last scan
    std::string local_path;         // the Maildir folder this remote folder maps to
    std::int64_t last_sync = 0;     // unix seconds of the last successful sync
    std::uint32_t message_count = 0;
    std::string scan_blob;          // opaque, small: whatever the Maildir scan wants to remember

    friend bool operator==(const FolderState&, const FolderState&) = default;
};

// One remote/local message pair as of the last sync (model::PairState). Stored in `messages` when it
// has a uid, in `keyed` (uid 0, by local key) when only the local side is known.
struct MessageRecord {
    model::Uid uid = 0;
    std::string local_key;  // the Maildir unique part (file name before ":2,")
    model::FlagSet remote_flags;
    model::FlagSet local_flags;
    std::uint64_t size = 0;
    std::optional<MessageIdHash> message_id_hash;  // absent: the message has no Message-ID
    std::optional<ContentHash> content_hash;       // the engine keeps its identity's body hash here
    // Deleted on the side whose id is missing, deletion not propagated: the surviving copy is no
    // longer synchronised (PairState::detached).
    bool detached = false;

    friend bool operator==(const MessageRecord&, const MessageRecord&) = default;
};

// Where a message lives: an index answer.
struct MessageRef {
    std::string folder;
    model::Uid uid = 0;

    friend bool operator==(const MessageRef&, const MessageRef&) = default;
    friend auto operator<=>(const MessageRef&, const MessageRef&) = default;
};

enum class IntentKind : std::uint8_t { append = 1, move = 2, download = 3 };

using IntentId = std::uint64_t;

// A non-idempotent action about to happen. Commit order: the intent is committed before the action;
// the step that records the action's outcome removes it in the same txn. One found at start-up means
// the action may or may not have happened: recovery searches for it (Message-ID, content hash) before
// repeating it.
struct Intent {
    IntentId id = 0;  // assigned by add_intent
    IntentKind kind = IntentKind::append;
    std::string folder;         // source folder (remote name)
    model::Uid uid = 0;         // source uid for move/download; 0 for append
    std::string local_key;      // the local message involved, if any
    std::string target_folder;  // move/append target; empty when the same folder
    std::optional<ContentHash> content_hash;
    std::optional<MessageIdHash> message_id_hash;
    std::int64_t created = 0;   // unix seconds

    friend bool operator==(const Intent&, const Intent&) = default;
};

}  // namespace mailtwin::state
