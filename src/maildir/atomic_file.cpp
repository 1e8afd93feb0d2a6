#include "mailtwin/maildir/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace mailtwin::maildir {

util::Expected<void> write_file_atomically(const std::filesystem::path& path, std::string_view text) {
    auto tmp = path;
    tmp += ".mailtwin-tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return util::unexpected(util::system_error(errno, "cannot write " + tmp.string()));
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    int e = errno;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
        if (ok) e = errno;
        ::unlink(tmp.c_str());
        return util::unexpected(util::system_error(e, "cannot write " + path.string()));
    }
    return {};
}

}  // namespace mailtwin::maildir
