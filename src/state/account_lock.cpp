#include "mailtwin/state/account_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <thread>
#include <utility>

#include "mailtwin/state/error.hpp"

namespace mailtwin::state {
namespace {

constexpr std::chrono::milliseconds k_poll_interval{20};

// The pid the holder wrote, or "unknown" if it has not written it yet.
std::string holder_pid(int fd) {
    char buf[32] = {};
    const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    std::string pid;
    for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i) pid.push_back(buf[i]);
    return pid.empty() ? "unknown" : pid;
}

std::string busy_message(int fd, std::string_view account) {
    return "another mailtwin (pid " + holder_pid(fd) + ") is syncing account " + std::string(account);
}

}  // namespace

std::filesystem::path AccountLock::lock_path(const std::filesystem::path& state_dir, std::string_view account) {
    std::string name;
    for (char c : account) {
        const auto u = static_cast<unsigned char>(c);
        if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '.' || c == '_' ||
            c == '-') {
            name.push_back(c);
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", u);
            name += hex;
        }
    }
    return state_dir / (name + ".lock");
}

util::Expected<AccountLock> AccountLock::try_acquire(const std::filesystem::path& state_dir, std::string_view account,
                                                     bool& busy) {
    busy = false;
    std::error_code ec;
    std::filesystem::create_directories(state_dir, ec);
    if (ec) return util::unexpected(util::system_error(ec.value(), "creating state directory " + state_dir.string()));
    std::filesystem::path path = lock_path(state_dir, account);
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return util::unexpected(util::system_error(errno, "opening lock file " + path.string()));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        if (err == EWOULDBLOCK) {
            busy = true;
            std::string message = busy_message(fd, account);
            ::close(fd);
            return util::unexpected(error(Errc::account_locked, std::move(message)));
        }
        ::close(fd);
        return util::unexpected(util::system_error(err, "locking " + path.string()));
    }
    // Write the pid over the old one, then cut any longer leftover: a reader never sees an empty file
    // once a pid has been written, and reads digits only up to the first non-digit.
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::pwrite(fd, pid.data(), pid.size(), 0) < 0 || ::ftruncate(fd, static_cast<off_t>(pid.size())) != 0) {
        const int err = errno;
        ::close(fd);
        return util::unexpected(util::system_error(err, "writing pid to " + path.string()));
    }
    return AccountLock(fd, std::move(path));
}

util::Expected<AccountLock> AccountLock::acquire(const std::filesystem::path& state_dir, std::string_view account) {
    bool busy = false;
    return try_acquire(state_dir, account, busy);
}

util::Expected<AccountLock> AccountLock::acquire_wait(const std::filesystem::path& state_dir, std::string_view account,
                                                      std::chrono::milliseconds timeout) {
    // Polling with LOCK_NB rather than a blocking flock: no signal needed to bound the wait.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        bool busy = false;
        auto lock = try_acquire(state_dir, account, busy);
        if (lock || !busy) return lock;
        if (std::chrono::steady_clock::now() >= deadline)
            return util::unexpected(error(Errc::lock_timeout, "timed out after " + std::to_string(timeout.count()) +
                                                                  " ms: " + lock.error().message));
        std::this_thread::sleep_for(k_poll_interval);
    }
}

AccountLock::AccountLock(AccountLock&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_path(std::move(other.m_path)) {}

AccountLock& AccountLock::operator=(AccountLock&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = std::exchange(other.m_fd, -1);
        m_path = std::move(other.m_path);
    }
    return *this;
}

AccountLock::~AccountLock() {
    if (m_fd >= 0) ::close(m_fd);
}

}  // namespace mailtwin::state
