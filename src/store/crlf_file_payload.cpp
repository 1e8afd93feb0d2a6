#include "mailtwin/store/crlf_file_payload.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "mailtwin/store/file_payload.hpp"

namespace mailtwin::store {

util::Expected<imap::PayloadPtr> CrlfFilePayload::open(const std::filesystem::path& path, std::uint64_t crlf_size) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return util::unexpected(util::system_error(errno, "cannot open " + path.string() + " to upload it"));
    return imap::PayloadPtr(new CrlfFilePayload(fd, crlf_size, path));
}

CrlfFilePayload::~CrlfFilePayload() { ::close(m_fd); }

util::Expected<void> CrlfFilePayload::rewind() const {
    m_file_pos = 0;
    m_out_pos = 0;
    m_last_was_cr = false;
    m_owe_lf = false;
    return {};
}

util::Expected<std::size_t> CrlfFilePayload::read(std::uint64_t offset, std::span<char> out) const {
    if (offset >= m_size) return std::size_t{0};
    // A resend from an earlier offset (a retry) starts over; skipping forward converts and discards.
    if (offset < m_out_pos) (void)rewind();
    std::vector<char> discard;
    while (m_out_pos < offset) {
        discard.resize(static_cast<std::size_t>(std::min<std::uint64_t>(offset - m_out_pos, 64 * 1024)));
        auto n = read(m_out_pos, discard);
        if (!n) return n;
    }
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), m_size - offset));
    std::size_t produced = 0;
    if (m_owe_lf && produced < want) {
        out[produced++] = '\n';
        m_owe_lf = false;
    }
    // Read at most what could become `want` bytes (each byte becomes at most two).
    std::vector<char> in((want - produced + 1) / 2 + 1);
    while (produced < want) {
        const std::size_t room = want - produced;
        const std::size_t ask = std::min(in.size(), std::max<std::size_t>(1, room / 2));
        ssize_t n = ::pread(m_fd, in.data(), ask, static_cast<off_t>(m_file_pos));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return util::unexpected(util::system_error(errno, "cannot read " + m_path.string()));
        if (n == 0)
            return util::unexpected(util::system_error(EIO, m_path.string() + " shrank while it was being uploaded"));
        for (ssize_t i = 0; i < n; ++i) {
            const char c = in[static_cast<std::size_t>(i)];
            if (c == '\n' && !m_last_was_cr) {
                out[produced++] = '\r';
                if (produced < want)
                    out[produced++] = '\n';
                else
                    m_owe_lf = true;
            } else {
                out[produced++] = c;
            }
            m_last_was_cr = c == '\r';
            ++m_file_pos;
            if (produced == want && i + 1 < n) break;  // the rest is read again next time
        }
    }
    m_out_pos = offset + produced;
    if (m_out_pos == m_size) {
        // The size was announced from an earlier read of the file: it must still end here.
        struct stat st {};
        if (::fstat(m_fd, &st) != 0 || static_cast<std::uint64_t>(st.st_size) != m_file_pos || m_owe_lf)
            return util::unexpected(util::system_error(EIO, m_path.string() + " changed while it was being uploaded"));
    }
    return produced;
}

util::Expected<imap::PayloadPtr> open_upload_payload(const std::filesystem::path& path, std::uint64_t crlf_size) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return util::unexpected(util::system_error(errno, "cannot stat " + path.string() + " to upload it"));
    if (static_cast<std::uint64_t>(st.st_size) == crlf_size) {
        auto plain = FilePayload::open(path);
        if (!plain) return util::unexpected(std::move(plain).error());
        return imap::PayloadPtr(*plain);
    }
    return CrlfFilePayload::open(path, crlf_size);
}

}  // namespace mailtwin::store
