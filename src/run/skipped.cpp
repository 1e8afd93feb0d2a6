#include "mailtwin/run/skipped.hpp"

#include <algorithm>
#include <set>

namespace mailtwin::engine {

SkippedMessages skipped_after_plan(const state::FolderState* last, const model::RemoteView& remote,
                                   const model::LocalView& local, const sync::Plan& plan) {
    std::set<model::Uid> remote_uids;
    if (last && remote.kind != model::RemoteViewKind::full && last->uidvalidity == remote.uidvalidity) {
        std::set<model::Uid> shown(remote.vanished.begin(), remote.vanished.end());
        for (const auto& m : remote.messages) shown.insert(m.uid);
        for (model::Uid uid : last->skipped_remote)
            if (!shown.contains(uid)) remote_uids.insert(uid);
    }
    std::set<std::string> local_keys;
    if (last && local.kind == model::LocalViewKind::unchanged)
        local_keys.insert(last->skipped_local.begin(), last->skipped_local.end());
    for (const auto& action : plan.actions) {
        const auto* skip = std::get_if<sync::Skip>(&action);
        if (!skip || skip->reason != sync::k_skip_larger_than_max_size) continue;
        if (skip->side == util::Side::remote) {
            if (skip->uid != 0) remote_uids.insert(skip->uid);
        } else if (!skip->key.empty()) {
            local_keys.insert(skip->key);
        }
    }
    return SkippedMessages{{remote_uids.begin(), remote_uids.end()}, {local_keys.begin(), local_keys.end()}};
}

}  // namespace mailtwin::engine
