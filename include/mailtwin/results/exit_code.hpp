#pragma once
// The one place that decides a process exit code (shared spec "Command line"). Every command, and
// main's top-level catch, says what went wrong as an AccountFailure; exit_code_for() alone turns that
// into a number, and ExitStatus keeps the highest one of a run.
//
// --ext-exit (as mbsync's): `sync` adds bits to its exit code saying what changed, so that a script
// can tell "nothing changed" from "new mail arrived" without parsing output. The base code (0..4)
// keeps its meaning in the low bits: code & 31 is the plain exit code, code & ~31 the change bits.
#include <vector>

namespace mailtwin::engine {

struct FolderResult;

// The contract's exit codes.
enum ExitCode : int {
    k_exit_ok = 0,
    k_exit_some_folders_failed = 1,
    k_exit_usage = 2,
    k_exit_connection = 3,
    k_exit_locked = 4,
};

// What went wrong, as far as the exit code cares. Named for what stops an account before any folder
// is synced (account_sync.hpp), and used as well for what fails outside one: a folder or a notmuch
// step failed (other), a usage or config error (config), an unreachable server (connection).
enum class AccountFailure { none, connection, locked, config, other };

// The table: none 0, other 1, config 2, connection 3, locked 4.
ExitCode exit_code_for(AccountFailure failure) noexcept;

inline constexpr int k_exit_bit_messages = 32;   // messages downloaded or uploaded
inline constexpr int k_exit_bit_flags = 64;      // flags changed, on either side
inline constexpr int k_exit_bit_expunged = 128;  // messages expunged on the server or deleted locally

// The bits of one folder: what it did (synced), or would do (--dry-run, outcome planned). A failed
// or unchanged folder adds nothing.
int change_bits(const FolderResult& result);
int change_bits(const std::vector<FolderResult>& results);

// The exit code of a run that may meet several failures (one per account, folder, step): the highest
// code wins, so a lock clash (4) is never hidden behind a folder failure (1).
class ExitStatus {
public:
    void note(AccountFailure failure) noexcept;
    // An error that stopped the work: a failure even when nothing classified it.
    void note_stopped(AccountFailure failure) noexcept {
        note(failure == AccountFailure::none ? AccountFailure::other : failure);
    }
    // What these folders changed, for --ext-exit.
    void note_changes(const std::vector<FolderResult>& folders);

    [[nodiscard]] ExitCode base() const noexcept { return m_code; }
    // The process exit code: the base code, plus the change bits under --ext-exit.
    [[nodiscard]] int code(bool ext_exit) const noexcept { return ext_exit ? m_code | m_change_bits : m_code; }

private:
    ExitCode m_code = k_exit_ok;
    int m_change_bits = 0;
};

}  // namespace mailtwin::engine
