#include "sim.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace mailtwin::sync::sim {

namespace {

template <class... Fs>
struct Overload : Fs... {
    using Fs::operator()...;
};
template <class... Fs>
Overload(Fs...) -> Overload<Fs...>;

std::vector<model::PairState>::iterator find_row(std::vector<model::PairState>& rows, model::Uid uid,
                                                 const std::string& key) {
    return std::find_if(rows.begin(), rows.end(), [&](const model::PairState& r) {
        return uid != 0 ? r.uid == uid : (!key.empty() && r.key == key);
    });
}

void drop_rows(std::vector<model::PairState>& rows, model::Uid uid, const std::string& key) {
    rows.erase(std::remove_if(rows.begin(), rows.end(),
                              [&](const model::PairState& r) {
                                  return (uid != 0 && r.uid == uid) || (!key.empty() && r.key == key);
                              }),
               rows.end());
}

}  // namespace

model::Identity identity_of(const SimMessage& m) { return model::Identity{m.content, m.size}; }

model::Uid Server::append(SimMessage m) {
    const model::Uid uid = uidnext++;
    m.modseq = ++highestmodseq;
    messages[uid] = std::move(m);
    return uid;
}

void Server::set_flags(model::Uid uid, const model::FlagSet& flags) {
    auto it = messages.find(uid);
    if (it == messages.end() || it->second.flags == flags) return;
    it->second.flags = flags;
    it->second.modseq = ++highestmodseq;
}

void Server::expunge(model::Uid uid) {
    if (messages.erase(uid) != 0) vanished_log.emplace_back(uid, ++highestmodseq);
}

void Server::reset_uidvalidity() {
    std::map<model::Uid, SimMessage> renumbered;
    model::Uid next = 1;
    for (auto& [uid, m] : messages) {
        m.modseq = ++highestmodseq;
        renumbered[next++] = std::move(m);
    }
    messages = std::move(renumbered);
    uidnext = next;
    uidvalidity += 1000;
    vanished_log.clear();
}

model::RemoteView Server::full_view() const {
    model::RemoteView v;
    v.uidvalidity = uidvalidity;
    v.highestmodseq = highestmodseq;
    v.uidnext = uidnext;
    for (const auto& [uid, m] : messages) v.messages.push_back({uid, m.flags, m.size, m.date, std::nullopt});
    return v;
}

model::RemoteView Server::changes_view(model::ModSeq since) const {
    model::RemoteView v;
    v.uidvalidity = uidvalidity;
    v.highestmodseq = highestmodseq;
    v.uidnext = uidnext;
    v.kind = model::RemoteViewKind::changes_since;
    v.changed_since = since;
    for (const auto& [uid, m] : messages)
        if (m.modseq > since) v.messages.push_back({uid, m.flags, m.size, m.date, std::nullopt});
    for (const auto& [uid, modseq] : vanished_log)
        if (modseq > since) v.vanished.push_back(uid);
    return v;
}

std::string Maildir::deliver(SimMessage m) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "m%06llu", static_cast<unsigned long long>(next_key++));
    messages[buf] = std::move(m);
    return buf;
}

model::LocalView Maildir::full_view() const {
    model::LocalView v;
    v.root_present = root_present;
    for (const auto& [key, m] : messages) v.messages.push_back({key, m.flags, m.size, m.date, std::nullopt});
    return v;
}

bool local_matches_state(const World& w) {
    std::map<std::string, model::FlagSet> from_state;
    for (const auto& r : w.state.pairs)
        if (!r.key.empty()) from_state[r.key] = r.local_flags;
    if (from_state.size() != w.maildir.messages.size()) return false;
    for (const auto& [key, m] : w.maildir.messages) {
        auto it = from_state.find(key);
        if (it == from_state.end() || !(it->second == m.flags)) return false;
    }
    return true;
}

void add_identities(model::RemoteView& rv, model::LocalView& lv, const IdentityRequest& req, const World& w) {
    for (auto& m : rv.messages)
        if (std::binary_search(req.remote.begin(), req.remote.end(), m.uid))
            m.identity = identity_of(w.server.messages.at(m.uid));
    for (auto& m : lv.messages)
        if (std::binary_search(req.local.begin(), req.local.end(), m.key))
            m.identity = identity_of(w.maildir.messages.at(m.key));
}

void apply(const Plan& plan, World& w, const model::RemoteView& view) {
    auto& rows = w.state.pairs;
    for (const auto& action : plan.actions) {
        std::visit(Overload{
                       [&](const ResetUids&) {
                           rows.erase(std::remove_if(rows.begin(), rows.end(),
                                                     [](const model::PairState& r) { return r.key.empty(); }),
                                      rows.end());
                           for (auto& r : rows) r.uid = 0;
                       },
                       [&](const Pair& a) {
                           drop_rows(rows, a.uid, a.key);
                           rows.push_back({a.uid, a.key, a.remote_flags, a.local_flags, a.size, a.identity, false});
                       },
                       [&](const Detach& a) {
                           auto it = find_row(rows, a.uid, a.key);
                           if (it == rows.end()) throw std::logic_error("detach: no row");
                           if (a.gone == util::Side::remote)
                               it->uid = 0;
                           else
                               it->key.clear();
                           it->detached = true;
                       },
                       [&](const Forget& a) {
                           auto it = find_row(rows, a.uid, a.key);
                           if (it == rows.end()) throw std::logic_error("forget: no row");
                           rows.erase(it);
                       },
                       [&](const SetFlags& a) {
                           if (a.side == util::Side::remote) {
                               auto it = w.server.messages.find(a.uid);
                               if (it != w.server.messages.end())
                                   w.server.set_flags(a.uid, model::applied(it->second.flags, a.add, a.remove));
                           } else {
                               auto it = w.maildir.messages.find(a.key);
                               if (it != w.maildir.messages.end())
                                   it->second.flags = model::applied(it->second.flags, a.add, a.remove);
                           }
                       },
                       [&](const Record& a) {
                           auto it = find_row(rows, a.uid, a.key);
                           if (it == rows.end()) throw std::logic_error("record: no row");
                           it->remote_flags = a.remote_flags;
                           it->local_flags = a.local_flags;
                       },
                       [&](const Expunge& a) {
                           if (a.side == util::Side::remote)
                               w.server.expunge(a.uid);
                           else
                               w.maildir.messages.erase(a.key);
                           auto it = find_row(rows, a.uid, a.key);
                           if (it != rows.end()) rows.erase(it);
                       },
                       [&](const Download& a) {
                           SimMessage m = w.server.messages.at(a.uid);
                           m.flags = a.flags;
                           m.modseq = 0;
                           const auto id = identity_of(m);
                           const std::string key = w.maildir.deliver(m);
                           drop_rows(rows, a.uid, {});
                           rows.push_back({a.uid, key, a.remote_flags, a.flags, a.size, id, false});
                       },
                       [&](const Upload& a) {
                           SimMessage m = w.maildir.messages.at(a.key);
                           m.flags = a.flags;
                           const auto id = identity_of(m);
                           const model::Uid uid = w.server.append(m);
                           drop_rows(rows, 0, a.key);
                           rows.push_back({uid, a.key, a.flags, a.local_flags, a.size, id, false});
                       },
                       [](const Skip&) {},
                       [](const Refuse&) {},
                   },
                   action);
    }
    w.state.uidvalidity = view.uidvalidity;
    w.state.uidnext = view.uidnext;
    if (!plan.hold_checkpoint[util::Side::remote]) w.state.highestmodseq = view.highestmodseq;
}

Views make_views(const World& w, const SyncOptions& opts) {
    Views v;
    const bool can_increment = w.state.uidvalidity != 0 && w.state.uidvalidity == w.server.uidvalidity;
    v.remote =
        opts.incremental_remote && can_increment ? w.server.changes_view(w.state.highestmodseq) : w.server.full_view();
    if (opts.unchanged_local && w.state.uidvalidity != 0 && local_matches_state(w)) {
        v.local.kind = model::LocalViewKind::unchanged;
        v.local.root_present = w.maildir.root_present;
    } else {
        v.local = w.maildir.full_view();
    }
    add_identities(v.remote, v.local, needs_identities(v.remote, v.local, w.state), w);
    return v;
}

Plan sync_once(World& w, const Policy& policy, std::int64_t now, const SyncOptions& opts) {
    const Views v = make_views(w, opts);
    Plan plan = plan_folder(v.remote, v.local, w.state, policy, now);
    apply(plan, w, v.remote);
    return plan;
}

Plan plan_only(const World& w, const Policy& policy, std::int64_t now, const SyncOptions& opts) {
    const Views v = make_views(w, opts);
    return plan_folder(v.remote, v.local, w.state, policy, now);
}

}  // namespace mailtwin::sync::sim
