#include "mailtwin/engine/moves.hpp"

#include <map>
#include <memory>
#include <set>

#include "mailtwin/engine/executor.hpp"
#include "mailtwin/engine/identity.hpp"
#include "mailtwin/maildir/folder.hpp"

namespace mailtwin::engine {
namespace {

using ActionRef = std::pair<std::size_t, std::size_t>;  // (folder, action index)

// The state rows of one folder by key and by UID, built once: a folder with many deletions asks
// for many rows.
struct RowIndex {
    std::map<std::string, const model::PairState*> by_key;
    std::map<model::Uid, const model::PairState*> by_uid;

    explicit RowIndex(const PlannedFolder& p) {
        for (const auto& row : p.last.pairs.pairs) {
            if (!row.key.empty()) by_key.emplace(row.key, &row);
            if (row.uid != 0) by_uid.emplace(row.uid, &row);
        }
    }
    [[nodiscard]] const model::PairState* key(const std::string& k) const {
        auto it = by_key.find(k);
        return it == by_key.end() ? nullptr : it->second;
    }
    [[nodiscard]] const model::PairState* uid(model::Uid u) const {
        auto it = by_uid.find(u);
        return it == by_uid.end() ? nullptr : it->second;
    }
};

// Indexes built on first use, one per folder that has a candidate.
class RowIndexes {
public:
    const RowIndex& of(const PlannedFolder& p) {
        auto& slot = m_indexes[&p];
        if (!slot) slot = std::make_unique<RowIndex>(p);
        return *slot;
    }

private:
    std::map<const PlannedFolder*, std::unique_ptr<RowIndex>> m_indexes;
};

// The flag operations that turn `from` into `to`.
std::pair<model::FlagSet, model::FlagSet> difference(const model::FlagSet& from, const model::FlagSet& to) {
    model::FlagSet add, remove;
    for (const auto& fl : model::k_flag_letters) {
        if (to.has(fl.flag) && !from.has(fl.flag)) add.set(fl.flag);
        if (from.has(fl.flag) && !to.has(fl.flag)) remove.set(fl.flag);
    }
    for (const auto& k : to.keywords)
        if (!from.keywords.count(k)) add.keywords.insert(k);
    for (const auto& k : from.keywords)
        if (!to.keywords.count(k)) remove.keywords.insert(k);
    return {add, remove};
}

// A row's identity; for a row written before the current identity rule (it has none), its local
// file's, which is still there when the message is gone from the server only.
std::optional<model::Identity> row_identity(const PlannedFolder& p, const model::PairState& row) {
    if (row.identity || row.key.empty()) return row.identity;
    const auto hint = p.local.file_names.find(row.key);
    auto where = maildir::find_message(p.job.local_dir, row.key,
                                       hint == p.local.file_names.end() ? std::string_view{} : hint->second);
    if (!where) return std::nullopt;
    auto id = local_identity(where->path);
    return id ? std::optional<model::Identity>(*id) : std::nullopt;
}

}  // namespace

Moves find_moves(std::vector<PlannedFolder>& planned) {
    Moves moves;
    RowIndexes rows;
    std::map<std::string, std::vector<ActionRef>> uploads_by_key;
    std::map<model::Identity, std::vector<ActionRef>> downloads_by_identity;
    for (std::size_t f = 0; f < planned.size(); ++f) {
        if (planned[f].result.outcome == FolderOutcome::failed) continue;
        const auto& actions = planned[f].result.plan.actions;
        for (std::size_t i = 0; i < actions.size(); ++i) {
            if (const auto* u = std::get_if<sync::Upload>(&actions[i])) uploads_by_key[u->key].push_back({f, i});
            if (const auto* d = std::get_if<sync::Download>(&actions[i]); d && d->identity)
                downloads_by_identity[*d->identity].push_back({f, i});
        }
    }
    std::set<ActionRef> consumed;
    for (std::size_t f = 0; f < planned.size(); ++f) {
        if (planned[f].result.outcome == FolderOutcome::failed) continue;
        const auto& actions = planned[f].result.plan.actions;
        for (std::size_t i = 0; i < actions.size(); ++i) {
            const auto* e = std::get_if<sync::Expunge>(&actions[i]);
            if (!e) continue;
            if (e->side == util::Side::remote && !e->key.empty()) {
                // Gone from this Maildir folder, and a file with the same key is new in another one.
                auto it = uploads_by_key.find(e->key);
                if (it == uploads_by_key.end() || it->second.size() != 1) continue;
                auto [to, ui] = it->second.front();
                if (to == f || consumed.count({to, ui})) continue;
                const auto& up = std::get<sync::Upload>(planned[to].result.plan.actions[ui]);
                const auto* row = rows.of(planned[f]).uid(e->uid);
                moves.local.push_back(LocalMove{f, to, e->uid, e->key, up.local_flags,
                                                row ? row->remote_flags : up.flags, row ? row->identity : up.identity});
                consumed.insert({f, i});
                consumed.insert({to, ui});
            } else if (e->side == util::Side::local) {
                // Gone from this server folder, and a message with the same identity is new in another.
                if (downloads_by_identity.empty()) continue;
                const auto* row = rows.of(planned[f]).key(e->key);
                const auto identity = row ? row_identity(planned[f], *row) : std::nullopt;
                if (!identity) continue;
                auto it = downloads_by_identity.find(*identity);
                if (it == downloads_by_identity.end() || it->second.size() != 1) continue;
                auto [to, di] = it->second.front();
                if (to == f || consumed.count({to, di})) continue;
                const auto& d = std::get<sync::Download>(planned[to].result.plan.actions[di]);
                moves.remote.push_back(RemoteMove{f, to, e->key, d.uid, d.remote_flags, d.flags, d.identity});
                consumed.insert({f, i});
                consumed.insert({to, di});
            }
        }
    }
    // Moved on both sides to different folders in one interval: the source folder forgets the pair
    // (gone on both sides), the reader's target would upload it and the server's target download it.
    // The server's move wins: the local file follows it, nothing is copied twice.
    for (std::size_t f = 0; f < planned.size(); ++f) {
        if (planned[f].result.outcome == FolderOutcome::failed) continue;
        for (const auto& a : planned[f].result.plan.actions) {
            const auto* forget = std::get_if<sync::Forget>(&a);
            if (!forget || forget->key.empty()) continue;
            const auto* row = rows.of(planned[f]).key(forget->key);
            if (!row || !row->identity) continue;
            auto up = uploads_by_key.find(forget->key);
            auto down = downloads_by_identity.find(*row->identity);
            if (up == uploads_by_key.end() || down == downloads_by_identity.end() || up->second.size() != 1 ||
                down->second.size() != 1)
                continue;
            auto [local_to, ui] = up->second.front();
            auto [remote_to, di] = down->second.front();
            if (local_to == remote_to || consumed.count({local_to, ui}) || consumed.count({remote_to, di})) continue;
            const auto& d = std::get<sync::Download>(planned[remote_to].result.plan.actions[di]);
            moves.remote.push_back(RemoteMove{local_to, remote_to, forget->key, d.uid, d.remote_flags, d.flags, d.identity});
            consumed.insert({local_to, ui});
            consumed.insert({remote_to, di});
        }
    }
    // Take the matched actions out of their plans, last index first.
    for (auto it = consumed.rbegin(); it != consumed.rend(); ++it) {
        auto& plan = planned[it->first].result.plan;
        plan.actions.erase(plan.actions.begin() + static_cast<std::ptrdiff_t>(it->second));
    }
    for (auto& p : planned) p.result.plan.counters = sync::count_actions(p.result.plan.actions);
    return moves;
}

std::vector<std::string> describe_moves(const Moves& moves, const std::vector<PlannedFolder>& planned) {
    std::vector<std::string> out;
    for (const auto& m : moves.local)
        out.push_back("move remote uid=" + std::to_string(m.uid) + " " + planned[m.from].job.remote_name + " -> " +
                      planned[m.to].job.remote_name + " (moved locally, key " + m.key + ")");
    for (const auto& m : moves.remote)
        out.push_back("move local key=" + m.key + " " + planned[m.from].job.remote_name + " -> " +
                      planned[m.to].job.remote_name + " (moved on the server, uid " + std::to_string(m.new_uid) + ")");
    return out;
}

asio::awaitable<util::Expected<void>> execute_moves(net::Session& session, StateBatch& batch, const std::string& account,
                                                    std::vector<PlannedFolder>& planned, const Moves& moves) {
    // Local moves, grouped by source folder: one SELECT and one pipeline of UID MOVEs (to every
    // target) each. Over a 40 ms link a round trip per (from, to) pair and per re-flagged message
    // was most of a resync after local changes.
    std::map<std::size_t, std::vector<const LocalMove*>> by_source;
    for (const auto& m : moves.local) by_source[m.from].push_back(&m);
    struct Moved {
        model::Uid old_uid;
        model::PairState row;  // in the target
    };
    // Per target: the reader's flag changes to make on the moved copies, and their rows, recorded
    // only once the flags are set (a row records the server's flags).
    std::map<std::size_t, std::vector<net::StoreRequest>> fixes;
    std::map<std::size_t, std::vector<std::pair<std::size_t, Moved>>> after_fix;  // target -> (source, row)
    auto record = [&](std::size_t from, std::size_t to, std::vector<Moved> rows) {
        return batch.add([&db = batch.db(), source = FolderKey{account, planned[from].job.remote_name},
                          target = FolderKey{account, planned[to].job.remote_name},
                          rows = std::move(rows)](state::WriteTxn& txn) -> util::Expected<void> {
            for (const auto& m : rows) {
                if (auto r = drop_row(db, txn, source, m.old_uid, m.row.key); !r) return r;
                if (auto r = put_row(db, txn, target, m.row); !r) return r;
            }
            return {};
        });
    };
    for (const auto& [from, group] : by_source) {
        if (session.selected() != planned[from].job.remote_name) {
            auto sel = co_await session.select(planned[from].job.remote_name);
            if (!sel) co_return util::unexpected(std::move(sel).error());
        }
        std::map<std::size_t, std::vector<model::Uid>> per_target;
        for (const auto* m : group) per_target[m->to].push_back(m->uid);
        std::vector<std::pair<imap::SeqSet, std::string>> requests;
        for (const auto& [to, uids] : per_target) requests.emplace_back(imap::SeqSet::from_uids(uids), planned[to].job.remote_name);
        auto mapping = co_await session.move_many(requests);
        if (!mapping) co_return util::unexpected(std::move(mapping).error());
        std::map<std::size_t, std::vector<Moved>> done_now;  // target -> rows that need no flag change
        for (const auto* m : group) {
            auto it = mapping->find(m->uid);
            // Without COPYUID the new UID is unknown: a key-only row makes the next run pair it by identity.
            Moved moved{m->uid, model::PairState{it == mapping->end() ? 0 : it->second, m->key, m->local_flags,
                                                 m->local_flags, 0, m->identity, false}};
            auto [add, remove] = difference(m->remote_flags, m->local_flags);
            const bool reflag = it != mapping->end() && !(add.to_imap().empty() && remove.to_imap().empty());
            if (reflag) {
                const auto one = imap::SeqSet::from_range(it->second, it->second);
                if (!add.to_imap().empty()) fixes[m->to].push_back({one, imap::StoreMode::add, add});
                if (!remove.to_imap().empty()) fixes[m->to].push_back({one, imap::StoreMode::remove, remove});
                after_fix[m->to].emplace_back(from, std::move(moved));
            } else {
                done_now[m->to].push_back(std::move(moved));
            }
            ++planned[m->to].result.moved_in;
        }
        for (auto& [to, rows] : done_now)
            if (auto r = record(from, to, std::move(rows)); !r) co_return r;
    }
    // The reader may have changed flags while moving: bring the server's copies in line, one SELECT
    // and one pipeline of STOREs per target folder.
    for (auto& [to, stores] : fixes) {
        auto sel = co_await session.select(planned[to].job.remote_name);
        if (!sel) co_return util::unexpected(std::move(sel).error());
        if (auto r = co_await session.store_many(stores); !r) co_return r;
        std::map<std::size_t, std::vector<Moved>> by_from;
        for (auto& [from, moved] : after_fix[to]) by_from[from].push_back(std::move(moved));
        for (auto& [from, rows] : by_from)
            if (auto r = record(from, to, std::move(rows)); !r) co_return r;
    }
    // Remote moves: one rename each.
    RowIndexes rows;
    for (const auto& m : moves.remote) {
        auto& from = planned[m.from];
        auto& to = planned[m.to];
        auto hint_it = from.local.file_names.find(m.key);
        auto moved = maildir::move_message(from.job.local_dir, to.job.local_dir, m.key,
                                           hint_it == from.local.file_names.end() ? std::string() : hint_it->second);
        if (!moved) co_return util::unexpected(std::move(moved).error());
        auto flags = to.keywords->to_maildir(m.flags);
        if (auto r = maildir::set_flags(to.job.local_dir, m.key, flags, moved->file_name); !r) co_return util::unexpected(std::move(r).error());
        if (auto r = to.keywords->save(); !r) co_return r;
        const auto* row = rows.of(from).key(m.key);
        auto recorded = batch.add([&db = batch.db(), source = FolderKey{account, from.job.remote_name},
                                   target = FolderKey{account, to.job.remote_name}, old_uid = row ? row->uid : 0,
                                   moved_row = model::PairState{m.new_uid, m.key, m.remote_flags, m.flags, 0, m.identity,
                                                                false}](state::WriteTxn& txn) -> util::Expected<void> {
            if (auto r = drop_row(db, txn, source, old_uid, moved_row.key); !r) return r;
            return put_row(db, txn, target, moved_row);
        });
        if (!recorded) co_return recorded;
        ++to.result.moved_in;
    }
    co_return util::Expected<void>{};
}

}  // namespace mailtwin::engine
