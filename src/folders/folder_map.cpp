#include "mailtwin/folders/folder_map.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <utility>

#include "mailtwin/folders/folder_collisions.hpp"
#include "mailtwin/folders/folder_filter.hpp"
#include "mailtwin/folders/remote_list.hpp"
#include "mailtwin/imap/response.hpp"
#include "mailtwin/maildir/layout.hpp"
#include "mailtwin/settings/local_layout.hpp"

namespace mailtwin::engine {

FolderMap map_folders(const config::Account& account, const std::vector<net::FolderInfo>& remote,
                      const maildir::FolderListing& local, char delimiter) {
    return map_folders(account, remote, local, FolderNaming{delimiter, ""});
}

FolderMap map_folders(const config::Account& account, const std::vector<net::FolderInfo>& remote,
                      const maildir::FolderListing& local, const FolderNaming& naming) {
    const char delimiter = naming.delimiter;
    const maildir::Layout layout = local_layout(account);
    FolderMap out;
    out.account = account.name;
    out.delimiter = delimiter;
    out.personal_prefix = naming.personal_prefix;
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
    std::vector<std::string> remote_names;
    for (const auto& f : remote) remote_names.push_back(f.name);
    const NameClaims claims = naming.claim_local_names(remote_names);
    // Directories that hold a folder the layout refuses (see FolderNaming::taken_path()).
    std::map<std::filesystem::path, std::string> taken;
    for (const auto& [name, e] : entries)
        if (auto path = naming.taken_path(layout, name)) taken.emplace(path->lexically_normal(), name);
    const FolderSelection selection(account.sync, naming, remote);
    for (auto& [name, e] : entries) {
        e.name = name;
        if (claims.clashing.contains(name)) {
            e.local_path.clear();
            e.unmappable = "its local name is taken by a personal folder";
        } else if (e.local_path.empty()) {
            if (auto p = naming.local_path(layout, name))
                e.local_path = *p;
            else
                e.unmappable = p.error().message;
        }
        if (auto t = taken.find(e.local_path.lexically_normal()); !e.local_path.empty() && t != taken.end()) {
            e.unmappable = describe_taken(name, t->second, e.local_path);
            e.local_path.clear();
        }
        // A hierarchy node or a skipped special-use folder is reported as not included (FolderSelection).
        e.included = !e.local_path.empty() && selection.synced(name);
        out.folders.push_back(std::move(e));
    }
    return out;
}

util::Expected<FolderMap> gather_folders(const config::Account& account) {
    auto listed = list_remote_folders(account, false);
    if (!listed) return util::unexpected(std::move(listed).error());
    maildir::FolderListing local;
    if (std::filesystem::is_directory(account.maildir)) {
        const maildir::Layout layout = local_layout(account);
        std::vector<std::string> remote_names;
        for (const auto& f : listed->folders) remote_names.push_back(f.name);
        auto found = listed->naming.list_local(layout, listed->naming.claim_local_names(remote_names));
        if (found)
            local = std::move(*found);
        else
            local.skipped.push_back(std::move(found).error());  // the server's side is still worth showing
    }
    return map_folders(account, listed->folders, local, listed->naming);
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
