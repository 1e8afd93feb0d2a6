#pragma once
// The folder plan's view of its input (folder_plan.hpp): both listings and the state by name, so that
// the plan does not depend on the order the caller listed them in, and the renames each side shows
// (rule 1's detection, before any decision about them).
#include <map>
#include <string>
#include <vector>

#include "mailtwin/sync/folder_plan.hpp"

namespace mailtwin::sync::detail {

class FolderIndex {
public:
    explicit FolderIndex(const FolderPlanInput& input);

    [[nodiscard]] const FolderPlanInput& input() const noexcept { return m_input; }
    [[nodiscard]] bool selected(const std::string& name) const { return !m_input.selected || m_input.selected(name); }
    [[nodiscard]] const ListedFolder* listed(util::Side s, const std::string& name) const;
    [[nodiscard]] const std::map<std::string, ListedFolder>& listing(util::Side s) const { return m_listed[s]; }
    [[nodiscard]] const KnownFolder* known(const std::string& name) const;
    [[nodiscard]] const std::map<std::string, KnownFolder>& known_folders() const { return m_known; }
    // Selected known folders `s` does not list: the ones that may have been renamed or deleted there.
    [[nodiscard]] std::vector<const KnownFolder*> gone_from(util::Side s) const;
    // Folders `s` lists that the state does not know and that can hold messages: what a known folder
    // gone from `s` may have been renamed to.
    [[nodiscard]] std::vector<const ListedFolder*> new_on(util::Side s) const;

private:
    const FolderPlanInput& m_input;
    util::PerSide<std::map<std::string, ListedFolder>> m_listed;
    std::map<std::string, KnownFolder> m_known;
};

// The renames each side shows (rule 1): known name -> new name, each unambiguous (one candidate for
// the known folder, one known folder for the candidate), and on a side whose children follow their
// parent, the known children that went with a renamed parent. Whether they are mirrored is the plan's.
using SideRenames = util::PerSide<std::map<std::string, std::string>>;
[[nodiscard]] SideRenames find_renames(const FolderIndex& index);

}  // namespace mailtwin::sync::detail
