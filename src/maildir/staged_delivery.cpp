#include "mailtwin/maildir/staged_delivery.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <set>
#include <utility>

#include "mailtwin/maildir/error.hpp"
#include "sys.hpp"

namespace mailtwin::maildir {

StagedMessage::StagedMessage(StagedMessage&& other) noexcept
    : m_tmp_path(std::exchange(other.m_tmp_path, {})), m_target(std::move(other.m_target)) {}

StagedMessage& StagedMessage::operator=(StagedMessage&& other) noexcept {
    if (this != &other) {
        if (!m_tmp_path.empty()) ::unlink(m_tmp_path.c_str());
        m_tmp_path = std::exchange(other.m_tmp_path, {});
        m_target = std::move(other.m_target);
    }
    return *this;
}

StagedMessage::~StagedMessage() {
    if (!m_tmp_path.empty()) ::unlink(m_tmp_path.c_str());
}

StagedCommit commit_staged(const std::filesystem::path& folder_dir, std::vector<StagedMessage>& batch) {
    StagedCommit out;
    if (batch.empty()) return out;
    // 1. One flush for the whole batch's data (and everything else dirty on that file system).
    const auto tmp_dir = folder_dir / k_tmp_subdir;
    const int fd = ::open(tmp_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || ::syncfs(fd) != 0) {
        const int e = errno;
        if (fd >= 0) ::close(fd);
        out.error =
            sys::errno_error(e, "cannot sync the file system of", tmp_dir, "check the disk; nothing was stored");
        return out;
    }
    ::close(fd);
    // 2. Make them visible.
    std::set<std::filesystem::path> dirs;
    for (auto& staged : batch) {
        const Delivered& target = staged.target();
        if (const int err = sys::rename_noreplace(staged.tmp_path(), target.path); err != 0) {
            out.error = err == EEXIST
                            ? make_error(Errc::name_collision,
                                         "'" + target.path.string() + "' already exists; the delivery was dropped")
                            : sys::errno_error(err, "cannot move the delivery into", target.path,
                                               "check that new/ and cur/ are writable");
            break;
        }
        staged.release();
        dirs.insert(target.path.parent_path());
        out.delivered.push_back(target);
    }
    // 3. Make the names durable before anyone records them.
    for (const auto& dir : dirs) {
        if (auto r = sys::fsync_dir(dir); !r) {
            // Nothing renamed may be reported: take them back out (their data stays on the server).
            for (const auto& d : out.delivered) ::unlink(d.path.c_str());
            out.delivered.clear();
            out.error = std::move(r).error();
            break;
        }
    }
    return out;
}

}  // namespace mailtwin::maildir
