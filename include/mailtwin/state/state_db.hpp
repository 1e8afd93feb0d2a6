#pragma once
// The sync memory: typed access to the state environment (docs/state-schema.md).
//
// Reads take any Txn (or open their own read txn in the overloads without one) and return owned
// values decoded inside it. Writes take a WriteTxn; StateDb::write is one committed step.
//
// How the engine uses it (run/state_batch.hpp, run/executor.hpp; docs/state-schema.md,
// "Commit order and recovery"): a run queues its records in a StateBatch, which commits many in one
// write. A record of finished work is queued once the work is done on both sides, so losing queued
// records to a crash costs re-checking, never a duplicate or a loss. A copy is guarded by the
// planner's own rows, not by a log of actions: before a download, a `messages` row per UID with no
// local key; before an APPEND, a `keyed` row per local key with no UID and the message's identity,
// and the batch is committed before the APPEND starts (an APPEND is not idempotent). The row of the
// finished copy replaces its guard row; a guard row found at the next start makes the planner look
// for the copy by identity before repeating it. `intents` holds late-append watches only
// (run/late_appends.hpp), committed no later than the guard rows of the APPEND they watch.
//
// Folder-wide operations: erase_folder and forget_folder drop a folder's rows, rename_folder re-keys
// them under a new name (a folder renamed on the server or in the Maildir; the folder plan,
// sync/folder_plan.hpp, decides when). Each handles one folder: its children ("A/sub" of "A") are
// folders of their own, which the caller handles one by one.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailtwin/state/lmdb.hpp"
#include "mailtwin/state/records.hpp"
#include "mailtwin/state/schema.hpp"

namespace mailtwin::state {

// True for an error that says a stored record cannot be read (bad checksum, truncated, trailing
// bytes, an unknown version under a known schema): the record changed on disk and is unknown now.
[[nodiscard]] bool is_unreadable_record(const util::Error& e) noexcept;

class StateDb {
public:
    // Opens (creating the file and its parent directories) the environment at `file`, conventionally
    // <state_dir>/state.mdb, and brings its schema to schema::k_version in one write txn.
    static Expected<StateDb> open(const std::filesystem::path& file, const Env::Options& options);
    static Expected<StateDb> open(const std::filesystem::path& file) { return open(file, Env::Options{}); }

    // One committed step; see Env::write (re-run on map growth: keep `step` a function of the txn).
    Expected<void> write(const std::function<Expected<void>(WriteTxn&)>& step) { return m_env.write(step); }
    Expected<Txn> begin_read() { return m_env.begin_read(); }
    Env& env() noexcept { return m_env; }

    // ---- folders ----
    Expected<std::optional<FolderState>> load_folder(Txn& txn, std::string_view account, std::string_view folder);
    Expected<std::optional<FolderState>> load_folder(std::string_view account, std::string_view folder);
    // Remote folder names with a folders record, in key order.
    Expected<std::vector<std::string>> list_folders(Txn& txn, std::string_view account);
    Expected<std::vector<std::string>> list_folders(std::string_view account);
    Expected<void> save_folder(WriteTxn& txn, std::string_view account, std::string_view folder,
                               const FolderState& state);
    // Removes the folder record, all its messages (and their index entries) and its keyed rows; false
    // if there was nothing. (forget_folder's first part.)
    Expected<bool> erase_folder(WriteTxn& txn, std::string_view account, std::string_view folder);
    // Re-keys everything the state holds under folder `from` to `to`, in `txn`: the folders record,
    // every messages record with its by_local_key entry, the keyed rows, the late-append watches of
    // `from` (their folder field), and `from`'s entry in the account's run record (a stale entry
    // already under `to` is dropped when `from` has none). Records move as they are: the folders
    // record keeps its local_path (the Maildir folder), scan_blob and mailbox_id, so a caller that
    // moves the Maildir folder too updates local_path itself (load_folder + save_folder in the same
    // txn); unreadable records move as their bytes. Other folders, `from`'s children and other
    // accounts are untouched.
    // False (nothing changed) when the state holds nothing under `from` (no folders record, messages,
    // keyed rows or watches). Errc::folder_exists when `to` already has a folders record, messages or
    // keyed rows, Errc::key_too_long when a new key would not fit: nothing changed then either. Any
    // other error may leave `txn` partly written: abort it (StateDb::write does when the step fails).
    Expected<bool> rename_folder(WriteTxn& txn, std::string_view account, std::string_view from, std::string_view to);

    // ---- messages ----
    Expected<std::optional<MessageRecord>> get_by_uid(Txn& txn, std::string_view account, std::string_view folder,
                                                      model::Uid uid);
    Expected<std::optional<MessageRecord>> get_by_uid(std::string_view account, std::string_view folder,
                                                      model::Uid uid);
    // The `messages` record in `folder` whose local file has this Maildir unique part (through the
    // by_local_key index; keyed rows are not in it, get_keyed finds those).
    Expected<std::optional<MessageRecord>> get_by_local_key(Txn& txn, std::string_view account, std::string_view folder,
                                                            std::string_view local_key);
    Expected<std::optional<MessageRecord>> get_by_local_key(std::string_view account, std::string_view folder,
                                                            std::string_view local_key);

    // Inserts or replaces the record for record.uid (non-zero); its index entry follows in the same txn.
    Expected<void> put_message(WriteTxn& txn, std::string_view account, std::string_view folder,
                               const MessageRecord& record);
    // False if there was no such record.
    Expected<bool> erase_message(WriteTxn& txn, std::string_view account, std::string_view folder, model::Uid uid);

    // Calls `visit` for each record of the folder in ascending uid order (a cursor over the key
    // prefix); `visit` returns false to stop early.
    using MessageVisitor = std::function<bool(const MessageRecord&)>;
    // With `unreadable`, a record that cannot be read (is_unreadable_record) is passed to it (its key
    // and why) and skipped; without, it fails the call.
    using UnreadableVisitor = std::function<void(std::string_view key, const util::Error& why)>;
    Expected<void> for_each_message(Txn& txn, std::string_view account, std::string_view folder,
                                    const MessageVisitor& visit, const UnreadableVisitor& unreadable = {});
    Expected<void> for_each_message(std::string_view account, std::string_view folder, const MessageVisitor& visit);

    // ---- keyed rows: pairs without a uid ----
    // A planner row known only by its local key (an upload whose outcome is unknown, or a detached
    // row whose server copy is gone), stored under (account, folder, local_key) with record.uid 0.
    // Keyed rows are separate from `messages` and not in by_local_key: get_by_local_key does not see
    // them, get_keyed is their lookup. When a row learns its uid the caller moves it (erase_keyed +
    // put_message) in one step.

    // Inserts or replaces the row for record.local_key. Errc::invalid_record if record.uid != 0 or the
    // local key is empty; Errc::key_too_long if folder and local key together exceed the key limit.
    Expected<void> put_keyed(WriteTxn& txn, std::string_view account, std::string_view folder,
                             const MessageRecord& record);
    Expected<std::optional<MessageRecord>> get_keyed(Txn& txn, std::string_view account, std::string_view folder,
                                                     std::string_view local_key);
    Expected<std::optional<MessageRecord>> get_keyed(std::string_view account, std::string_view folder,
                                                     std::string_view local_key);
    // False if there was no such row.
    Expected<bool> erase_keyed(WriteTxn& txn, std::string_view account, std::string_view folder,
                               std::string_view local_key);
    // Calls `visit` for each keyed row of the folder in byte order of the local key; `visit` returns
    // false to stop early.
    Expected<void> for_each_keyed(Txn& txn, std::string_view account, std::string_view folder,
                                  const MessageVisitor& visit, const UnreadableVisitor& unreadable = {});
    // Deletes the folder's records that cannot be read (its folders record, messages and keyed rows)
    // and returns how many. Their index entries may stay behind: lookups by local key check the
    // record they find, so such an entry finds nothing. put_message and erase_message likewise
    // replace or remove an unreadable record without reading it.
    Expected<std::size_t> erase_unreadable(WriteTxn& txn, std::string_view account, std::string_view folder);
    Expected<void> for_each_keyed(std::string_view account, std::string_view folder, const MessageVisitor& visit);

    // ---- intents: the late-append watches (records.hpp: Intent; run/late_appends.hpp) ----
    // Stores `intent` under a fresh id (intent.id is ignored) and returns that id.
    Expected<IntentId> add_intent(WriteTxn& txn, std::string_view account, const Intent& intent);
    // False if there was no such watch.
    Expected<bool> remove_intent(WriteTxn& txn, std::string_view account, IntentId id);
    // The account's watches, oldest first (the engine keeps those of the folder it plans).
    Expected<std::vector<Intent>> list_intents(Txn& txn, std::string_view account);
    Expected<std::vector<Intent>> list_intents(std::string_view account);

    // ---- the account's run record (AccountRuns; database runs) ----
    Expected<std::optional<AccountRuns>> load_runs(Txn& txn, std::string_view account);
    Expected<void> save_runs(WriteTxn& txn, std::string_view account, const AccountRuns& runs);

    // ---- forgetting (mailtwin forget): drops state only, never touches mail ----
    struct Forgotten {
        std::size_t folders = 0;   // folder records
        std::size_t messages = 0;  // message pairs (keyed rows included)
        std::size_t intents = 0;   // late-append watches
        [[nodiscard]] bool any() const noexcept { return folders + messages + intents > 0; }
    };
    // Every row of the account in every database: folders, messages and their index entries, keyed
    // rows, intents, its run record. Other accounts' rows are not touched. The next sync matches both sides afresh.
    Expected<Forgotten> forget_account(WriteTxn& txn, std::string_view account);
    // One folder's record, messages, keyed rows, the late-append watches of that folder, and its
    // entry in the account's run record.
    Expected<Forgotten> forget_folder(WriteTxn& txn, std::string_view account, std::string_view folder);

private:
    StateDb(Env env, schema::Dbis dbis) : m_env(std::move(env)), m_dbis(dbis) {}

    // erase_folder over the keyed database.
    Expected<bool> erase_keyed_rows(WriteTxn& txn, std::string_view account, std::string_view folder);

    Env m_env;
    schema::Dbis m_dbis;
};

}  // namespace mailtwin::state
