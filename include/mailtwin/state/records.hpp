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

// The two hash slots of a message record (and of a late-append watch). The state stores their bytes
// and reads nothing into them; the engine keeps the message's identity in them
// (state/row_identity.hpp: store_identity, stored_identity): bytes 0-7 of the Message-ID slot are the
// identity's message_id_hash, bytes 0-7 of the content slot its body_hash and byte 8 the rule mark;
// the other bytes are 0.
using MessageIdHash = std::array<std::uint8_t, 16>;
using ContentHash = std::array<std::uint8_t, 32>;

// What the last successful sync of one folder left behind.
struct FolderState {
    model::UidValidity uidvalidity = 0;
    model::ModSeq highestmodseq = 0;
    model::Uid uidnext = 0;
    std::string local_path;      // the Maildir folder this remote folder maps to
    std::int64_t last_sync = 0;  // unix seconds of the last successful sync
    std::uint32_t message_count = 0;
    // Opaque to the state: the Maildir scan's stamp (maildir/stamp.hpp: the new/ and cur/ directory
    // times and what they held), read back to skip an unchanged directory.
    std::string scan_blob;
    // The server's counters as the last sync left the folder, its own writes included. They equal
    // the checkpoint above (taken before those writes) unless the run proved that every change the
    // server made since the checkpoint was its own (run/own_changes.hpp). `status` compares the
    // live folder with these, so mailtwin's own uploads, STOREs and expunges do not read as "changed
    // on the server"; the sync's fast path keeps using the checkpoint.
    model::ModSeq after_run_highestmodseq = 0;
    model::Uid after_run_uidnext = 0;
    std::uint32_t after_run_messages = 0;
    // Messages the max_size filter kept from being copied, as of this checkpoint: server UIDs
    // (ascending) and Maildir keys (sorted). Reported by `status` (run/skipped.hpp).
    std::vector<model::Uid> skipped_remote;
    std::vector<std::string> skipped_local;
    // The server's MAILBOXID (RFC 8474 OBJECTID) of the folder as the last sync saw it; empty: none
    // (a server without OBJECTID, or a record written before mailtwin kept it). A RENAME on the
    // server keeps the id, so a folder that vanished under one name and has its id under another
    // was renamed (the folder plan, sync/folder_plan.hpp).
    std::string mailbox_id;

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
    // The identity slots (see MessageIdHash above); both absent: no identity stored.
    std::optional<MessageIdHash> message_id_hash;
    std::optional<ContentHash> content_hash;
    // Deleted on the side whose id is missing, deletion not propagated: the surviving copy is no
    // longer synchronised (PairState::detached).
    bool detached = false;

    friend bool operator==(const MessageRecord&, const MessageRecord&) = default;
};

// The intents database holds late-append watches and nothing else (run/late_appends.hpp): each
// says "a copy of this upload, whose first APPEND's outcome was never learnt, may still land in
// `folder` above `uid`". The layout keeps a kind byte; append is the only kind, and a record of
// another kind is refused as a newer build's (codec.cpp).
enum class IntentKind : std::uint8_t { append = 1 };

using IntentId = std::uint64_t;  // from the meta counter intent_seq; never reused

struct Intent {
    IntentId id = 0;  // assigned by add_intent
    IntentKind kind = IntentKind::append;
    std::string folder;     // the remote folder the upload went to
    model::Uid uid = 0;     // a late copy has a UID above this (the folder's highest at the re-upload)
    std::string local_key;  // the local message whose upload was in doubt
    // The message's identity, in the slots of a MessageRecord.
    std::optional<ContentHash> content_hash;
    std::optional<MessageIdHash> message_id_hash;
    std::int64_t created = 0;  // unix seconds; the watch expires an hour after (k_late_append_window)

    friend bool operator==(const Intent&, const Intent&) = default;
};

}  // namespace mailtwin::state
