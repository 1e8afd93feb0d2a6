#include "sys.hpp"

#include <fcntl.h>
#include <stdio.h>  // renameat2 (glibc, _GNU_SOURCE)
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mailtwin::maildir::sys {

Fd& Fd::operator=(Fd&& other) noexcept {
    if (this != &other) {
        close();
        m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
}

Fd::~Fd() { close(); }

int Fd::close() noexcept {
    if (m_fd < 0) return 0;
    // No retry on EINTR: on Linux the descriptor is released whatever close() returns.
    const int rc = ::close(std::exchange(m_fd, -1));
    return rc == 0 ? 0 : errno;
}

util::Error errno_error(int err, std::string_view what, const std::filesystem::path& path, std::string_view advice) {
    std::string msg(what);
    msg += " '";
    msg += path.string();
    msg += "': ";
    msg += std::strerror(err);
    if (!advice.empty()) {
        msg += ". ";
        msg += advice;
    }
    return util::system_error(err, std::move(msg));
}

util::Expected<void> fsync_dir(const std::filesystem::path& dir) {
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid()) return util::unexpected(errno_error(errno, "cannot open directory", dir, "check permissions"));
    if (::fsync(fd.get()) != 0)
        return util::unexpected(errno_error(errno, "cannot fsync directory", dir, "check the file system and disk"));
    return {};
}

int rename_noreplace(const std::filesystem::path& from, const std::filesystem::path& to) noexcept {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
    const int err = errno;
    if (err != EINVAL && err != ENOSYS) return err;
    // File systems without RENAME_NOREPLACE: link() also refuses an existing target.
    if (::link(from.c_str(), to.c_str()) != 0) return errno;
    if (::unlink(from.c_str()) != 0) return errno;
    return 0;
}

}  // namespace mailtwin::maildir::sys
