#include "mailtwin/maildir/scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string_view>

#include "mailtwin/maildir/error.hpp"
#include "sys.hpp"

namespace mailtwin::maildir {
namespace {

struct Entry {
    std::string name;
    unsigned char type;
};

std::int64_t now_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

util::Expected<DirStamp> stat_dir(const std::filesystem::path& dir, ScanStats& stats) {
    struct stat st {};
    ++stats.stat_calls;
    if (::stat(dir.c_str(), &st) != 0) {
        const int err = errno;
        if (err == ENOENT || err == ENOTDIR)
            return util::unexpected(make_error(Errc::not_a_maildir, "'" + dir.string() +
                                                                        "' is missing: the folder is not a Maildir "
                                                                        "(it needs cur/, new/ and tmp/); create it "
                                                                        "or fix the path"));
        return util::unexpected(sys::errno_error(err, "cannot stat", dir, "check permissions"));
    }
    if (!S_ISDIR(st.st_mode))
        return util::unexpected(make_error(Errc::not_a_maildir, "'" + dir.string() +
                                                                    "' is not a directory: the folder is not a "
                                                                    "Maildir; move the file away"));
    return DirStamp{std::int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec,
                    static_cast<std::uint64_t>(st.st_size), static_cast<std::uint64_t>(st.st_ino),
                    static_cast<std::uint64_t>(st.st_dev)};
}

util::Expected<FolderStamp> stat_folder(const std::filesystem::path& folder, ScanStats& stats) {
    auto n = stat_dir(folder / subdir_name(Location::new_dir), stats);
    if (!n) return util::unexpected(std::move(n).error());
    auto c = stat_dir(folder / subdir_name(Location::cur_dir), stats);
    if (!c) return util::unexpected(std::move(c).error());
    return FolderStamp{*n, *c, true};
}

bool is_racy(const FolderStamp& s, std::int64_t now) {
    const std::int64_t window = std::chrono::duration_cast<std::chrono::nanoseconds>(k_racy_window).count();
    return now - s.new_dir.mtime_ns < window || now - s.cur_dir.mtime_ns < window;
}

bool same_dirs(const FolderStamp& a, const FolderStamp& b) { return a.new_dir == b.new_dir && a.cur_dir == b.cur_dir; }

// Lists one directory completely, then stat()s what needs it: the listing is short and the
// directory stream is not held open across the hook.
util::Expected<void> list_dir(const std::filesystem::path& folder, Location location, const ScanOptions& options,
                              ScanStats& stats, std::vector<ScannedMessage>& out, std::vector<ScanProblem>& problems,
                              std::uint64_t& vanished) {
    const auto path = folder / subdir_name(location);
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(path.c_str()), ::closedir);
    if (!dir) return util::unexpected(sys::errno_error(errno, "cannot list", path, "check permissions"));
    std::vector<Entry> entries;
    for (;;) {
        ++stats.readdir_calls;
        errno = 0;
        const dirent* e = ::readdir(dir.get());
        if (!e) {
            if (errno != 0)
                return util::unexpected(sys::errno_error(errno, "cannot read", path, "check the file system"));
            break;
        }
        ++stats.entries_read;
        const std::string_view name = e->d_name;
        if (name == "." || name == "..") continue;
        if (name.front() == '.' || e->d_type == DT_DIR) {
            ++stats.ignored;
            continue;
        }
        entries.push_back(Entry{std::string(name), e->d_type});
    }
    if (options.after_listing) options.after_listing(location);

    for (auto& entry : entries) {
        auto parsed = parse_file_name(entry.name);
        if (!parsed) {
            ++stats.ignored;
            // Hidden names are not mail (the Maildir rule); any other name that is no message name
            // (":2,S": no unique part) may be mail, so it is reported, never skipped in silence.
            if (entry.name.front() != '.')
                problems.push_back(ScanProblem{location, entry.name, "has no unique name before its info (\":2,\")"});
            continue;
        }
        ScannedMessage m;
        if (parsed->size && (entry.type == DT_REG || entry.type == DT_UNKNOWN)) {
            m.size = *parsed->size;
        } else {
            struct stat st {};
            ++stats.stat_calls;
            std::string problem;
            if (::fstatat(::dirfd(dir.get()), entry.name.c_str(), &st, 0) != 0) {
                const int err = errno;
                struct stat link {};
                if (err == ENOENT &&
                    ::fstatat(::dirfd(dir.get()), entry.name.c_str(), &link, AT_SYMLINK_NOFOLLOW) != 0) {
                    ++vanished;  // deleted or renamed by a reader meanwhile
                    continue;
                }
                problem = err == ENOENT ? std::string("is a symbolic link to nothing")
                                        : std::string("cannot be examined: ") + std::strerror(err);
            } else if (!S_ISREG(st.st_mode)) {
                problem = "is not a regular file";
            }
            if (!problem.empty()) {
                problems.push_back(ScanProblem{location, entry.name, std::move(problem)});
                m.size = parsed->size.value_or(0);
            } else {
                m.size = parsed->size.value_or(static_cast<std::uint64_t>(st.st_size));
            }
        }
        m.key = std::move(parsed->key);
        m.flags = std::move(parsed->flags);
        m.location = location;
        m.file_name = std::move(entry.name);
        out.push_back(std::move(m));
    }
    return {};
}

// Sorts by key (cur/ before new/, then by name) and keeps the first of each key.
void resolve_duplicates(ScanResult& result) {
    auto& v = result.messages;
    std::sort(v.begin(), v.end(), [](const ScannedMessage& a, const ScannedMessage& b) {
        if (a.key != b.key) return a.key < b.key;
        if (a.location != b.location) return a.location == Location::cur_dir;
        return a.file_name < b.file_name;
    });
    std::size_t kept = 0;
    for (std::size_t i = 0; i < v.size();) {
        std::size_t j = i + 1;
        while (j < v.size() && v[j].key == v[i].key) ++j;
        if (j - i > 1) {
            DuplicateKey d{v[i].key, {}};
            for (std::size_t k = i; k < j; ++k) d.files.emplace_back(v[k].location, v[k].file_name);
            result.duplicates.push_back(std::move(d));
        }
        if (kept != i) v[kept] = std::move(v[i]);
        ++kept;
        i = j;
    }
    v.resize(kept);
}

}  // namespace

util::Expected<ScanResult> scan_folder(const std::filesystem::path& folder_dir, const ScanOptions& options) {
    ScanResult result;
    for (int pass = 1;; ++pass) {
        auto before = stat_folder(folder_dir, result.stats);
        if (!before) return util::unexpected(std::move(before).error());
        if (pass == 1 && options.remembered && !options.remembered->racy && same_dirs(*options.remembered, *before)) {
            result.unchanged = true;
            result.stamp = *options.remembered;
            return result;
        }

        ++result.stats.passes;
        result.messages.clear();
        result.problems.clear();
        std::uint64_t vanished = 0;
        for (Location location : {Location::new_dir, Location::cur_dir}) {
            if (auto r =
                    list_dir(folder_dir, location, options, result.stats, result.messages, result.problems, vanished);
                !r)
                return util::unexpected(std::move(r).error());
        }
        auto after = stat_folder(folder_dir, result.stats);
        if (!after) return util::unexpected(std::move(after).error());
        result.stats.vanished += vanished;
        const bool moved_under_us = vanished > 0 || !same_dirs(*before, *after);
        if (moved_under_us && pass < k_max_scan_passes) continue;

        result.stamp = *before;
        result.stamp.racy = moved_under_us || is_racy(*before, now_ns());
        break;
    }
    resolve_duplicates(result);
    return result;
}

}  // namespace mailtwin::maildir
