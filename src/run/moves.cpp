#include "mailtwin/run/moves.hpp"

#include <map>
#include <set>

#include "mailtwin/run/executor.hpp"

namespace mailtwin::engine {
namespace {

using util::Side;

store::MessageId uid_id(model::Uid uid) { return store::MessageId{uid, {}}; }
store::MessageId key_id(const std::string& key) { return store::MessageId{0, key}; }

// The change that brings one message from `now` to `target`; nullopt when they are the same.
std::optional<store::FlagChange> flag_change(store::MessageId id, const model::FlagSet& now,
                                             const model::FlagSet& target) {
    auto [add, remove] = model::diff(now, target);
    if (add.empty() && remove.empty()) return std::nullopt;
    return store::FlagChange{std::move(id), std::move(add), std::move(remove), now};
}

// A moved message's row leaves the source folder and is written in the target, in one record body.
struct MovedRow {
    std::size_t from = 0;
    std::size_t to = 0;
    model::Uid old_uid = 0;
    std::string old_key;
    model::PairState row;  // in the target
};

class MoveRecorder {
public:
    MoveRecorder(StateBatch& batch, const std::string& account, const std::vector<PlannedFolder>& planned)
        : m_batch(batch), m_account(account), m_planned(planned) {}

    util::Expected<void> record(std::vector<MovedRow> rows) {
        if (rows.empty()) return {};
        std::vector<std::pair<std::pair<state::FolderKey, state::FolderKey>, MovedRow>> keyed;
        for (auto& m : rows)
            keyed.push_back({{state::FolderKey{m_account, m_planned[m.from].job.remote_name},
                              state::FolderKey{m_account, m_planned[m.to].job.remote_name}},
                             std::move(m)});
        return m_batch.add(
            [&db = m_batch.db(), keyed = std::move(keyed)](state::WriteTxn& txn) -> util::Expected<void> {
                for (const auto& [where, m] : keyed) {
                    if (auto r = drop_row(db, txn, where.first, m.old_uid, m.old_key); !r) return r;
                    if (auto r = put_row(db, txn, where.second, m.row); !r) return r;
                }
                return {};
            });
    }

private:
    StateBatch& m_batch;
    const std::string& m_account;
    const std::vector<PlannedFolder>& m_planned;
};

// Per target folder: the flag changes of one side, applied in one set_flags per target (the server
// store sends them as one pipeline of STOREs). Rows wait for their target's change: a row records
// what both sides hold.
struct PendingFlags {
    std::map<std::size_t, std::vector<store::FlagChange>> changes;
    std::map<std::size_t, std::vector<MovedRow>> rows;

    void add(std::size_t to, std::optional<store::FlagChange> change) {
        if (change) changes[to].push_back(std::move(*change));
    }
    // The row is recorded now when the server needs no change for it, else after its STORE.
    void add(std::optional<store::FlagChange> change, MovedRow row, std::vector<MovedRow>& done_now) {
        if (!change) {
            done_now.push_back(std::move(row));
            return;
        }
        changes[row.to].push_back(std::move(*change));
        rows[row.to].push_back(std::move(row));
    }

    asio::awaitable<util::Expected<void>> run(const FolderStores& stores, Side side, MoveRecorder* recorder) {
        for (auto& [to, list] : changes) {
            auto done = co_await stores[to][side]->set_flags(list);
            if (!done) co_return util::unexpected(std::move(done).error());
            if (recorder)
                if (auto r = recorder->record(std::move(rows[to])); !r) co_return r;
        }
        co_return util::Expected<void>{};
    }
};

// Without COPYUID a copy's UID is unknown. Where its flags still need a STORE, the target store
// looks for it by the Message-ID of the file the reader moved there (store.hpp find_arrived); none
// found, and it stays unknown (the next run pairs it by identity).
asio::awaitable<util::Expected<void>> find_unreported_copies(const FolderStores& stores,
                                                             const std::vector<const sync::LocalMove*>& group,
                                                             std::map<model::Uid, model::Uid>& mapping) {
    std::map<std::size_t, std::vector<const sync::LocalMove*>> wanted;  // by target folder
    for (const auto* m : group)
        if (m->to != m->from && !mapping.count(m->uid) && !(m->target[Side::remote] == m->now[Side::remote]))
            wanted[m->to].push_back(m);
    for (const auto& [to, moves] : wanted) {
        std::vector<store::MessageId> files;
        for (const auto* m : moves) files.push_back(key_id(m->key));
        auto ids = co_await stores[to][Side::local]->message_ids(files);
        if (!ids) co_return util::unexpected(std::move(ids).error());
        std::vector<std::string> message_ids;
        for (const auto& id : *ids) message_ids.push_back(id.value_or(std::string()));
        auto found = co_await stores[to][Side::remote]->find_arrived(message_ids);
        if (!found) co_return util::unexpected(std::move(found).error());
        for (std::size_t i = 0; i < moves.size(); ++i)
            if ((*found)[i]) mapping[moves[i]->uid] = (*found)[i]->uid;
    }
    co_return util::Expected<void>{};
}

// The server copies of one source folder's local moves follow: one move() (one SELECT and one
// pipeline of UID MOVEs to every target); source UID -> new UID where known.
asio::awaitable<util::Expected<std::map<model::Uid, model::Uid>>> move_server_copies(
    const FolderStores& stores, std::size_t from, const std::vector<const sync::LocalMove*>& group) {
    std::map<std::size_t, std::vector<store::MessageId>> per_target;
    for (const auto* m : group)
        if (m->to != from) per_target[m->to].push_back(uid_id(m->uid));
    std::map<model::Uid, model::Uid> mapping;
    if (per_target.empty()) co_return mapping;
    std::vector<store::MoveGroup> groups;
    for (auto& [to, ids] : per_target) groups.push_back(store::MoveGroup{stores[to][Side::remote], std::move(ids)});
    auto moved = co_await stores[from][Side::remote]->move(groups);
    if (!moved) co_return util::unexpected(std::move(moved).error());
    for (std::size_t g = 0; g < groups.size(); ++g)
        for (std::size_t i = 0; i < groups[g].ids.size(); ++i)
            if (const auto& id = (*moved)[g][i]) mapping[groups[g].ids[i].uid] = id->uid;
    if (auto r = co_await find_unreported_copies(stores, group, mapping); !r) co_return util::unexpected(r.error());
    co_return mapping;
}

asio::awaitable<util::Expected<void>> execute_local_moves(const FolderStores& stores,
                                                          std::vector<PlannedFolder>& planned,
                                                          const std::vector<sync::LocalMove>& moves,
                                                          MoveRecorder& recorder) {
    std::map<std::size_t, std::vector<const sync::LocalMove*>> by_source;
    for (const auto& m : moves) by_source[m.from].push_back(&m);
    PendingFlags server;
    for (const auto& [from, group] : by_source) {
        auto mapping = co_await move_server_copies(stores, from, group);
        if (!mapping) co_return util::unexpected(std::move(mapping).error());
        // The reader's files get the other side's flag changes, if the merge brought any.
        PendingFlags files;
        for (const auto* m : group)
            files.add(m->to, flag_change(key_id(m->key), m->now[Side::local], m->target[Side::local]));
        if (auto r = co_await files.run(stores, Side::local, nullptr); !r) co_return r;
        std::vector<MovedRow> done_now;
        for (const auto* m : group) {
            model::Uid new_uid = m->uid;  // a rewrite in place keeps its UID
            if (m->to != from) {
                auto it = mapping->find(m->uid);
                new_uid = it == mapping->end() ? 0 : it->second;
            }
            // Without COPYUID the new UID is unknown: a key-only row makes the next run pair it by identity.
            // No STORE can reach that copy now, so it holds what the original held (COPY keeps flags):
            // the row records that as both sides' base, and the next run sees the file's merged flags
            // as a local change and stores them. Recording the merged flags instead claimed the server
            // had them, and the next run read their absence as a removal there (found on Mailutils).
            const bool copy_unknown = new_uid == 0;
            const auto& base_remote = copy_unknown ? m->now[Side::remote] : m->target[Side::remote];
            const auto& base_local = copy_unknown ? m->now[Side::remote] : m->target[Side::local];
            MovedRow row{from, m->to, m->uid, m->old_key,
                         model::PairState{new_uid, m->key, base_remote, base_local, 0, m->identity, false}};
            auto change = copy_unknown ? std::nullopt
                                       : flag_change(uid_id(new_uid), m->now[Side::remote], m->target[Side::remote]);
            server.add(std::move(change), std::move(row), done_now);
            ++planned[m->to].result.moved_in;
        }
        if (auto r = recorder.record(std::move(done_now)); !r) co_return r;
    }
    co_return co_await server.run(stores, Side::remote, &recorder);
}

// The files of remote moves follow: one move() per source folder (a rename each, keeping the file
// name), then per target one set_flags that writes the merged flags with the target's keyword
// letters (a moved file still has its source folder's letters).
asio::awaitable<util::Expected<void>> move_files(const FolderStores& stores,
                                                 const std::vector<sync::RemoteMove>& moves) {
    std::map<std::size_t, std::map<std::size_t, std::vector<store::MessageId>>> by_source;
    for (const auto& m : moves)
        if (m.to != m.from) by_source[m.from][m.to].push_back(key_id(m.key));
    for (auto& [from, per_target] : by_source) {
        std::vector<store::MoveGroup> groups;
        for (auto& [to, ids] : per_target) groups.push_back(store::MoveGroup{stores[to][Side::local], std::move(ids)});
        auto moved = co_await stores[from][Side::local]->move(groups);
        if (!moved) co_return util::unexpected(std::move(moved).error());
    }
    PendingFlags files;
    for (const auto& m : moves) {
        auto change = flag_change(key_id(m.key), m.now[Side::local], m.target[Side::local]);
        if (!change && m.to != m.from) change = store::FlagChange{key_id(m.key), {}, {}, m.target[Side::local]};
        files.add(m.to, std::move(change));
    }
    co_return co_await files.run(stores, Side::local, nullptr);
}

asio::awaitable<util::Expected<void>> execute_remote_moves(const FolderStores& stores,
                                                           std::vector<PlannedFolder>& planned,
                                                           const std::vector<sync::RemoteMove>& moves,
                                                           MoveRecorder& recorder) {
    if (auto r = co_await move_files(stores, moves); !r) co_return r;
    PendingFlags server;
    std::vector<MovedRow> done_now;
    for (const auto& m : moves) {
        MovedRow row{
            m.from, m.to, m.old_uid, m.key,
            model::PairState{m.new_uid, m.key, m.target[Side::remote], m.target[Side::local], 0, m.identity, false}};
        server.add(flag_change(uid_id(m.new_uid), m.now[Side::remote], m.target[Side::remote]), std::move(row),
                   done_now);
        ++planned[m.to].result.moved_in;
    }
    if (auto r = recorder.record(std::move(done_now)); !r) co_return r;
    co_return co_await server.run(stores, Side::remote, &recorder);
}

// Rows written before the current identity rule have none (identity.hpp stored_identity). A message
// gone from the server while its file stays can still be found in another server folder: its row
// gets the identity of the file it left behind.
asio::awaitable<void> fill_identities_of_rows_gone_remotely(store::FolderStore& files, PlannedFolder& p) {
    std::set<std::string> keys;
    for (const auto& a : p.result.plan.actions) {
        if (const auto* e = std::get_if<sync::Expunge>(&a); e && e->side == Side::local) keys.insert(e->key);
        if (const auto* u = std::get_if<sync::Upload>(&a); u && u->restore) keys.insert(u->key);
        if (const auto* d = std::get_if<sync::Detach>(&a); d && d->gone == Side::remote) keys.insert(d->key);
        if (const auto* r = std::get_if<sync::Refuse>(&a); r && r->gone == Side::remote)
            for (const auto& e : r->held) keys.insert(e.key);
    }
    std::vector<model::PairState*> rows;
    std::vector<store::MessageId> ids;
    for (auto& row : p.last.pairs.pairs)
        if (!row.identity && !row.key.empty() && keys.count(row.key)) {
            rows.push_back(&row);
            ids.push_back(key_id(row.key));
        }
    if (ids.empty()) co_return;
    // A file that cannot be read (or gone since the scan) gets no identity: no move is found for it.
    auto found = co_await files.identify(ids);
    if (!found) co_return;
    for (std::size_t i = 0; i < rows.size(); ++i)
        if ((*found)[i]) rows[i]->identity = (*found)[i];
}

}  // namespace

FolderStores stores_of(const std::vector<PlannedFolder>& planned) {
    FolderStores out;
    out.reserve(planned.size());
    for (const auto& p : planned) out.push_back(p.stores());
    return out;
}

asio::awaitable<sync::Moves> find_moves(const FolderStores& stores, std::vector<PlannedFolder>& planned,
                                        const sync::Policy& policy) {
    std::vector<sync::MoveFolder> folders;
    folders.reserve(planned.size());
    for (std::size_t f = 0; f < planned.size(); ++f) {
        auto& p = planned[f];
        const bool takes_part = p.result.outcome != FolderOutcome::failed;
        if (takes_part && stores[f][Side::local])
            co_await fill_identities_of_rows_gone_remotely(*stores[f][Side::local], p);
        folders.push_back(sync::MoveFolder{takes_part ? &p.result.plan : nullptr, &p.last.pairs});
    }
    // A file rewritten by the reader (new name, same message) is found by its identity: read only
    // for the new files of a run in which some message is gone locally.
    std::map<std::size_t, std::vector<std::size_t>> wanted;  // folder -> its Upload actions
    for (auto [f, i] : sync::uploads_wanting_identity(folders)) wanted[f].push_back(i);
    for (const auto& [f, actions] : wanted) {
        if (!stores[f][Side::local]) continue;
        auto& plan = planned[f].result.plan;
        std::vector<store::MessageId> ids;
        for (std::size_t i : actions) ids.push_back(key_id(std::get<sync::Upload>(plan.actions[i]).key));
        auto found = co_await stores[f][Side::local]->identify(ids);
        if (!found) continue;  // unreadable: no identity, as for a file gone since the scan
        for (std::size_t n = 0; n < actions.size(); ++n)
            if ((*found)[n]) std::get<sync::Upload>(plan.actions[actions[n]]).identity = (*found)[n];
    }
    co_return sync::find_moves(folders, policy);
}

std::vector<std::string> describe_moves(const sync::Moves& moves, const std::vector<PlannedFolder>& planned) {
    std::vector<std::string> out;
    for (const auto& m : moves.local) {
        const std::string& from = planned[m.from].job.remote_name;
        if (m.to == m.from)
            out.push_back("keep remote uid=" + std::to_string(m.uid) + " in " + from + " (rewritten locally, key " +
                          m.old_key + " -> " + m.key + ")");
        else
            out.push_back("move remote uid=" + std::to_string(m.uid) + " " + from + " -> " +
                          planned[m.to].job.remote_name + " (moved locally, key " + m.key + ")");
    }
    for (const auto& m : moves.remote) {
        const std::string& from = planned[m.from].job.remote_name;
        if (m.to == m.from)
            out.push_back("keep local key=" + m.key + " in " + from + " (re-added on the server, uid " +
                          std::to_string(m.old_uid) + " -> " + std::to_string(m.new_uid) + ")");
        else
            out.push_back("move local key=" + m.key + " " + from + " -> " + planned[m.to].job.remote_name +
                          " (moved on the server, uid " + std::to_string(m.new_uid) + ")");
    }
    return out;
}

void count_planned_moves(const sync::Moves& moves, std::vector<PlannedFolder>& planned) {
    for (const auto& m : moves.local) ++planned[m.to].result.moved_in;
    for (const auto& m : moves.remote) ++planned[m.to].result.moved_in;
}

asio::awaitable<util::Expected<void>> execute_moves(const FolderStores& stores, StateBatch& batch,
                                                    const std::string& account, std::vector<PlannedFolder>& planned,
                                                    const sync::Moves& moves) {
    MoveRecorder recorder(batch, account, planned);
    if (auto r = co_await execute_local_moves(stores, planned, moves.local, recorder); !r) co_return r;
    co_return co_await execute_remote_moves(stores, planned, moves.remote, recorder);
}

}  // namespace mailtwin::engine
