#include "mailtwin/folders/folder_plan_input.hpp"

#include "mailtwin/settings/policy_from_config.hpp"

namespace mailtwin::engine {

sync::FolderPlanInput folder_plan_input(const config::Account& account, const maildir::Layout& layout,
                                        FolderPlanSources sources, bool force) {
    sync::FolderPlanInput input;
    for (const auto& f : sources.remote)
        input.listed[util::Side::remote].push_back(sync::ListedFolder{f.name, f.selectable, f.mailbox_id});
    for (const auto& name : sources.local)
        input.listed[util::Side::local].push_back(sync::ListedFolder{name, true, ""});
    input.known = std::move(sources.known);
    input.selected = std::move(sources.selected);
    input.delimiter = sources.delimiter;
    // IMAP's RENAME always takes the inferiors along; only the nested layout keeps children inside
    // their parent's directory.
    input.children_follow_parent[util::Side::local] = layout.kind() == maildir::LayoutKind::verbatim;
    const sync::Policy policy = policy_from_config(account.sync, force, false);
    input.direction = policy.direction;
    input.max_delete_percent = policy.max_delete_percent;
    input.force = force;
    input.deletes = folder_deletes(account.sync);
    return input;
}

}  // namespace mailtwin::engine
