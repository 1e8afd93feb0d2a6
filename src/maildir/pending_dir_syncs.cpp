#include "mailtwin/maildir/pending_dir_syncs.hpp"

#include "sys.hpp"

namespace mailtwin::maildir {

util::Expected<void> PendingDirSyncs::sync() {
    auto dirs = std::move(m_dirs);
    m_dirs.clear();
    for (const auto& dir : dirs)
        if (auto r = sys::fsync_dir(dir); !r) return r;
    return {};
}

}  // namespace mailtwin::maildir
