#include "mailtwin/run/views.hpp"

#include <map>
#include <set>

namespace mailtwin::engine {
namespace {

using util::Side;

// The identity slot of each message `side`'s view lists, by id.
std::map<std::pair<model::Uid, std::string>, std::optional<model::Identity>*> listed(store::FolderViews& views,
                                                                                     Side side) {
    std::map<std::pair<model::Uid, std::string>, std::optional<model::Identity>*> out;
    if (side == Side::remote)
        for (auto& m : views.remote.messages) out[{m.uid, {}}] = &m.identity;
    else
        for (auto& m : views.local.messages) out[{0, m.key}] = &m.identity;
    return out;
}

std::vector<store::MessageId> requested(const sync::IdentityRequest& request, Side side) {
    std::vector<store::MessageId> out;
    if (side == Side::remote)
        for (model::Uid uid : request.remote) out.push_back({uid, {}});
    else
        for (const auto& key : request.local) out.push_back({0, key});
    return out;
}

}  // namespace

std::optional<store::Checkpoint> checkpoint_of(const state::LoadedFolder& last) {
    if (!last.record) return std::nullopt;
    return checkpoint_of(*last.record);
}

store::Checkpoint checkpoint_of(const state::FolderState& r) {
    store::Checkpoint c;
    c.uidvalidity = r.uidvalidity;
    c.highestmodseq = r.highestmodseq;
    c.uidnext = r.uidnext;
    c.messages = r.message_count;
    c.skipped_remote = r.skipped_remote;
    c.local_stamp = r.scan_blob;
    return c;
}

asio::awaitable<util::Expected<void>> fill_identities(const util::PerSide<store::FolderStore*>& stores,
                                                      store::FolderViews& views, model::FolderState& rows,
                                                      const sync::IdentityRequest& request) {
    for (Side side : util::k_both_sides) {
        auto slots = listed(views, side);  // one pass over the view, not one search per requested id
        std::vector<store::MessageId> missing;
        for (auto& id : requested(request, side)) {
            auto it = slots.find({id.uid, id.key});
            if (it == slots.end() || !*it->second) missing.push_back(std::move(id));
        }
        if (missing.empty()) continue;
        auto identities = co_await stores[side]->identify(missing);
        if (!identities) co_return util::unexpected(std::move(identities).error());
        for (std::size_t i = 0; i < missing.size(); ++i) {
            const auto& identity = (*identities)[i];
            if (!identity) continue;  // gone since the view: the next run sees it gone
            const auto& id = missing[i];
            if (auto it = slots.find({id.uid, id.key}); it != slots.end()) {
                *it->second = identity;
                continue;
            }
            for (auto& row : rows.pairs)
                if (!row.identity && (side == Side::remote ? row.uid == id.uid : row.key == id.key))
                    row.identity = identity;
        }
    }
    co_return util::Expected<void>{};
}

}  // namespace mailtwin::engine
