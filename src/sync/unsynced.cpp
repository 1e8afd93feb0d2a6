#include "mailtwin/sync/unsynced.hpp"

#include <map>
#include <string>

namespace mailtwin::sync {

bool changed_since_last_sync(const model::RemoteView& view, const model::FolderState& rows) {
    if (view.uidvalidity != rows.uidvalidity) return true;
    std::map<model::Uid, const model::PairState*> known;
    for (const auto& row : rows.pairs)
        if (row.uid != 0) known.emplace(row.uid, &row);
    for (const auto& m : view.messages) {
        auto row = known.find(m.uid);
        if (row == known.end() || row->second->remote_flags != m.flags) return true;
    }
    if (view.kind == model::RemoteViewKind::changes_since) {
        for (model::Uid uid : view.vanished)
            if (known.contains(uid)) return true;
        return false;
    }
    return view.messages.size() != known.size();  // every listed UID is known: a missing one is gone
}

bool changed_since_last_sync(const model::LocalView& view, const model::FolderState& rows) {
    if (view.kind == model::LocalViewKind::unchanged) return false;
    std::map<std::string, const model::PairState*> known;
    for (const auto& row : rows.pairs)
        if (!row.key.empty()) known.emplace(row.key, &row);
    for (const auto& m : view.messages) {
        auto row = known.find(m.key);
        if (row == known.end() || row->second->local_flags != m.flags) return true;
    }
    return view.messages.size() != known.size();
}

}  // namespace mailtwin::sync
