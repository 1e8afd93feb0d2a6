#include <algorithm>
#include <system_error>

#include "mailtwin/maildir/error.hpp"
#include "mailtwin/maildir/folder.hpp"

namespace mailtwin::maildir {
namespace {

namespace fs = std::filesystem;

bool is_real_dir(const fs::directory_entry& e) {
    std::error_code ec;
    return e.is_directory(ec) && !e.is_symlink(ec);
}

void add(const Layout& layout, char delimiter, const fs::path& dir, FolderListing& out) {
    auto name = layout.remote_name(dir, delimiter);
    if (name)
        out.folders.push_back(LocalFolder{std::move(*name), dir});
    else
        out.skipped.push_back(std::move(name).error());
}

}  // namespace

util::Expected<FolderListing> list_folders(const Layout& layout, char delimiter) {
    const auto& root = layout.root();
    std::error_code ec;
    if (!fs::is_directory(root, ec))
        return util::unexpected(make_error(Errc::not_a_maildir, "Maildir root '" + root.string() +
                                                                    "' is missing or not a directory; mount or "
                                                                    "create it (nothing is synchronized without it)"));
    FolderListing out;
    if (layout.kind() == LayoutKind::maildir_plus_plus) {
        if (is_maildir(root)) add(layout, delimiter, root, out);
        for (fs::directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
             it.increment(ec)) {
            const auto name = it->path().filename().string();
            if (name.size() > 1 && name[0] == '.' && is_real_dir(*it) && is_maildir(it->path()))
                add(layout, delimiter, it->path(), out);
        }
    } else {
        // verbatim, and dotted: there every folder is a directory right under the root, and a deeper
        // Maildir (a verbatim tree under the wrong setting) is reported by remote_name(), not ignored.
        fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
        for (const fs::recursive_directory_iterator end; !ec && it != end; it.increment(ec)) {
            if (!is_real_dir(*it)) continue;  // the iterator does not descend into symbolic links
            const auto name = it->path().filename();
            // A Maildir's own subdirectories hold messages, not folders.
            if ((name == "cur" || name == "new" || name == "tmp") && is_maildir(it->path().parent_path())) {
                it.disable_recursion_pending();
                continue;
            }
            if (is_maildir(it->path())) add(layout, delimiter, it->path(), out);
        }
    }
    if (ec)
        return util::unexpected(util::system_error(
            ec.value(), "cannot list folders under '" + root.string() + "': " + ec.message() + "; check permissions"));
    std::sort(out.folders.begin(), out.folders.end(),
              [](const LocalFolder& a, const LocalFolder& b) { return a.remote_name < b.remote_name; });
    return out;
}

}  // namespace mailtwin::maildir
