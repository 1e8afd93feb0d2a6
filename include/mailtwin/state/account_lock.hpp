#pragma once
// One sync per account at a time: flock(LOCK_EX) on <state_dir>/<account>.lock. flock, not a pid
// file, because the kernel drops the lock when the holder dies, however it dies; the pid written
// into the file after locking is only there to name the holder in the error message.
#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

#include "mailtwin/util/expected.hpp"

namespace mailtwin::state {

class AccountLock {
public:
    // Non-blocking: fails at once with Errc::account_locked ("another mailtwin (pid N) is syncing
    // account X"; the app maps it to exit code 4) if another open file description holds the lock.
    static util::Expected<AccountLock> acquire(const std::filesystem::path& state_dir, std::string_view account);
    // Waits up to `timeout` for the holder to release it; then Errc::lock_timeout.
    static util::Expected<AccountLock> acquire_wait(const std::filesystem::path& state_dir, std::string_view account,
                                                    std::chrono::milliseconds timeout);

    // The lock file for an account: characters outside [A-Za-z0-9._-] are %XX-escaped, so any account
    // name maps to one plain file name and distinct names to distinct files.
    static std::filesystem::path lock_path(const std::filesystem::path& state_dir, std::string_view account);

    AccountLock(AccountLock&& other) noexcept;
    AccountLock& operator=(AccountLock&& other) noexcept;
    AccountLock(const AccountLock&) = delete;
    AccountLock& operator=(const AccountLock&) = delete;
    ~AccountLock();  // closing the descriptor releases the lock

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_path; }

private:
    AccountLock(int fd, std::filesystem::path path) noexcept : m_fd(fd), m_path(std::move(path)) {}
    static util::Expected<AccountLock> try_acquire(const std::filesystem::path& state_dir, std::string_view account,
                                                   bool& busy);

    int m_fd = -1;
    std::filesystem::path m_path;
};

}  // namespace mailtwin::state
