#pragma once
// The typed records of the sync memory, decoded into owned values (LMDB memory dies with the txn).
// Byte layouts are in codec.hpp and docs/state-schema.md.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

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
    std::string scan_blob;  // opaque, small: whatever the Maildir scan wants to remember
    // The server's counters as the last sync left the folder, its own writes included. They equal
    // the checkpoint above (taken before those writes) unless the run proved that every change the
    // server made since the checkpoint was its own (engine/own_changes.hpp). `status` compares the
    // live folder with these, so mailtwin's own uploads, STOREs and expunges do not read as "changed
    // on the server"; the sync's fast path keeps using the checkpoint.
    model::ModSeq after_run_highestmodseq = 0;
    model::Uid after_run_uidnext = 0;
    std::uint32_t after_run_messages = 0;
    // Messages the max_size filter kept from being copied, as of this checkpoint: server UIDs
    // (ascending) and Maildir keys (sorted). Reported by `status` (engine/skipped.hpp).
    std::vector<model::Uid> skipped_remote;
    std::vector<std::string> skipped_local;

    friend bool operator==(const FolderState&, const FolderState&) = default;
};

// One folder in the account's run record (AccountRuns).
struct FolderRun {
    std::int64_t checked_ok = 0;  // unix s of the last run that synced it or found it unchanged; 0: none
    std::int64_t failed_at = 0;   // unix s of the last run that failed it, if later than checked_ok; else 0
    std::string failure;          // why that run failed it

    friend bool operator==(const FolderRun&, const FolderRun&) = default;
};

// What the account's sync runs found, one record per account (database `runs`), written once per
// run that is not a dry run: an unchanged folder is recorded here instead of in its own record, so
// a run that finds nothing changed makes one small write, not one per folder.
struct AccountRuns {
    std::int64_t last_run = 0;                 // unix s when the last run started
    std::string last_run_error;                // why it stopped before its folders; "" when it got to them
    std::map<std::string, FolderRun> folders;  // by remote name

    friend bool operator==(const AccountRuns&, const AccountRuns&) = default;
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
    std::int64_t created = 0;  // unix seconds

    friend bool operator==(const Intent&, const Intent&) = default;
};

}  // namespace mailtwin::state
