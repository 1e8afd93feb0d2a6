#include "mailtwin/folders/folder_naming.hpp"

#include <algorithm>

#include "mailtwin/folders/folder_filter.hpp"
#include "mailtwin/imap/utf7.hpp"
#include "mailtwin/maildir/error.hpp"
#include "mailtwin/net/session.hpp"
#include "mailtwin/util/inbox.hpp"

namespace mailtwin::engine {
namespace {

using util::is_inbox;
using util::k_inbox;

}  // namespace

bool FolderNaming::personal(std::string_view remote) const {
    if (personal_prefix.empty() || is_inbox(remote)) return true;
    if (remote.size() <= personal_prefix.size()) return false;
    const std::string_view head = remote.substr(0, personal_prefix.size());
    if (head == personal_prefix) return true;
    // "INBOX" is case-insensitive in IMAP, so is an "INBOX." prefix's first level.
    return personal_prefix.size() > k_inbox.size() && util::starts_with_inbox(personal_prefix) &&
           util::with_canonical_inbox(head) == util::with_canonical_inbox(personal_prefix);
}

std::optional<std::string> FolderNaming::to_local(std::string_view remote) const {
    if (personal_prefix.empty()) return std::string(remote);
    if (is_inbox(remote)) return std::string(k_inbox);
    if (!personal(remote)) return std::string(remote);
    const std::string_view rest = remote.substr(personal_prefix.size());
    if (is_inbox(rest)) return std::nullopt;  // would be INBOX itself
    return std::string(rest);
}

std::string FolderNaming::to_remote(std::string_view local) const {
    if (personal_prefix.empty()) return std::string(local);
    if (is_inbox(local)) return std::string(k_inbox);
    return personal_prefix + std::string(local);
}

std::string FolderNaming::stripped(std::string_view remote) const {
    if (personal_prefix.empty() || is_inbox(remote) || !personal(remote)) return std::string(remote);
    return std::string(remote.substr(personal_prefix.size()));
}

util::Expected<std::filesystem::path> FolderNaming::local_path(const maildir::Layout& layout,
                                                               std::string_view remote) const {
    auto local = to_local(remote);
    if (!local)
        return util::unexpected(maildir::make_error(maildir::Errc::unsafe_folder_name,
                                                    "folder \"" + std::string(remote) +
                                                        "\" would map to the local INBOX (the personal namespace "
                                                        "prefix \"" +
                                                        personal_prefix + "\" is stripped locally)"));
    return layout.local_path(*local, delimiter);
}

std::optional<std::filesystem::path> FolderNaming::taken_path(const maildir::Layout& layout,
                                                              std::string_view remote) const {
    auto local = to_local(remote);
    if (!local) return std::nullopt;
    return layout.taken_path(*local, delimiter);
}

bool FolderNaming::selected(std::string_view remote, const std::vector<std::string>& patterns) const {
    return folder_selected(remote, stripped(remote), patterns, delimiter);
}

NameClaims FolderNaming::claim_local_names(const std::vector<std::string>& remote_names) const {
    NameClaims out;
    // Personal folders first: they own their local names.
    for (int pass = 0; pass < 2; ++pass)
        for (const auto& name : remote_names) {
            if (personal(name) != (pass == 0)) continue;
            auto local = to_local(name);
            if (!local) continue;
            auto [it, inserted] = out.by_local.emplace(*local, name);
            if (!inserted && it->second != name && pass == 1) out.clashing.insert(name);
        }
    return out;
}

util::Expected<maildir::FolderListing> FolderNaming::list_local(const maildir::Layout& layout,
                                                                const NameClaims& claims) const {
    auto listing = maildir::list_folders(layout, delimiter);
    if (!listing) return listing;
    if (personal_prefix.empty() && claims.by_local.empty()) return listing;
    for (auto& f : listing->folders) {
        auto it = claims.by_local.find(f.remote_name);
        f.remote_name = it != claims.by_local.end() ? it->second : to_remote(f.remote_name);
    }
    std::sort(
        listing->folders.begin(), listing->folders.end(),
        [](const maildir::LocalFolder& a, const maildir::LocalFolder& b) { return a.remote_name < b.remote_name; });
    return listing;
}

FolderNaming make_folder_naming(const std::vector<net::FolderInfo>& listed, const imap::Namespaces* namespaces) {
    FolderNaming naming;
    bool have_delimiter = false;
    for (const auto& f : listed)
        if (f.delimiter) {
            naming.delimiter = *f.delimiter;
            have_delimiter = true;
            break;
        }
    if (!namespaces || namespaces->personal.empty()) return naming;
    const auto& ns = namespaces->personal.front();
    if (!have_delimiter && ns.delimiter) naming.delimiter = *ns.delimiter;
    // The prefix arrives in the wire form (modified UTF-7 unless UTF8=ACCEPT); names are UTF-8 here.
    auto prefix = imap::mailbox_from_wire(ns.prefix, false);
    naming.personal_prefix = prefix ? *prefix : ns.prefix;
    if (!naming.personal_prefix.empty() && naming.delimiter != maildir::k_no_delimiter &&
        naming.personal_prefix.back() != naming.delimiter)
        naming.personal_prefix += naming.delimiter;
    return naming;
}

}  // namespace mailtwin::engine
