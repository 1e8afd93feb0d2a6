#include "mailtwin/engine/folder_map.hpp"

#include <array>
#include <map>
#include <utility>

#include "mailtwin/engine/folder_filter.hpp"
#include "mailtwin/engine/remote_list.hpp"
#include "mailtwin/imap/response.hpp"
#include "mailtwin/maildir/layout.hpp"

namespace mailtwin::engine {

FolderMap map_folders(const config::Account& account, const std::vector<net::FolderInfo>& remote,
                      const maildir::FolderListing& local, char delimiter) {
    const maildir::Layout layout(account.maildir, account.layout == config::Layout::verbatim
                                                      ? maildir::LayoutKind::verbatim
                                                      : maildir::LayoutKind::maildir_plus_plus);
    FolderMap out;
    out.account = account.name;
    out.delimiter = delimiter;
    std::map<std::string, FolderEntry> entries;
    for (const auto& f : remote) {
        FolderEntry& e = entries[f.name];
        e.remote = true;
        e.selectable = f.selectable;
        e.attributes = f.attributes;
    }
    for (const auto& lf : local.folders) {
        FolderEntry& e = entries[lf.remote_name];
        e.local = true;
        e.local_path = lf.path;
    }
    for (const auto& skipped : local.skipped) out.skipped.push_back(skipped.message);
    for (auto& [name, e] : entries) {
        e.name = name;
        if (e.local_path.empty()) {
            if (auto p = layout.local_path(name, delimiter))
                e.local_path = *p;
            else
                e.unmappable = p.error().message;
        }
        // A hierarchy node is never synced, whatever the globs say: report it as not included.
        e.included = e.selectable && !e.local_path.empty() && folder_selected(name, account.sync.folders, delimiter);
        out.folders.push_back(std::move(e));
    }
    return out;
}

util::Expected<FolderMap> gather_folders(const config::Account& account) {
    auto listed = list_remote_folders(account, false);
    if (!listed) return util::unexpected(std::move(listed).error());
    maildir::FolderListing local;
    if (std::filesystem::is_directory(account.maildir)) {
        const maildir::Layout layout(account.maildir, account.layout == config::Layout::verbatim
                                                          ? maildir::LayoutKind::verbatim
                                                          : maildir::LayoutKind::maildir_plus_plus);
        auto found = maildir::list_folders(layout, listed->delimiter);
        if (found)
            local = std::move(*found);
        else
            local.skipped.push_back(std::move(found).error());  // the server's side is still worth showing
    }
    return map_folders(account, listed->folders, local, listed->delimiter);
}

std::string special_use_names(std::uint32_t attributes) {
    using imap::MailboxAttr;
    static constexpr std::array<std::pair<MailboxAttr, const char*>, 8> k_names{{
        {MailboxAttr::all, "\\All"},
        {MailboxAttr::archive, "\\Archive"},
        {MailboxAttr::drafts, "\\Drafts"},
        {MailboxAttr::flagged, "\\Flagged"},
        {MailboxAttr::junk, "\\Junk"},
        {MailboxAttr::sent, "\\Sent"},
        {MailboxAttr::trash, "\\Trash"},
        {MailboxAttr::important, "\\Important"},
    }};
    std::string out;
    for (auto [attr, name] : k_names) {
        if ((attributes & static_cast<std::uint32_t>(attr)) == 0) continue;
        if (!out.empty()) out += ' ';
        out += name;
    }
    return out;
}

}  // namespace mailtwin::engine
