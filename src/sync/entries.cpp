#include "entries.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace mailtwin::sync::detail {

using util::Side;

std::optional<model::Identity> Entry::identity() const {
    for (Side s : util::k_both_sides)
        if (now[s].present && now[s].identity) return now[s].identity;
    if (row) return row->identity;
    return std::nullopt;
}

namespace {

Copy copy_of(const model::RemoteMessage& m) { return Copy{true, m.flags, m.size, m.internaldate, m.identity}; }
Copy copy_of(const model::LocalMessage& m) { return Copy{true, m.flags, m.size, m.mtime, m.identity}; }

// What the state says a side holds, for views that report only changes.
Copy remembered(const model::PairState& row, Side s) {
    return Copy{true, s == Side::remote ? row.remote_flags : row.local_flags, row.size, 0, row.identity};
}

std::map<model::Uid, Copy> remote_now(const model::RemoteView& view, const std::vector<model::PairState>& rows) {
    std::map<model::Uid, Copy> out;
    if (view.kind == model::RemoteViewKind::changes_since) {
        // Incremental: a uid the state knows and the view neither lists nor reports vanished is unchanged.
        for (const auto& row : rows)
            if (row.uid != 0) out[row.uid] = remembered(row, Side::remote);
        for (model::Uid uid : view.vanished) out.erase(uid);
    }
    for (const auto& m : view.messages) {
        Copy c = copy_of(m);
        if (auto it = out.find(m.uid); it != out.end() && !c.identity) c.identity = it->second.identity;
        out[m.uid] = std::move(c);
    }
    return out;
}

std::map<std::string, Copy> local_now(const model::LocalView& view, const std::vector<model::PairState>& rows) {
    std::map<std::string, Copy> out;
    if (view.kind == model::LocalViewKind::unchanged) {
        // Directory stamps unchanged: the Maildir is what the state says.
        for (const auto& row : rows)
            if (!row.key.empty()) out[row.key] = remembered(row, Side::local);
        return out;
    }
    for (const auto& m : view.messages) out[m.key] = copy_of(m);
    return out;
}

}  // namespace

Gathered gather(const model::RemoteView& remote, const model::LocalView& local, const model::FolderState& last) {
    Gathered g;
    const bool have_base = last.uidvalidity != 0;
    g.uidvalidity_reset = have_base && remote.uidvalidity != last.uidvalidity;
    if (remote.kind == model::RemoteViewKind::changes_since && (!have_base || g.uidvalidity_reset)) {
        g.unusable_incremental = true;
        return g;
    }
    for (const auto& row : last.pairs)
        if (row.uid != 0 && !row.key.empty() && !row.detached) ++g.paired_at_last_sync;

    // UIDVALIDITY changed: every row loses its uid (ResetUids). Rows left without any id are gone;
    // the others look for their remote copy again by identity, and their flags are no base any more.
    // Without a reset the rows are used as they are, not copied (100,000 rows per run at 100k).
    std::vector<model::PairState> reset_rows;
    if (g.uidvalidity_reset) {
        reset_rows.reserve(last.pairs.size());
        for (auto row : last.pairs) {
            if (row.key.empty()) continue;
            row.uid = 0;
            reset_rows.push_back(std::move(row));
        }
    }
    const std::vector<model::PairState>& rows = g.uidvalidity_reset ? reset_rows : last.pairs;
    g.entries.reserve(rows.size() + remote.messages.size() + local.messages.size());

    const auto rmap = remote_now(remote, rows);
    const auto lmap = local_now(local, rows);

    std::set<model::Uid> used_uids;
    std::set<std::string> used_keys;
    for (const auto& row : rows) {
        if (row.uid == 0 && row.key.empty()) {
            g.warnings.push_back("state row without uid or key ignored");
            continue;
        }
        if ((row.uid != 0 && used_uids.count(row.uid) != 0) || (!row.key.empty() && used_keys.count(row.key) != 0)) {
            g.warnings.push_back("state row repeats uid " + std::to_string(row.uid) + " or key '" + row.key +
                                 "': ignored");
            continue;
        }
        Entry e;
        e.uid = row.uid;
        e.key = row.key;
        e.row = row;
        e.base_known = !g.uidvalidity_reset;
        if (row.uid != 0) {
            used_uids.insert(row.uid);
            if (auto it = rmap.find(row.uid); it != rmap.end()) e.now[Side::remote] = it->second;
        }
        if (!row.key.empty()) {
            used_keys.insert(row.key);
            if (auto it = lmap.find(row.key); it != lmap.end()) e.now[Side::local] = it->second;
        }
        g.entries.push_back(std::move(e));
    }
    for (const auto& [uid, c] : rmap) {
        if (used_uids.count(uid) != 0) continue;
        Entry e;
        e.uid = uid;
        e.now[Side::remote] = c;
        g.entries.push_back(std::move(e));
    }
    for (const auto& [key, c] : lmap) {
        if (used_keys.count(key) != 0) continue;
        Entry e;
        e.key = key;
        e.now[Side::local] = c;
        g.entries.push_back(std::move(e));
    }
    return g;
}

bool matching_needed(const Gathered& g) {
    auto wants = [&g](Side s) {
        return std::any_of(g.entries.begin(), g.entries.end(), [s](const Entry& e) { return e.wants_partner(s); });
    };
    return wants(Side::remote) && wants(Side::local);
}

void match_by_identity(Gathered& g) {
    if (!matching_needed(g)) return;
    // Candidates per identity and per side lacking an id, in uid (resp. key) order.
    util::PerSide<std::map<model::Identity, std::vector<std::size_t>>> wanting;
    for (std::size_t i = 0; i < g.entries.size(); ++i) {
        for (Side missing : util::k_both_sides) {
            if (!g.entries[i].wants_partner(missing)) continue;
            if (auto id = g.entries[i].identity()) wanting[missing][*id].push_back(i);
        }
    }
    auto by_id = [&g](std::size_t a, std::size_t b) {
        const Entry& x = g.entries[a];
        const Entry& y = g.entries[b];
        return x.uid != y.uid ? x.uid < y.uid : x.key < y.key;
    };
    std::vector<bool> absorbed(g.entries.size(), false);
    for (auto& [identity, lacking_key] : wanting[Side::local]) {
        auto it = wanting[Side::remote].find(identity);
        if (it == wanting[Side::remote].end()) continue;
        auto& lacking_uid = it->second;
        std::sort(lacking_key.begin(), lacking_key.end(), by_id);
        std::sort(lacking_uid.begin(), lacking_uid.end(), by_id);
        const std::size_t n = std::min(lacking_key.size(), lacking_uid.size());
        for (std::size_t k = 0; k < n; ++k) {
            Entry& into = g.entries[lacking_key[k]];  // has the uid
            Entry& from = g.entries[lacking_uid[k]];  // has the key
            into.key = from.key;
            into.now[Side::local] = from.now[Side::local];
            if (!into.row) {
                into.row = from.row;
                into.base_known = from.base_known;
            } else if (from.row) {
                // Two rows of unknown outcome meet (a download and an upload of the same message): each
                // row knows the flags of the side it copied from. Taking each side's flags from its own
                // row keeps the rule free of a favourite side.
                into.row->local_flags = from.row->local_flags;
                into.base_known = into.base_known && from.base_known;
            }
            // A copy of unknown outcome (a row without its uid or its key) never saw what the other
            // side kept of the flags sent (a server may drop an APPEND's flags): no base, so each
            // flag on only one side is a change there (set wins), and a dropped flag is set again.
            if (into.row && (into.row->uid == 0 || into.row->key.empty())) into.base_known = false;
            into.matched = true;
            absorbed[lacking_uid[k]] = true;
        }
    }
    std::vector<Entry> kept;
    kept.reserve(g.entries.size());
    for (std::size_t i = 0; i < g.entries.size(); ++i)
        if (!absorbed[i]) kept.push_back(std::move(g.entries[i]));
    g.entries = std::move(kept);
}

}  // namespace mailtwin::sync::detail
