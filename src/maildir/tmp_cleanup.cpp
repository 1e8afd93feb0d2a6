#include "mailtwin/maildir/tmp_cleanup.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string_view>

#include "mailtwin/maildir/location.hpp"
#include "mailtwin/maildir/unique_name.hpp"
#include "sys.hpp"

namespace mailtwin::maildir {
namespace {

bool writer_is_gone(std::string_view name) {
    const auto parts = parse_unique_name(name);
    if (!parts || parts->hostname != local_hostname() || parts->pid <= 0) return false;
    if (parts->pid == getpid()) return false;  // one of our own writers, still running
    return ::kill(static_cast<pid_t>(parts->pid), 0) != 0 && errno == ESRCH;
}

}  // namespace

util::Expected<TmpCleanupResult> clean_tmp(const std::filesystem::path& folder_dir, const TmpCleanupOptions& options) {
    const auto tmp_dir = folder_dir / k_tmp_subdir;
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(tmp_dir.c_str()), ::closedir);
    if (!dir) return util::unexpected(sys::errno_error(errno, "cannot list", tmp_dir, "check that the folder exists"));
    const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(options.now.time_since_epoch()).count();

    TmpCleanupResult result;
    while (const dirent* e = ::readdir(dir.get())) {
        const std::string_view name = e->d_name;
        if (name == "." || name == "..") continue;
        struct stat st {};
        if (::fstatat(::dirfd(dir.get()), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) {
            ++result.kept;
            continue;
        }
        const bool too_old = now_s - st.st_ctim.tv_sec > options.max_age.count();
        const bool orphan = options.remove_dead_own && writer_is_gone(name);
        if ((too_old || orphan) && (::unlinkat(::dirfd(dir.get()), e->d_name, 0) == 0 || errno == ENOENT)) {
            ++result.removed;
        } else {
            ++result.kept;
        }
    }
    return result;
}

}  // namespace mailtwin::maildir
