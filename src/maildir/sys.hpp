#pragma once
// POSIX helpers private to the maildir module: descriptors that close themselves, fsync of a
// directory, a rename that never replaces, and errno turned into a util::Error naming the path.
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include "mailtwin/util/expected.hpp"

namespace mailtwin::maildir::sys {

class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) noexcept : m_fd(fd) {}
    Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    Fd& operator=(Fd&& other) noexcept;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd();

    [[nodiscard]] int get() const noexcept { return m_fd; }
    [[nodiscard]] bool valid() const noexcept { return m_fd >= 0; }
    // Closes now and reports the error close() gives (NFS reports write errors there).
    int close() noexcept;

private:
    int m_fd = -1;
};

// "<what> '<path>': <strerror>. <advice>" with errno kept in the code.
util::Error errno_error(int err, std::string_view what, const std::filesystem::path& path,
                        std::string_view advice = {});

// Makes the directory's entries (creations, renames) durable.
util::Expected<void> fsync_dir(const std::filesystem::path& dir);

// rename() that fails with EEXIST instead of replacing an existing target. Returns 0 or an errno.
int rename_noreplace(const std::filesystem::path& from, const std::filesystem::path& to) noexcept;

}  // namespace mailtwin::maildir::sys
