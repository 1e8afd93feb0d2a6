#include "mailtwin/sync/moves.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <variant>

namespace mailtwin::sync {
namespace {

using util::Side;

// Where an action sits: its folder and index; for an expunge the safety rail withheld, the Refuse's
// index and the expunge's place in Refuse::held.
struct Ref {
    std::size_t folder = 0;
    std::size_t action = 0;
    std::optional<std::size_t> held;
    auto operator<=>(const Ref&) const = default;
};

// A message gone on `gone` whose copy on the other side survives: the first half of a move.
struct Gone {
    Ref ref;
    Side gone = Side::local;
    const model::PairState* row = nullptr;
    model::FlagSet survivor;  // the surviving copy's flags now
};

// The state rows of one folder by uid and by key, built on first use.
class RowIndex {
public:
    explicit RowIndex(const model::FolderState& last) {
        for (const auto& row : last.pairs) {
            if (row.uid != 0) m_by_uid.emplace(row.uid, &row);
            if (!row.key.empty()) m_by_key.emplace(row.key, &row);
        }
    }
    // The row of a message gone on `gone`: found by the id of the side that survived.
    [[nodiscard]] const model::PairState* find(Side gone, model::Uid uid, const std::string& key) const {
        if (gone == Side::local) {
            auto it = m_by_uid.find(uid);
            return it == m_by_uid.end() ? nullptr : it->second;
        }
        auto it = m_by_key.find(key);
        return it == m_by_key.end() ? nullptr : it->second;
    }

private:
    std::map<model::Uid, const model::PairState*> m_by_uid;
    std::map<std::string, const model::PairState*> m_by_key;
};

model::FlagSet flags_on(const model::PairState& row, Side s) {
    return s == Side::remote ? row.remote_flags : row.local_flags;
}

// Every message some plan treats as gone on one side (see moves.hpp for the four shapes).
std::vector<Gone> collect_gone(const std::vector<MoveFolder>& folders) {
    std::vector<Gone> out;
    for (std::size_t f = 0; f < folders.size(); ++f) {
        if (!folders[f].plan || !folders[f].last) continue;
        std::unique_ptr<RowIndex> rows;
        auto add = [&](Ref ref, Side gone, model::Uid uid, const std::string& key,
                       std::optional<model::FlagSet> survivor) {
            if (!rows) rows = std::make_unique<RowIndex>(*folders[f].last);
            const auto* row = rows->find(gone, uid, key);
            if (!row || row->uid == 0 || row->key.empty()) return;
            out.push_back(Gone{ref, gone, row, survivor.value_or(flags_on(*row, util::other(gone)))});
        };
        const auto& actions = folders[f].plan->actions;
        for (std::size_t i = 0; i < actions.size(); ++i) {
            const Ref ref{f, i, std::nullopt};
            if (const auto* e = std::get_if<Expunge>(&actions[i])) {
                add(ref, util::other(e->side), e->uid, e->key, std::nullopt);
            } else if (const auto* d = std::get_if<Download>(&actions[i]); d && d->restore) {
                add(ref, Side::local, d->uid, {}, d->remote_flags);
            } else if (const auto* u = std::get_if<Upload>(&actions[i]); u && u->restore) {
                add(ref, Side::remote, 0, u->key, u->local_flags);
            } else if (const auto* t = std::get_if<Detach>(&actions[i])) {
                add(ref, t->gone, t->uid, t->key, std::nullopt);
            } else if (const auto* r = std::get_if<Refuse>(&actions[i])) {
                for (std::size_t h = 0; h < r->held.size(); ++h)
                    add(Ref{f, i, h}, util::other(r->held[h].side), r->held[h].uid, r->held[h].key, std::nullopt);
            }
        }
    }
    return out;
}

class Finder {
public:
    Finder(const std::vector<MoveFolder>& folders, const Policy& policy) : m_folders(folders), m_policy(policy) {}

    Moves run() {
        index_targets();
        const auto gone = collect_gone(m_folders);
        // Same key first: a renamed file is certain; then identity (a rewritten file, a server move).
        for (const auto& g : gone)
            if (g.gone == Side::local) match_local(g, true);
        for (const auto& g : gone)
            if (g.gone == Side::local) match_local(g, false);
        for (const auto& g : gone)
            if (g.gone == Side::remote) match_remote(g);
        match_moved_on_both_sides();
        take_out_consumed();
        spare_rows_the_moves_write();
        return std::move(m_moves);
    }

private:
    [[nodiscard]] const Action& action(const Ref& r) const { return m_folders[r.folder].plan->actions[r.action]; }

    void index_targets() {
        for (std::size_t f = 0; f < m_folders.size(); ++f) {
            if (!m_folders[f].plan) continue;
            const auto& actions = m_folders[f].plan->actions;
            for (std::size_t i = 0; i < actions.size(); ++i) {
                const Ref ref{f, i, std::nullopt};
                if (const auto* u = std::get_if<Upload>(&actions[i]); u && !u->restore) {
                    m_uploads_by_key[u->key].push_back(ref);
                    if (u->identity) m_uploads_by_identity[*u->identity].push_back(ref);
                } else if (const auto* d = std::get_if<Download>(&actions[i]); d && !d->restore && d->identity) {
                    m_downloads_by_identity[*d->identity].push_back(ref);
                }
            }
        }
    }

    // The first candidate not yet taken (by key: only when it is the only one, in another folder).
    std::optional<Ref> take(const std::vector<Ref>& candidates, bool by_key, std::size_t source_folder) {
        std::vector<Ref> free;
        for (const auto& c : candidates)
            if (!m_consumed.count(c) && !(by_key && c.folder == source_folder)) free.push_back(c);
        if (free.empty() || (by_key && free.size() != 1)) return std::nullopt;
        m_consumed.insert(free.front());
        return free.front();
    }

    void match_local(const Gone& g, bool by_key) {
        if (m_consumed.count(g.ref)) return;
        std::optional<Ref> up;
        if (by_key) {
            auto it = m_uploads_by_key.find(g.row->key);
            if (it != m_uploads_by_key.end()) up = take(it->second, true, g.ref.folder);
        } else if (g.row->identity) {
            auto it = m_uploads_by_identity.find(*g.row->identity);
            if (it != m_uploads_by_identity.end()) up = take(it->second, false, g.ref.folder);
        }
        if (!up) return;
        m_consumed.insert(g.ref);
        const auto& u = std::get<Upload>(action(*up));
        LocalMove m;
        m.from = g.ref.folder;
        m.to = up->folder;
        m.uid = g.row->uid;
        m.old_key = g.row->key;
        m.key = u.key;
        m.now = {{g.survivor, meant_locally(u.local_flags, *g.row)}};
        m.identity = g.row->identity ? g.row->identity : u.identity;
        m.target = merge(m.now, *g.row);
        m_moves.local.push_back(std::move(m));
    }

    void match_remote(const Gone& g) {
        if (m_consumed.count(g.ref) || !g.row->identity) return;
        auto it = m_downloads_by_identity.find(*g.row->identity);
        if (it == m_downloads_by_identity.end()) return;
        auto down = take(it->second, false, g.ref.folder);
        if (!down) return;
        m_consumed.insert(g.ref);
        const auto& d = std::get<Download>(action(*down));
        m_moves.remote.push_back(
            remote_move(g.ref.folder, down->folder, g.row->key, g.row->uid, d, g.survivor, *g.row));
    }

    // The file `key` in `from` follows the server copy of `d`, now in `to`; `row` is the base.
    RemoteMove remote_move(std::size_t from, std::size_t to, const std::string& key, model::Uid old_uid,
                           const Download& d, const model::FlagSet& local_now, const model::PairState& row) const {
        RemoteMove m;
        m.from = from;
        m.to = to;
        m.key = key;
        m.old_uid = old_uid;
        m.new_uid = d.uid;
        m.now = {{d.remote_flags, meant_locally(local_now, row)}};
        m.target = merge(m.now, row);
        m.identity = row.identity;
        return m;
    }

    // Moved on both sides to different folders in one interval: the source folder forgets the pair
    // (gone on both sides), the reader's target would upload it and the server's target download it.
    // The server's move wins: the local file follows it, nothing is copied twice. (Both to the same
    // folder needs nothing here: that folder's planner pairs the two new copies by identity.)
    void match_moved_on_both_sides() {
        for (std::size_t f = 0; f < m_folders.size(); ++f) {
            if (!m_folders[f].plan || !m_folders[f].last) continue;
            std::unique_ptr<RowIndex> rows;
            for (const auto& a : m_folders[f].plan->actions) {
                const auto* forget = std::get_if<Forget>(&a);
                if (!forget || forget->key.empty()) continue;
                if (!rows) rows = std::make_unique<RowIndex>(*m_folders[f].last);
                const auto* row = rows->find(Side::remote, 0, forget->key);
                if (!row || !row->identity) continue;
                std::optional<Ref> up;
                if (auto it = m_uploads_by_key.find(forget->key); it != m_uploads_by_key.end()) up = peek(it->second);
                if (!up)
                    if (auto it = m_uploads_by_identity.find(*row->identity); it != m_uploads_by_identity.end())
                        up = peek(it->second);
                auto down_it = m_downloads_by_identity.find(*row->identity);
                if (!up || down_it == m_downloads_by_identity.end()) continue;
                auto down = peek(down_it->second);
                if (!down || down->folder == up->folder) continue;
                m_consumed.insert(*up);
                m_consumed.insert(*down);
                const auto& u = std::get<Upload>(action(*up));
                const auto& d = std::get<Download>(action(*down));
                m_moves.remote.push_back(remote_move(up->folder, down->folder, u.key, 0, d, u.local_flags, *row));
            }
        }
    }

    std::optional<Ref> peek(const std::vector<Ref>& candidates) const {
        for (const auto& c : candidates)
            if (!m_consumed.count(c)) return c;
        return std::nullopt;
    }

    // The file's flags as its user meant them (a reader that drops keyword letters removed nothing).
    model::FlagSet meant_locally(const model::FlagSet& now, const model::PairState& row) const {
        return local_flags_meant(now, row.local_flags, m_policy);
    }

    SideFlags merge(const SideFlags& now, const model::PairState& row) const {
        return merge_flags(now, SideFlags{{row.remote_flags, row.local_flags}}, m_policy);
    }

    // The moves' rows are written before the folders' plans run, so a Forget in a target folder that
    // names the key a move's new row takes would drop that row afterwards (a message moved out and
    // back on the server while its file moved away: the server's move brings the file back, under
    // its old key). Such a Forget forgets its UID's row only.
    void spare_rows_the_moves_write() {
        std::map<std::size_t, std::set<std::string>> written;  // folder -> keys of the rows moves write
        for (const auto& m : m_moves.local) written[m.to].insert(m.key);
        for (const auto& m : m_moves.remote) written[m.to].insert(m.key);
        for (const auto& [f, keys] : written) {
            if (!m_folders[f].plan) continue;
            for (auto& a : m_folders[f].plan->actions)
                if (auto* forget = std::get_if<Forget>(&a); forget && forget->uid != 0 && keys.count(forget->key))
                    forget->key.clear();
        }
    }

    // Removes what the moves replace, applies the rail again to the withheld deletions left, recounts.
    void take_out_consumed() {
        std::map<std::size_t, std::set<std::size_t, std::greater<>>> actions;                       // folder -> indexes
        std::map<std::pair<std::size_t, std::size_t>, std::set<std::size_t, std::greater<>>> held;  // refuse -> held
        for (const auto& r : m_consumed) {
            if (r.held)
                held[{r.folder, r.action}].insert(*r.held);
            else
                actions[r.folder].insert(r.action);
        }
        std::set<std::size_t> touched;
        for (const auto& [where, indexes] : held) {
            auto& refuse = std::get<Refuse>(m_folders[where.first].plan->actions[where.second]);
            for (std::size_t h : indexes) refuse.held.erase(refuse.held.begin() + static_cast<std::ptrdiff_t>(h));
            refuse.count -= std::min(refuse.count, indexes.size());
            touched.insert(where.first);
        }
        for (const auto& [f, indexes] : actions) {
            auto& list = m_folders[f].plan->actions;
            for (std::size_t i : indexes) list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
            touched.insert(f);
        }
        for (std::size_t f : touched) {
            reapply_rail(*m_folders[f].plan);
            m_folders[f].plan->counters = count_actions(m_folders[f].plan->actions);
        }
    }

    // Each Refuse whose withheld deletions were partly moves: what is left either stays refused
    // (with its count) or, under the limit now, is expunged after all.
    void reapply_rail(Plan& plan) const {
        std::vector<Expunge> released;
        std::erase_if(plan.actions, [&](Action& a) {
            auto* r = std::get_if<Refuse>(&a);
            if (!r || (r->cause != RefuseCause::over_limit && r->cause != RefuseCause::appears_empty)) return false;
            if (r->count == 0) return true;  // every deletion it held back was a move
            if (r->cause == RefuseCause::over_limit && !exceeds_delete_limit(r->count, r->paired, m_policy)) {
                released.insert(released.end(), r->held.begin(), r->held.end());
                return true;
            }
            return false;
        });
        for (Side s : util::k_both_sides)
            plan.hold_checkpoint[s] = std::any_of(plan.actions.begin(), plan.actions.end(), [s](const Action& a) {
                const auto* r = std::get_if<Refuse>(&a);
                return r && r->gone == s;
            });
        if (released.empty()) return;
        // Expunges go where the planner puts them: before the copies (plan.hpp, order group 7).
        auto at =
            std::find_if(plan.actions.begin(), plan.actions.end(), [](const Action& a) { return order_group(a) > 7; });
        plan.actions.insert(at, released.begin(), released.end());
    }

    const std::vector<MoveFolder>& m_folders;
    const Policy& m_policy;
    std::map<std::string, std::vector<Ref>> m_uploads_by_key;
    std::map<model::Identity, std::vector<Ref>> m_uploads_by_identity;
    std::map<model::Identity, std::vector<Ref>> m_downloads_by_identity;
    std::set<Ref> m_consumed;
    Moves m_moves;
};

}  // namespace

std::vector<std::pair<std::size_t, std::size_t>> uploads_wanting_identity(const std::vector<MoveFolder>& folders) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    // A file gone locally (with its server copy still there, or moved on the server too) is what a
    // new file elsewhere may be the rewrite of.
    const auto gone = collect_gone(folders);
    bool any =
        std::any_of(gone.begin(), gone.end(), [](const Gone& g) { return g.gone == Side::local && g.row->identity; });
    for (const auto& f : folders)
        if (f.plan)
            for (const auto& a : f.plan->actions)
                if (const auto* forget = std::get_if<Forget>(&a); forget && !forget->key.empty()) any = true;
    if (!any) return out;
    for (std::size_t f = 0; f < folders.size(); ++f) {
        if (!folders[f].plan) continue;
        const auto& actions = folders[f].plan->actions;
        for (std::size_t i = 0; i < actions.size(); ++i)
            if (const auto* u = std::get_if<Upload>(&actions[i]); u && !u->restore && !u->identity)
                out.emplace_back(f, i);
    }
    return out;
}

Moves find_moves(const std::vector<MoveFolder>& folders, const Policy& policy) { return Finder(folders, policy).run(); }

}  // namespace mailtwin::sync
