#include "mailtwin/maildir/folder.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "mailtwin/maildir/error.hpp"
#include "sys.hpp"

namespace mailtwin::maildir {
namespace {

constexpr std::string_view k_subdirs[] = {"tmp", "new", "cur"};

std::filesystem::path parent_or_dot(const std::filesystem::path& p) {
    auto parent = p.parent_path();
    return parent.empty() ? std::filesystem::path(".") : parent;
}

bool is_dir(const std::filesystem::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool exists_nofollow(const std::filesystem::path& p) {
    struct stat st {};
    return ::lstat(p.c_str(), &st) == 0;
}

// mkdir that accepts an existing directory; `created` says whether it made one.
util::Expected<void> make_dir(const std::filesystem::path& dir, bool& created) {
    created = false;
    if (::mkdir(dir.c_str(), 0700) == 0) {
        created = true;
        return {};
    }
    const int err = errno;
    if (err == EEXIST && is_dir(dir)) return {};
    return util::unexpected(sys::errno_error(err, "cannot create folder directory", dir,
                                             "check permissions, or move away a file in its place"));
}

util::Unexpected not_found(const std::filesystem::path& folder, std::string_view key) {
    return util::unexpected(make_error(Errc::message_not_found, "no message with key '" + std::string(key) +
                                                                    "' in new/ or cur/ of '" + folder.string() +
                                                                    "'; it was deleted or moved by another program, "
                                                                    "a rescan of the folder will notice"));
}

// Finds the key by listing one subdirectory.
std::optional<MessageRef> search_dir(const std::filesystem::path& folder, Location location, std::string_view key) {
    const auto dir_path = folder / subdir_name(location);
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(dir_path.c_str()), ::closedir);
    if (!dir) return std::nullopt;
    while (const dirent* e = ::readdir(dir.get())) {
        const std::string_view name = e->d_name;
        if (name.empty() || name.front() == '.' || key_of(name) != key) continue;
        return MessageRef{location, std::string(name), dir_path / name};
    }
    return std::nullopt;
}

// Target first: if only one of two renamed entries survives a crash, the message must not be lost.
util::Expected<void> fsync_dirs(const std::filesystem::path& a, const std::filesystem::path& b,
                                PendingDirSyncs* pending = nullptr) {
    if (pending) {
        pending->add(a);
        pending->add(b);
        return {};
    }
    if (auto r = sys::fsync_dir(a); !r) return r;
    if (a != b) return sys::fsync_dir(b);
    return {};
}

}  // namespace

util::Expected<void> create_missing_dirs(const std::filesystem::path& folder_dir) {
    std::vector<std::filesystem::path> missing;
    for (auto p = folder_dir; !p.empty() && !exists_nofollow(p); p = p.parent_path()) {
        missing.push_back(p);
        if (p == p.parent_path()) break;
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        bool created = false;
        if (auto r = make_dir(*it, created); !r) return r;
        if (created)
            if (auto r = sys::fsync_dir(parent_or_dot(*it)); !r) return r;
    }
    return {};
}

util::Expected<void> create_parent_dirs(const std::filesystem::path& dir) {
    const auto parent = dir.parent_path();
    if (parent.empty() || parent == dir) return {};
    return create_missing_dirs(parent);
}

util::Expected<void> create_folder(const std::filesystem::path& folder_dir) {
    if (auto r = create_missing_dirs(folder_dir); !r) return r;
    if (!is_dir(folder_dir))
        return util::unexpected(make_error(Errc::not_a_maildir, "'" + folder_dir.string() +
                                                                    "' exists and is not a directory; move it "
                                                                    "away to create the folder"));
    bool any_created = false;
    for (auto sub : k_subdirs) {
        bool created = false;
        if (auto r = make_dir(folder_dir / sub, created); !r) return r;
        any_created = any_created || created;
    }
    if (any_created) return sys::fsync_dir(folder_dir);
    return {};
}

bool is_maildir(const std::filesystem::path& dir) { return is_dir(dir / "cur") && is_dir(dir / "new"); }

util::Expected<MessageRef> find_message(const std::filesystem::path& folder_dir, std::string_view key,
                                        std::string_view hint_file_name) {
    if (!hint_file_name.empty() && key_of(hint_file_name) == key) {
        for (Location location : {Location::cur_dir, Location::new_dir}) {
            auto path = folder_dir / subdir_name(location) / hint_file_name;
            if (exists_nofollow(path)) return MessageRef{location, std::string(hint_file_name), std::move(path)};
        }
    }
    // new/ first: readers move files new/ -> cur/, so a file moved meanwhile is still found in cur/.
    for (Location location : {Location::new_dir, Location::cur_dir})
        if (auto ref = search_dir(folder_dir, location, key)) return *ref;
    return not_found(folder_dir, key);
}

util::Expected<MessageRef> set_flags(const std::filesystem::path& folder_dir, std::string_view key,
                                     const MaildirFlags& flags, std::string_view hint_file_name,
                                     PendingDirSyncs* pending) {
    for (int attempt = 0; attempt < k_resolve_attempts; ++attempt) {
        auto ref = find_message(folder_dir, key, attempt == 0 ? hint_file_name : std::string_view{});
        if (!ref) return ref;
        auto parsed = parse_file_name(ref->file_name);
        if (!parsed) return util::unexpected(std::move(parsed).error());
        if (ref->location == Location::new_dir && parsed->info == InfoKind::none && flags.empty()) return ref;

        const char separator = parsed->info == InfoKind::none ? k_info_separator : parsed->separator;
        MessageRef target{Location::cur_dir, render_file_name(key, flags, separator), {}};
        target.path = folder_dir / subdir_name(Location::cur_dir) / target.file_name;
        if (ref->location == target.location && ref->file_name == target.file_name) return ref;
        if (::rename(ref->path.c_str(), target.path.c_str()) == 0) {
            if (auto r = fsync_dirs(target.path.parent_path(), ref->path.parent_path(), pending); !r)
                return util::unexpected(std::move(r).error());
            return target;
        }
        const int err = errno;
        if (err == ENOENT) continue;  // renamed by a reader meanwhile: find it again
        return util::unexpected(sys::errno_error(err, "cannot rename", ref->path, "check permissions of cur/"));
    }
    return not_found(folder_dir, key);
}

util::Expected<bool> remove_message(const std::filesystem::path& folder_dir, std::string_view key,
                                    std::string_view hint_file_name, PendingDirSyncs* pending) {
    for (int attempt = 0; attempt < k_resolve_attempts; ++attempt) {
        auto ref = find_message(folder_dir, key, attempt == 0 ? hint_file_name : std::string_view{});
        if (!ref) {
            if (ref.error().code == Errc::message_not_found) return false;
            return util::unexpected(std::move(ref).error());
        }
        if (::unlink(ref->path.c_str()) == 0) {
            if (pending)
                pending->add(ref->path.parent_path());
            else if (auto r = sys::fsync_dir(ref->path.parent_path()); !r)
                return util::unexpected(std::move(r).error());
            return true;
        }
        const int err = errno;
        if (err == ENOENT) continue;
        return util::unexpected(sys::errno_error(err, "cannot delete", ref->path, "check permissions"));
    }
    return not_found(folder_dir, key);
}

util::Expected<MessageRef> move_message(const std::filesystem::path& from_folder,
                                        const std::filesystem::path& to_folder, std::string_view key,
                                        std::string_view hint_file_name, PendingDirSyncs* pending) {
    if (!is_maildir(to_folder))
        return util::unexpected(make_error(
            Errc::not_a_maildir, "target folder '" + to_folder.string() + "' has no cur/ and new/; create it first"));
    for (int attempt = 0; attempt < k_resolve_attempts; ++attempt) {
        auto ref = find_message(from_folder, key, attempt == 0 ? hint_file_name : std::string_view{});
        if (!ref) return ref;
        MessageRef target{ref->location, ref->file_name, to_folder / subdir_name(ref->location) / ref->file_name};
        const int err = sys::rename_noreplace(ref->path, target.path);
        if (err == 0) {
            if (auto r = fsync_dirs(target.path.parent_path(), ref->path.parent_path(), pending); !r)
                return util::unexpected(std::move(r).error());
            return target;
        }
        if (err == ENOENT) continue;
        if (err == EXDEV)
            return util::unexpected(make_error(Errc::cross_device, "cannot move '" + ref->path.string() + "' to '" +
                                                                       to_folder.string() +
                                                                       "': different file systems; keep the "
                                                                       "Maildir root on one file system"));
        if (err == EEXIST)
            return util::unexpected(make_error(Errc::name_collision, "'" + target.path.string() +
                                                                         "' already exists; the message is in "
                                                                         "both folders, remove one copy"));
        return util::unexpected(sys::errno_error(err, "cannot move", ref->path, "check permissions of both folders"));
    }
    return not_found(from_folder, key);
}

}  // namespace mailtwin::maildir
