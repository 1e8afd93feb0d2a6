#pragma once
// Directories whose entries changed (renames, unlinks) and are not yet durable. A thousand flag
// renames in one folder then cost one directory fsync, not a thousand: the caller makes the
// changes, calls sync(), and only then records them as done (act, make durable, record).
#include <algorithm>
#include <filesystem>
#include <vector>

#include "mailtwin/util/expected.hpp"

namespace mailtwin::maildir {

class PendingDirSyncs {
public:
    // In the order first added (a move adds its target first: if only one entry survived a crash,
    // it must be the new one).
    void add(const std::filesystem::path& dir) {
        if (std::find(m_dirs.begin(), m_dirs.end(), dir) == m_dirs.end()) m_dirs.push_back(dir);
    }
    // fsyncs each directory once, then forgets them all (also on error: the caller fails anyway).
    util::Expected<void> sync();
    [[nodiscard]] bool empty() const noexcept { return m_dirs.empty(); }

private:
    std::vector<std::filesystem::path> m_dirs;  // a folder's cur/ and new/: a handful at most
};

}  // namespace mailtwin::maildir
