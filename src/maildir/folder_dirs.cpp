#include "mailtwin/maildir/folder_dirs.hpp"

#include <string_view>
#include <system_error>

#include "mailtwin/maildir/error.hpp"
#include "mailtwin/maildir/folder.hpp"
#include "sys.hpp"

namespace mailtwin::maildir {
namespace {

std::filesystem::path parent_of(const std::filesystem::path& p) {
    auto parent = p.parent_path();
    return parent.empty() ? std::filesystem::path(".") : parent;
}

constexpr std::string_view k_maildir_subdirs[] = {"cur", "new", "tmp"};

bool is_maildir_subdir(const std::filesystem::path& name) {
    for (auto sub : k_maildir_subdirs)
        if (name == sub) return true;
    return false;
}

}  // namespace

util::Expected<void> rename_folder_dir(const std::filesystem::path& from, const std::filesystem::path& to) {
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::symlink_status(to, ec)))
        return util::unexpected(make_error(Errc::name_collision, "cannot rename the folder " + from.string() + " to " +
                                                                     to.string() + ": that exists already"));
    if (auto r = create_parent_dirs(to); !r) return r;
    if (const int err = sys::rename_noreplace(from, to); err != 0)
        return util::unexpected(sys::errno_error(err, "renaming the folder to " + to.string(), from));
    if (auto r = sys::fsync_dir(parent_of(to)); !r) return r;
    if (parent_of(to) != parent_of(from)) return sys::fsync_dir(parent_of(from));
    return {};
}

util::Expected<void> remove_folder_dir(const std::filesystem::path& dir) {
    std::error_code ec;
    bool holds_other_folders = false;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const auto name = entry.path().filename();
        std::error_code type_ec;
        const bool is_dir = entry.is_directory(type_ec) && !entry.is_symlink(type_ec);
        if (is_dir && !is_maildir_subdir(name)) {
            holds_other_folders = true;  // a child folder (nested layout): kept
            continue;
        }
        std::filesystem::remove_all(entry.path(), ec);
        if (ec) return util::unexpected(sys::errno_error(ec.value(), "removing the folder", entry.path()));
    }
    if (ec) return util::unexpected(sys::errno_error(ec.value(), "listing the folder", dir));
    if (!holds_other_folders) {
        std::filesystem::remove(dir, ec);
        if (ec) return util::unexpected(sys::errno_error(ec.value(), "removing the folder", dir));
        return sys::fsync_dir(parent_of(dir));
    }
    return sys::fsync_dir(dir);
}

}  // namespace mailtwin::maildir
