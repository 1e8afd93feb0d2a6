#include "account_sim.hpp"

#include <algorithm>
#include <iterator>

#include "scenario.hpp"

namespace mailtwin::sync::sim {
namespace {

void drop_row(std::vector<model::PairState>& rows, model::Uid uid, const std::string& key) {
    std::erase_if(
        rows, [&](const model::PairState& r) { return (uid != 0 && r.uid == uid) || (!key.empty() && r.key == key); });
}

template <class Map>
auto random_entry(Map& m, int pick) {
    auto it = m.begin();
    std::advance(it, pick % static_cast<int>(m.size()));
    return it;
}

}  // namespace

Account::Account(std::size_t n) : folders(n) {
    // Maildir keys are unique over the account, as real ones are (host, time, pid).
    for (std::size_t f = 0; f < n; ++f) folders[f].maildir.next_key = (f + 1) * 100000;
}

bool AccountSync::refused() const {
    return std::any_of(plans.begin(), plans.end(), [](const Plan& p) { return p.refused(); });
}

bool AccountSync::changes_nothing() const {
    return moves.empty() && std::all_of(plans.begin(), plans.end(), [](const Plan& p) { return p.changes_nothing(); });
}

namespace {

struct Planned {
    AccountSync sync;
    std::vector<model::RemoteView> views;
};

Planned plan_all(const Account& a, const Policy& policy, const SyncOptions& opts) {
    Planned out;
    for (const auto& w : a.folders) {
        Views v = make_views(w, opts);
        // As the engine's remote view does (views.cpp describe_new): new server messages come with
        // their identity, so a server move can be recognised.
        std::set<model::Uid> known;
        for (const auto& r : w.state.pairs) known.insert(r.uid);
        for (auto& m : v.remote.messages)
            if (!known.count(m.uid) || w.state.uidvalidity != w.server.uidvalidity)
                m.identity = identity_of(w.server.messages.at(m.uid));
        out.sync.plans.push_back(plan_folder(v.remote, v.local, w.state, policy, test::k_now));
        out.views.push_back(v.remote);
    }
    std::vector<MoveFolder> folders;
    for (std::size_t f = 0; f < a.folders.size(); ++f) folders.push_back({&out.sync.plans[f], &a.folders[f].state});
    for (auto [f, i] : uploads_wanting_identity(folders)) {
        auto& up = std::get<Upload>(out.sync.plans[f].actions[i]);
        up.identity = identity_of(a.folders[f].maildir.messages.at(up.key));
    }
    out.sync.moves = find_moves(folders, policy);
    return out;
}

}  // namespace

AccountSync plan_account(const Account& a, const Policy& policy, const SyncOptions& opts) {
    return plan_all(a, policy, opts).sync;
}

AccountSync sync_account(Account& a, const Policy& policy, const SyncOptions& opts) {
    Planned p = plan_all(a, policy, opts);
    apply_moves(a, p.sync.moves);
    for (std::size_t f = 0; f < a.folders.size(); ++f) apply(p.sync.plans[f], a.folders[f], p.views[f]);
    return std::move(p.sync);
}

void apply_moves(Account& a, const Moves& moves) {
    using util::Side;
    for (const auto& m : moves.local) {
        auto& from = a.folders[m.from];
        auto& to = a.folders[m.to];
        SimMessage msg = from.server.messages.at(m.uid);
        model::Uid uid = m.uid;
        if (m.to != m.from) {  // UID MOVE: the server's copy, its flags as they are
            from.server.expunge(m.uid);
            msg.modseq = 0;
            uid = to.server.append(msg);
        }
        to.server.set_flags(uid, m.target[Side::remote]);
        to.maildir.messages.at(m.key).flags = m.target[Side::local];
        drop_row(from.state.pairs, m.uid, m.old_key);
        to.state.pairs.push_back(
            {uid, m.key, m.target[Side::remote], m.target[Side::local], msg.size, identity_of(msg), false});
    }
    for (const auto& m : moves.remote) {
        auto& from = a.folders[m.from];
        auto& to = a.folders[m.to];
        SimMessage msg = from.maildir.messages.at(m.key);
        from.maildir.messages.erase(m.key);
        msg.flags = m.target[Side::local];
        to.maildir.messages[m.key] = msg;
        to.server.set_flags(m.new_uid, m.target[Side::remote]);
        drop_row(from.state.pairs, m.old_uid, m.key);
        to.state.pairs.push_back(
            {m.new_uid, m.key, m.target[Side::remote], m.target[Side::local], msg.size, identity_of(msg), false});
    }
}

model::FlagSet AccountUser::random_flags() {
    static const std::uint8_t k_bits[] = {0, 0x10, 0x02, 0x12, 0x18};  // -, S, F, FS, RS
    model::FlagSet f(k_bits[below(5)]);
    if (below(4) == 0) f.keywords.insert("$label1");
    return f;
}

void AccountUser::act(Account& a, AccountLog& log) {
    using util::Side;
    const int n = 1 + below(4);
    for (int op = 0; op < n; ++op) {
        auto& w = a.folders[static_cast<std::size_t>(below(static_cast<int>(a.folders.size())))];
        auto& other = a.folders[static_cast<std::size_t>(below(static_cast<int>(a.folders.size())))];
        const bool on_server = below(2) == 0;
        const int what = below(10);
        if (what <= 1) {  // new mail
            SimMessage m{m_next_content++, random_flags(), 1000, 100 + static_cast<std::uint64_t>(below(900)), 0};
            log.created.insert(m.content);
            if (on_server)
                w.server.append(m);
            else
                w.maildir.deliver(m);
            continue;
        }
        if (on_server) {
            if (w.server.messages.empty()) continue;
            auto it = random_entry(w.server.messages, below(1000));
            const model::Uid uid = it->first;
            SimMessage m = it->second;
            if (what <= 4) {
                w.server.set_flags(uid, random_flags());
            } else if (what == 5) {
                log.deleted.insert(m.content);
                w.server.expunge(uid);
            } else if (&other != &w) {  // another client's MOVE
                w.server.expunge(uid);
                m.modseq = 0;
                other.server.append(m);
            }
        } else {
            if (w.maildir.messages.empty()) continue;
            auto it = random_entry(w.maildir.messages, below(1000));
            const std::string key = it->first;
            SimMessage m = it->second;
            if (what <= 4) {
                it->second.flags = random_flags();
            } else if (what == 5) {
                log.deleted.insert(m.content);
                w.maildir.messages.erase(it);
            } else if (what <= 7) {  // a reader's move by rename: same key, maybe new flags
                if (&other == &w) continue;
                w.maildir.messages.erase(it);
                if (below(2) == 0) m.flags = random_flags();
                other.maildir.messages[key] = m;
            } else {  // a reader's move (or rewrite in place) by a new file: new key, same content
                w.maildir.messages.erase(it);
                if (below(2) == 0) m.flags = random_flags();
                other.maildir.deliver(m);
            }
        }
    }
}

std::multiset<std::uint64_t> all_contents(const Account& a, util::Side s) {
    std::multiset<std::uint64_t> out;
    for (const auto& w : a.folders) {
        if (s == util::Side::remote)
            for (const auto& [uid, m] : w.server.messages) out.insert(m.content);
        else
            for (const auto& [key, m] : w.maildir.messages) out.insert(m.content);
    }
    return out;
}

std::string describe(const Account& a) {
    std::string out;
    for (std::size_t f = 0; f < a.folders.size(); ++f) {
        const auto& w = a.folders[f];
        out += "  folder " + std::to_string(f) + " server:";
        for (const auto& [uid, m] : w.server.messages)
            out += " " + std::to_string(uid) + "=c" + std::to_string(m.content) + "/" + std::to_string(m.flags.bits());
        out += " | local:";
        for (const auto& [key, m] : w.maildir.messages)
            out += " " + key + "=c" + std::to_string(m.content) + "/" + std::to_string(m.flags.bits());
        out += " | state:";
        for (const auto& r : w.state.pairs) out += " " + std::to_string(r.uid) + "~" + r.key;
        out += "\n";
    }
    return out;
}

}  // namespace mailtwin::sync::sim
