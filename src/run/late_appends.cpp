#include "mailtwin/run/late_appends.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <type_traits>
#include <variant>

#include "mailtwin/state/row_identity.hpp"

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

util::Expected<std::vector<LateAppendWatch>> load_late_append_watches(state::StateDb& db,
                                                                      const state::FolderKey& where) {
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

std::vector<NewServerCopy> new_server_copies(const model::RemoteView& view, const model::FolderState& last) {
    std::set<model::Uid> known;
    if (view.uidvalidity == last.uidvalidity)
        for (const auto& row : last.pairs)
            if (row.uid != 0) known.insert(row.uid);
    std::vector<NewServerCopy> out;
    for (const auto& m : view.messages)
        if (m.identity && !known.count(m.uid)) out.push_back({m.uid, *m.identity});
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.uid < b.uid; });
    return out;
}

namespace {

// The UIDs the plan does something with other than download or skip them: a pair found by identity
// (an intent row takes its copy before any watch does), or an expunge of a message marked deleted.
std::set<model::Uid> claimed_uids(const sync::Plan& plan) {
    std::set<model::Uid> out;
    for (const auto& action : plan.actions)
        std::visit(
            [&out](const auto& a) {
                using A = std::decay_t<decltype(a)>;
                if constexpr (std::is_same_v<A, sync::Download>) {
                    if (a.restore) out.insert(a.uid);
                } else if constexpr (!std::is_same_v<A, sync::Skip> && requires { a.uid; }) {
                    out.insert(a.uid);
                }
            },
            action);
    return out;
}

// Replaces whatever the plan meant to do with `uid` (download, skip) by its expunge on the server.
void expunge_instead(sync::Plan& plan, model::Uid uid) {
    std::erase_if(plan.actions, [uid](const sync::Action& action) {
        if (const auto* d = std::get_if<sync::Download>(&action)) return d->uid == uid;
        if (const auto* k = std::get_if<sync::Skip>(&action)) return k->side == util::Side::remote && k->uid == uid;
        return false;
    });
    // Ours, so no user made it: expunged on the server, never moved to `trash` (server_marked).
    plan.actions.push_back(sync::Expunge{util::Side::remote, uid, "", true});
}

}  // namespace

std::vector<state::IntentId> recognise_late_copies(sync::Plan& plan, const std::vector<NewServerCopy>& fresh,
                                                   const std::vector<LateAppendWatch>& watches,
                                                   bool uidvalidity_changed, std::int64_t now) {
    std::vector<state::IntentId> drop;
    if (watches.empty()) return drop;
    if (uidvalidity_changed) {
        // The UIDs the watches hold belong to the old UIDVALIDITY: nothing can be compared with them.
        for (const auto& w : watches) drop.push_back(w.id);
        return drop;
    }
    // Lowest UID first, so that the first copy to land is the one a watch takes (any would do: they
    // are one message). A new copy is a candidate whether the plan downloads it or, by direction or a
    // filter, leaves it on the server: either way it would stay a second copy there.
    const auto claimed = claimed_uids(plan);
    std::set<std::size_t> used;  // indexes into `watches`
    for (const auto& copy : fresh) {
        if (claimed.count(copy.uid)) continue;
        for (std::size_t w = 0; w < watches.size(); ++w) {
            if (used.count(w) || watches[w].identity != copy.identity || copy.uid <= watches[w].above) continue;
            used.insert(w);
            drop.push_back(watches[w].id);
            expunge_instead(plan, copy.uid);
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

util::Expected<void> queue_new_watches(StateBatch& batch, const state::FolderKey& where, const LateAppends& late) {
    if (late.add.empty()) return {};
    return batch.add([&batch, where, add = late.add](state::WriteTxn& txn) -> util::Expected<void> {
        for (const auto& intent : add)
            if (auto id = batch.db().add_intent(txn, where.account, intent); !id)
                return util::unexpected(std::move(id).error());
        return {};
    });
}

util::Expected<void> queue_dropped_watches(StateBatch& batch, const state::FolderKey& where, const LateAppends& late) {
    if (late.drop.empty()) return {};
    return batch.add([&batch, where, drop = late.drop](state::WriteTxn& txn) -> util::Expected<void> {
        for (state::IntentId id : drop)
            if (auto removed = batch.db().remove_intent(txn, where.account, id); !removed)
                return util::unexpected(std::move(removed).error());
        return {};
    });
}

}  // namespace mailtwin::engine
