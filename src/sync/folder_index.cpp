#include "folder_index.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace mailtwin::sync::detail {

using util::Side;

FolderIndex::FolderIndex(const FolderPlanInput& input) : m_input(input) {
    // Sorted first, so that a name listed twice keeps the same entry whatever the listing order.
    for (Side s : util::k_both_sides) {
        auto listed = input.listed[s];
        std::sort(listed.begin(), listed.end(), [](const ListedFolder& a, const ListedFolder& b) {
            return std::tie(a.name, a.selectable, a.id) < std::tie(b.name, b.selectable, b.id);
        });
        for (auto& f : listed) m_listed[s].emplace(f.name, std::move(f));
    }
    auto known = input.known;
    std::sort(known.begin(), known.end(), [](const KnownFolder& a, const KnownFolder& b) {
        return std::tie(a.name, a.id, a.messages) < std::tie(b.name, b.id, b.messages);
    });
    for (auto& k : known) m_known.emplace(k.name, std::move(k));
}

const ListedFolder* FolderIndex::listed(Side s, const std::string& name) const {
    const auto it = m_listed[s].find(name);
    return it == m_listed[s].end() ? nullptr : &it->second;
}

const KnownFolder* FolderIndex::known(const std::string& name) const {
    const auto it = m_known.find(name);
    return it == m_known.end() ? nullptr : &it->second;
}

std::vector<const KnownFolder*> FolderIndex::gone_from(Side s) const {
    std::vector<const KnownFolder*> out;
    for (const auto& [name, k] : m_known)
        if (selected(name) && listed(s, name) == nullptr) out.push_back(&k);
    return out;
}

std::vector<const ListedFolder*> FolderIndex::new_on(Side s) const {
    std::vector<const ListedFolder*> out;
    for (const auto& [name, f] : m_listed[s])
        if (f.selectable && known(name) == nullptr) out.push_back(&f);
    return out;
}

namespace {

// Every (known, new) pair the ids or the evidence name on one side, ambiguous ones included.
std::set<std::pair<std::string, std::string>> rename_matches(const FolderIndex& index, Side s) {
    std::set<std::pair<std::string, std::string>> matches;
    const auto gone = index.gone_from(s);
    const auto fresh = index.new_on(s);
    std::set<std::string> gone_names;
    std::set<std::string> fresh_names;
    for (const auto* k : gone) gone_names.insert(k->name);
    for (const auto* n : fresh) fresh_names.insert(n->name);
    for (const auto* k : gone)
        for (const auto* n : fresh)
            if (!k->id.empty() && k->id == n->id) matches.emplace(k->name, n->name);
    for (const auto& [old_name, new_name] : index.input().evidence.same_content[s])
        if (gone_names.count(old_name) != 0 && fresh_names.count(new_name) != 0) matches.emplace(old_name, new_name);
    return matches;
}

// On a side whose children follow their parent (IMAP RENAME, a nested Maildir), a known child of a
// renamed folder that is gone, with a new folder of the same suffix under the new name, went with it:
// renamed too, evidence or not (an empty folder has none). Parents first, so grandchildren follow.
void add_children_renamed_with_parent(const FolderIndex& index, Side s, std::map<std::string, std::string>& renames) {
    const char delimiter = index.input().delimiter;
    std::set<std::string> targets;
    for (const auto& [from, to] : renames) targets.insert(to);
    std::set<std::string> fresh;
    for (const auto* n : index.new_on(s)) fresh.insert(n->name);
    for (const auto* k : index.gone_from(s)) {
        if (renames.count(k->name) != 0) continue;
        for (auto at = k->name.rfind(delimiter); at != std::string::npos && at > 0;
             at = k->name.rfind(delimiter, at - 1)) {
            const auto parent = renames.find(k->name.substr(0, at));
            if (parent == renames.end()) continue;
            std::string target = parent->second;
            target.append(k->name, at, std::string::npos);
            if (fresh.count(target) != 0 && targets.insert(target).second) renames.emplace(k->name, target);
            break;
        }
    }
}

}  // namespace

SideRenames find_renames(const FolderIndex& index) {
    SideRenames renames;
    for (Side s : util::k_both_sides) {
        const auto matches = rename_matches(index, s);
        std::map<std::string, int> per_known;
        std::map<std::string, int> per_new;
        for (const auto& [k, n] : matches) {
            ++per_known[k];
            ++per_new[n];
        }
        for (const auto& [k, n] : matches)
            if (per_known[k] == 1 && per_new[n] == 1) renames[s].emplace(k, n);
        if (index.input().children_follow_parent[s]) add_children_renamed_with_parent(index, s, renames[s]);
    }
    return renames;
}

}  // namespace mailtwin::sync::detail
