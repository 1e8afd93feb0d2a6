#include "mailtwin/store/file_payload.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace mailtwin::store {

util::Expected<std::shared_ptr<const FilePayload>> FilePayload::open(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return util::unexpected(util::system_error(errno, "cannot open " + path.string() + " to upload it"));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int e = errno;
        ::close(fd);
        return util::unexpected(util::system_error(e, "cannot stat " + path.string()));
    }
    return std::shared_ptr<const FilePayload>(new FilePayload(fd, static_cast<std::uint64_t>(st.st_size), path));
}

FilePayload::~FilePayload() { ::close(m_fd); }

util::Expected<std::size_t> FilePayload::read(std::uint64_t offset, std::span<char> out) const {
    if (offset >= m_size) return std::size_t{0};
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), m_size - offset));
    for (;;) {
        ssize_t n = ::pread(m_fd, out.data(), want, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return util::unexpected(util::system_error(errno, "cannot read " + m_path.string()));
        if (n == 0)
            return util::unexpected(util::system_error(EIO, m_path.string() + " shrank while it was being uploaded"));
        return static_cast<std::size_t>(n);
    }
}

}  // namespace mailtwin::store
