#include "mailtwin/run/moves.hpp"

#include <map>
#include <set>

#include "mailtwin/maildir/folder.hpp"
#include "mailtwin/maildir/message_info.hpp"
#include "mailtwin/run/executor.hpp"
#include "mailtwin/state/row_identity.hpp"
#include "mailtwin/store/identity.hpp"

namespace mailtwin::engine {
namespace {

std::string hint_of(const PlannedFolder& p, const std::string& key) { return p.local->hint(key); }

// The STOREs that turn `from` into `to` on one message.
void add_stores(std::vector<net::StoreRequest>& out, model::Uid uid, const model::FlagSet& from,
                const model::FlagSet& to) {
    const auto one = imap::SeqSet::from_range(uid, uid);
    const auto [add, remove] = model::diff(from, to);
    if (!add.empty()) out.push_back({one, imap::StoreMode::add, add});
    if (!remove.empty()) out.push_back({one, imap::StoreMode::remove, remove});
}

// The file in `p` gets `flags` (a rename in cur/), with its folder's keyword letters.
util::Expected<void> set_local_flags(PlannedFolder& p, const std::string& key, const model::FlagSet& flags,
                                     const std::string& hint) {
    if (auto r = maildir::set_flags(p.job.local_dir, key, p.local->keywords().to_maildir(flags), hint); !r)
        return util::unexpected(std::move(r).error());
    return p.local->keywords().save();
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

// Per target folder: the STOREs that bring moved server copies to their merged flags, and the rows
// recorded once they are done (a row records what the server holds).
struct PendingStores {
    std::map<std::size_t, std::vector<net::StoreRequest>> stores;
    std::map<std::size_t, std::vector<MovedRow>> rows;

    asio::awaitable<util::Expected<void>> run(net::Session& session, const std::vector<PlannedFolder>& planned,
                                              MoveRecorder& recorder) {
        for (auto& [to, requests] : stores) {
            if (session.selected() != planned[to].job.remote_name) {
                auto sel = co_await session.select(planned[to].job.remote_name);
                if (!sel) co_return util::unexpected(std::move(sel).error());
            }
            if (auto r = co_await session.store_many(requests); !r) co_return r;
            if (auto r = recorder.record(std::move(rows[to])); !r) co_return r;
        }
        co_return util::Expected<void>{};
    }
};

// Without COPYUID (Mailutils imap4d sends none) a copy's UID is unknown. The copy is found in its
// target by the one message carrying the file's Message-ID at or above the target's UIDNEXT of the
// plan (above every UID known there): none or several, and it stays unknown (the next run pairs it
// by identity). Only copies whose flags still need a STORE are looked for.
asio::awaitable<util::Expected<void>> find_unreported_copies(net::Session& session,
                                                             const std::vector<PlannedFolder>& planned,
                                                             const std::vector<const sync::LocalMove*>& group,
                                                             std::map<model::Uid, model::Uid>& mapping) {
    for (const auto* m : group) {
        const auto& to = planned[m->to];
        const model::Uid lowest = to.remote->append_expectation().first_new_uid;
        if (m->to == m->from || mapping.count(m->uid) || lowest == 0) continue;
        if (m->target[util::Side::remote] == m->now[util::Side::remote]) continue;
        auto where = maildir::find_message(to.job.local_dir, m->key, hint_of(to, m->key));
        if (!where) continue;
        auto id = maildir::MessageInfo(where->path).message_id();
        if (!id || !*id || (*id)->empty()) continue;
        if (session.selected() != to.job.remote_name) {
            auto sel = co_await session.select(to.job.remote_name);
            if (!sel) co_return util::unexpected(std::move(sel).error());
        }
        auto found = co_await session.search_message_id(**id);
        if (!found) co_return util::unexpected(std::move(found).error());
        std::vector<model::Uid> fresh;
        for (model::Uid u : *found)
            if (u >= lowest) fresh.push_back(u);
        if (fresh.size() == 1) mapping[m->uid] = fresh.front();
    }
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<void>> execute_local_moves(net::Session& session, std::vector<PlannedFolder>& planned,
                                                          const std::vector<sync::LocalMove>& moves,
                                                          MoveRecorder& recorder) {
    // Grouped by source folder: one SELECT and one pipeline of UID MOVEs (to every target) each. Over
    // a 40 ms link a round trip per (from, to) pair and per re-flagged message was most of a resync.
    std::map<std::size_t, std::vector<const sync::LocalMove*>> by_source;
    for (const auto& m : moves) by_source[m.from].push_back(&m);
    PendingStores pending;
    for (const auto& [from, group] : by_source) {
        std::map<std::size_t, std::vector<model::Uid>> per_target;
        for (const auto* m : group)
            if (m->to != from) per_target[m->to].push_back(m->uid);
        std::map<model::Uid, model::Uid> mapping;
        if (!per_target.empty()) {
            if (session.selected() != planned[from].job.remote_name) {
                auto sel = co_await session.select(planned[from].job.remote_name);
                if (!sel) co_return util::unexpected(std::move(sel).error());
            }
            std::vector<std::pair<imap::SeqSet, std::string>> requests;
            for (const auto& [to, uids] : per_target)
                requests.emplace_back(imap::SeqSet::from_uids(uids), planned[to].job.remote_name);
            auto moved = co_await session.move_many(requests);
            if (!moved) co_return util::unexpected(std::move(moved).error());
            mapping = std::move(*moved);
            if (auto r = co_await find_unreported_copies(session, planned, group, mapping); !r) co_return r;
        }
        std::vector<MovedRow> done_now;
        for (const auto* m : group) {
            model::Uid new_uid = m->uid;  // a rewrite in place keeps its UID
            if (m->to != from) {
                auto it = mapping.find(m->uid);
                new_uid = it == mapping.end() ? 0 : it->second;
            }
            // The reader's file gets the other side's flag changes, if the merge brought any.
            if (!(m->target[util::Side::local] == m->now[util::Side::local]))
                if (auto r = set_local_flags(planned[m->to], m->key, m->target[util::Side::local],
                                             hint_of(planned[m->to], m->key));
                    !r)
                    co_return r;
            // Without COPYUID the new UID is unknown: a key-only row makes the next run pair it by identity.
            // No STORE can reach that copy now, so it holds what the original held (COPY keeps flags):
            // the row records that as both sides' base, and the next run sees the file's merged flags
            // as a local change and stores them. Recording the merged flags instead claimed the server
            // had them, and the next run read their absence as a removal there (found on Mailutils).
            const bool copy_unknown = new_uid == 0;
            const auto& base_remote = copy_unknown ? m->now[util::Side::remote] : m->target[util::Side::remote];
            const auto& base_local = copy_unknown ? m->now[util::Side::remote] : m->target[util::Side::local];
            MovedRow row{from, m->to, m->uid, m->old_key,
                         model::PairState{new_uid, m->key, base_remote, base_local, 0, m->identity, false}};
            std::vector<net::StoreRequest> stores;
            if (new_uid != 0) add_stores(stores, new_uid, m->now[util::Side::remote], m->target[util::Side::remote]);
            if (stores.empty()) {
                done_now.push_back(std::move(row));
            } else {
                auto& list = pending.stores[m->to];
                list.insert(list.end(), stores.begin(), stores.end());
                pending.rows[m->to].push_back(std::move(row));
            }
            ++planned[m->to].result.moved_in;
        }
        if (auto r = recorder.record(std::move(done_now)); !r) co_return r;
    }
    co_return co_await pending.run(session, planned, recorder);
}

asio::awaitable<util::Expected<void>> execute_remote_moves(net::Session& session, std::vector<PlannedFolder>& planned,
                                                           const std::vector<sync::RemoteMove>& moves,
                                                           MoveRecorder& recorder) {
    PendingStores pending;
    std::vector<MovedRow> done_now;
    for (const auto& m : moves) {
        auto& from = planned[m.from];
        auto& to = planned[m.to];
        std::string hint = hint_of(from, m.key);
        if (m.to != m.from) {
            auto moved = maildir::move_message(from.job.local_dir, to.job.local_dir, m.key, hint);
            if (!moved) co_return util::unexpected(std::move(moved).error());
            hint = moved->file_name;
        }
        if (!(m.target[util::Side::local] == m.now[util::Side::local]) || m.to != m.from)
            if (auto r = set_local_flags(to, m.key, m.target[util::Side::local], hint); !r) co_return r;
        MovedRow row{m.from, m.to, m.old_uid, m.key,
                     model::PairState{m.new_uid, m.key, m.target[util::Side::remote], m.target[util::Side::local], 0,
                                      m.identity, false}};
        std::vector<net::StoreRequest> stores;
        add_stores(stores, m.new_uid, m.now[util::Side::remote], m.target[util::Side::remote]);
        if (stores.empty()) {
            done_now.push_back(std::move(row));
        } else {
            auto& list = pending.stores[m.to];
            list.insert(list.end(), stores.begin(), stores.end());
            pending.rows[m.to].push_back(std::move(row));
        }
        ++to.result.moved_in;
    }
    if (auto r = recorder.record(std::move(done_now)); !r) co_return r;
    co_return co_await pending.run(session, planned, recorder);
}

}  // namespace

// Rows written before the current identity rule have none (identity.hpp stored_identity). A message
// gone from the server while its file stays can still be found in another server folder: its row
// gets the identity of the file it left behind.
void fill_identities_of_rows_gone_remotely(PlannedFolder& p) {
    std::set<std::string> keys;
    for (const auto& a : p.result.plan.actions) {
        if (const auto* e = std::get_if<sync::Expunge>(&a); e && e->side == util::Side::local) keys.insert(e->key);
        if (const auto* u = std::get_if<sync::Upload>(&a); u && u->restore) keys.insert(u->key);
        if (const auto* d = std::get_if<sync::Detach>(&a); d && d->gone == util::Side::remote) keys.insert(d->key);
        if (const auto* r = std::get_if<sync::Refuse>(&a); r && r->gone == util::Side::remote)
            for (const auto& e : r->held) keys.insert(e.key);
    }
    if (keys.empty()) return;
    for (auto& row : p.last.pairs.pairs) {
        if (row.identity || row.key.empty() || !keys.count(row.key)) continue;
        auto where = maildir::find_message(p.job.local_dir, row.key, hint_of(p, row.key));
        if (!where) continue;
        if (auto id = store::local_identity(where->path)) row.identity = *id;
    }
}

sync::Moves find_moves(std::vector<PlannedFolder>& planned, const sync::Policy& policy) {
    std::vector<sync::MoveFolder> folders;
    folders.reserve(planned.size());
    for (auto& p : planned) {
        if (p.result.outcome != FolderOutcome::failed) fill_identities_of_rows_gone_remotely(p);
        const bool takes_part = p.result.outcome != FolderOutcome::failed;
        folders.push_back(sync::MoveFolder{takes_part ? &p.result.plan : nullptr, &p.last.pairs});
    }
    // A file rewritten by the reader (new name, same message) is found by its identity: read only
    // for the new files of a run in which some message is gone locally.
    for (auto [f, i] : sync::uploads_wanting_identity(folders)) {
        auto& p = planned[f];
        auto& upload = std::get<sync::Upload>(p.result.plan.actions[i]);
        auto where = maildir::find_message(p.job.local_dir, upload.key, hint_of(p, upload.key));
        if (!where) continue;  // gone since the scan: the folder's own plan sees to it
        if (auto id = store::local_identity(where->path)) upload.identity = *id;
    }
    return sync::find_moves(folders, policy);
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

asio::awaitable<util::Expected<void>> execute_moves(net::Session& session, StateBatch& batch,
                                                    const std::string& account, std::vector<PlannedFolder>& planned,
                                                    const sync::Moves& moves) {
    MoveRecorder recorder(batch, account, planned);
    if (auto r = co_await execute_local_moves(session, planned, moves.local, recorder); !r) co_return r;
    co_return co_await execute_remote_moves(session, planned, moves.remote, recorder);
}

}  // namespace mailtwin::engine
