#pragma once
// `mailtwin status`: what the last sync left behind, what the server and the Maildir hold now, and
// what the next sync would have to carry from the Maildir. A report: it reads the state in one LMDB
// read transaction (readers never block a running sync's writers), never takes the account lock,
// never creates the state file, and changes nothing on either side.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mailtwin/config/config.hpp"
#include "mailtwin/imap/response.hpp"
#include "mailtwin/model/snapshot.hpp"
#include "mailtwin/state/records.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::engine {

// Maildir files that differ from what the last sync recorded.
struct PendingChanges {
    std::size_t added = 0;    // files the state does not know: uploads at the next sync
    std::size_t removed = 0;  // paired files that are gone: deletions (or the source of a move)
    std::size_t renamed = 0;  // paired files a mail reader renamed to change flags
    [[nodiscard]] std::size_t total() const noexcept { return added + removed + renamed; }
    friend bool operator==(const PendingChanges&, const PendingChanges&) = default;
};

// Compares a full local view with the rows of the last sync. Detached rows (deletions deliberately
// not propagated) and rows without a local key (downloads in flight) are not pending changes.
PendingChanges pending_changes(const model::LocalView& now, const std::vector<model::PairState>& last);

struct FolderStatus {
    std::string name;                          // remote name, UTF-8
    std::filesystem::path local_path;          // empty when the name has no local spelling
    bool selected = true;                      // the `folders` globs include it
    std::optional<state::FolderState> record;  // the last sync's checkpoint; nullopt: never synced
    std::optional<state::FolderRun> run;       // what the account's runs found (run_record.hpp)
    std::size_t state_pairs = 0;               // server messages paired with a local file at the last sync
    std::optional<imap::StatusData> remote;    // live LIST-STATUS; nullopt: offline, failed or not listed
    bool remote_listed = false;                // the live listing named this folder
    std::optional<std::size_t> local_count;    // files in new/ + cur/; nullopt: no Maildir folder
    std::optional<PendingChanges> pending;     // nullopt: never synced, or no Maildir folder to compare
    std::string problem;                       // why a value is missing (a scan or state error), "" if none
    // What the next sync would do to the folder itself (renamed, recreated, deleted), "" if nothing.
    std::string folder_change;

    // The server changed since the last sync left it (new UIDVALIDITY or HIGHESTMODSEQ, or other
    // counts), compared with the record's after-run counters, so that mailtwin's own writes do not
    // count (own_changes.hpp); nullopt when that cannot be told (never synced or no live answer).
    [[nodiscard]] std::optional<bool> remote_changed() const;
    // The last run that synced the folder or found it unchanged (unix s); nullopt: none.
    [[nodiscard]] std::optional<std::int64_t> last_sync() const;
    // The last run that visited the folder failed it (after its last good sync).
    [[nodiscard]] bool failed_last_run() const noexcept { return run && run->failed_at > 0; }
    [[nodiscard]] std::size_t skipped_count() const noexcept {
        return record ? record->skipped_remote.size() + record->skipped_local.size() : 0;
    }
};

struct AccountStatus {
    std::string account;
    std::filesystem::path maildir;
    std::string host;
    bool state_found = false;                 // <state_dir>/state.mdb exists
    bool remote_checked = false;              // a live listing answered
    std::optional<util::Error> remote_error;  // password_cmd or connection failure (AccountFailure::connection)
    std::optional<util::Error> state_error;   // the state could not be read (exit 1)
    std::vector<FolderStatus> folders;        // by remote name
    std::int64_t last_run = 0;                // when the last sync run started (unix s); 0: none recorded
    std::string last_run_error;               // why that run stopped before its folders; "" if it did not
    std::uint64_t max_size = 0;               // the account's max_size now (bytes; 0: no limit)

    [[nodiscard]] std::optional<std::int64_t> last_sync() const;  // latest folder sync, unix seconds
};

struct StatusOptions {
    bool offline = false;  // no server visit: the state's numbers and the Maildir only
};

AccountStatus gather_status(const config::Config& config, const config::Account& account, const StatusOptions& options);

}  // namespace mailtwin::engine
