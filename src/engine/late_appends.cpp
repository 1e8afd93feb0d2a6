#include "mailtwin/engine/late_appends.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "mailtwin/engine/identity.hpp"

namespace mailtwin::engine {
namespace {

std::optional<model::Identity> identity_of(const state::Intent& intent) {
    state::MessageRecord carrier;
    carrier.message_id_hash = intent.message_id_hash;
    carrier.content_hash = intent.content_hash;
    return stored_identity(carrier);
}

state::Intent watch_intent(const std::string& folder, const std::string& key, const model::Identity& identity,
                           model::Uid above, std::int64_t now) {
    state::MessageRecord carrier;
    store_identity(carrier, identity);
    state::Intent intent;
    intent.kind = state::IntentKind::append;
    intent.folder = folder;
    intent.uid = above;
    intent.local_key = key;
    intent.message_id_hash = carrier.message_id_hash;
    intent.content_hash = carrier.content_hash;
    intent.created = now;
    return intent;
}

}  // namespace

util::Expected<std::vector<LateAppendWatch>> load_late_append_watches(state::StateDb& db, const FolderKey& where) {
    auto intents = db.list_intents(where.account);
    if (!intents) return util::unexpected(std::move(intents).error());
    std::vector<LateAppendWatch> out;
    for (const auto& intent : *intents) {
        if (intent.kind != state::IntentKind::append || intent.folder != where.folder) continue;
        // A watch without an identity (written by another rule) could recognise nothing: it is kept
        // as one that recognises nothing, and expires like the others.
        auto identity = identity_of(intent);
        out.push_back(LateAppendWatch{intent.id, intent.local_key, identity.value_or(model::Identity{}), intent.uid,
                                      intent.created});
        if (!identity) out.back().above = 0xFFFFFFFFu;
    }
    return out;
}

std::vector<state::IntentId> recognise_late_copies(sync::Plan& plan, const std::vector<LateAppendWatch>& watches,
                                                   bool uidvalidity_changed, std::int64_t now) {
    std::vector<state::IntentId> drop;
    if (watches.empty()) return drop;
    if (uidvalidity_changed) {
        // The UIDs the watches hold belong to the old UIDVALIDITY: nothing can be compared with them.
        for (const auto& w : watches) drop.push_back(w.id);
        return drop;
    }
    // Candidates: downloads of server messages the state does not know, lowest UID first, so that
    // the first copy to land is the one a watch takes (any of them would do: they are one message).
    std::vector<std::size_t> candidates;
    for (std::size_t i = 0; i < plan.actions.size(); ++i)
        if (const auto* d = std::get_if<sync::Download>(&plan.actions[i]); d && !d->restore && d->identity)
            candidates.push_back(i);
    std::sort(candidates.begin(), candidates.end(), [&plan](std::size_t a, std::size_t b) {
        return std::get<sync::Download>(plan.actions[a]).uid < std::get<sync::Download>(plan.actions[b]).uid;
    });
    std::set<std::size_t> used;  // indexes into `watches`
    for (std::size_t at : candidates) {
        const auto d = std::get<sync::Download>(plan.actions[at]);
        for (std::size_t w = 0; w < watches.size(); ++w) {
            if (used.count(w) || watches[w].identity != *d.identity || d.uid <= watches[w].above) continue;
            used.insert(w);
            drop.push_back(watches[w].id);
            // Ours, so no user made it: expunged on the server, never moved to `trash` (server_marked).
            plan.actions[at] = sync::Expunge{util::Side::remote, d.uid, "", true};
            break;
        }
    }
    for (std::size_t w = 0; w < watches.size(); ++w)
        if (!used.count(w) && now >= watches[w].created + k_late_append_window) drop.push_back(watches[w].id);
    if (!used.empty()) plan.counters = sync::count_actions(plan.actions);
    return drop;
}

std::vector<state::Intent> watches_for_unresolved_uploads(const sync::Plan& plan, const model::FolderState& last,
                                                          const std::string& folder, model::Uid above,
                                                          std::int64_t now) {
    std::map<std::string, const model::PairState*> unresolved;
    for (const auto& row : last.pairs)
        if (row.uid == 0 && !row.key.empty() && !row.detached && row.identity) unresolved[row.key] = &row;
    std::vector<state::Intent> out;
    if (unresolved.empty()) return out;
    for (const auto& action : plan.actions) {
        const std::string* key = nullptr;
        if (const auto* u = std::get_if<sync::Upload>(&action)) key = &u->key;
        // Its file is gone, so nothing is uploaded again; the APPEND in doubt may still land, and
        // the deletion covers that copy too.
        if (const auto* f = std::get_if<sync::Forget>(&action); f && f->uid == 0) key = &f->key;
        if (!key) continue;
        auto it = unresolved.find(*key);
        if (it == unresolved.end()) continue;
        out.push_back(watch_intent(folder, *key, *it->second->identity, above, now));
    }
    return out;
}

util::Expected<void> queue_new_watches(StateBatch& batch, const FolderKey& where, const LateAppends& late) {
    if (late.add.empty()) return {};
    return batch.add([&batch, where, add = late.add](state::WriteTxn& txn) -> util::Expected<void> {
        for (const auto& intent : add)
            if (auto id = batch.db().add_intent(txn, where.account, intent); !id)
                return util::unexpected(std::move(id).error());
        return {};
    });
}

util::Expected<void> queue_dropped_watches(StateBatch& batch, const FolderKey& where, const LateAppends& late) {
    if (late.drop.empty()) return {};
    return batch.add([&batch, where, drop = late.drop](state::WriteTxn& txn) -> util::Expected<void> {
        for (state::IntentId id : drop)
            if (auto removed = batch.db().remove_intent(txn, where.account, id); !removed)
                return util::unexpected(std::move(removed).error());
        return {};
    });
}

}  // namespace mailtwin::engine
