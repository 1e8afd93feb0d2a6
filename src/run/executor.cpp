#include "mailtwin/run/executor.hpp"

#include <map>

namespace mailtwin::engine {
namespace {

using util::Side;

template <typename A>
std::vector<const A*> actions_of(const sync::Plan& plan) {
    std::vector<const A*> out;
    for (const auto& a : plan.actions)
        if (const A* x = std::get_if<A>(&a)) out.push_back(x);
    return out;
}

// Queues one record in the run's batch (state_batch.hpp). Bodies run after this function's locals
// are gone: they capture what they write by value, never `ctx`.
util::Expected<void> step(ExecContext& ctx, ExecStats& stats, StateBatch::Body body) {
    ++stats.state_steps;
    return ctx.batch.add(std::move(body));
}

// ---------------------------------------------------------------------------------------------------
// A row seen from one side: the id and the flags of that side's copy.

store::MessageId id_on(Side side, model::Uid uid, const std::string& key) {
    return side == Side::remote ? store::MessageId{uid, {}} : store::MessageId{0, key};
}
store::MessageId id_on(Side side, const model::PairState& row) { return id_on(side, row.uid, row.key); }
void set_id(model::PairState& row, Side side, const store::MessageId& id) {
    if (side == Side::remote)
        row.uid = id.uid;
    else
        row.key = id.key;
}
model::FlagSet& flags_on(model::PairState& row, Side side) {
    return side == Side::remote ? row.remote_flags : row.local_flags;
}
const model::FlagSet& flags_on(const model::PairState& row, Side side) {
    return side == Side::remote ? row.remote_flags : row.local_flags;
}

// The flags each message of `side` has now: from the view, or (not listed) from the state.
// Built once per flag pass, so a thousand changes in a large folder are not a thousand searches.
std::map<std::pair<model::Uid, std::string>, model::FlagSet> current_flags(const ExecContext& ctx, Side side) {
    std::map<std::pair<model::Uid, std::string>, model::FlagSet> out;
    auto key_of = [side](const store::MessageId& id) { return std::make_pair(id.uid, id.key); };
    for (const auto& p : ctx.rows.pairs) out[key_of(id_on(side, p))] = flags_on(p, side);
    if (side == Side::remote)
        for (const auto& m : ctx.views.remote.messages) out[key_of(id_on(side, m.uid, {}))] = m.flags;
    else
        for (const auto& m : ctx.views.local.messages) out[key_of(id_on(side, 0, m.key))] = m.flags;
    return out;
}

// ---------------------------------------------------------------------------------------------------

util::Expected<void> apply_state_only(ExecContext& ctx, ExecStats& stats, const sync::Plan& plan) {
    std::vector<sync::Action> actions;
    bool reset = false;
    for (const auto& a : plan.actions) {
        reset = reset || std::holds_alternative<sync::ResetUids>(a);
        if (std::holds_alternative<sync::ResetUids>(a) || std::holds_alternative<sync::Pair>(a) ||
            std::holds_alternative<sync::Detach>(a) || std::holds_alternative<sync::Forget>(a))
            actions.push_back(a);
    }
    if (actions.empty()) return {};
    std::vector<model::PairState> rows;  // every row, for ResetUids only
    if (reset) rows = ctx.rows.pairs;
    return step(ctx, stats,
                [&db = ctx.batch.db(), where = ctx.where, actions = std::move(actions),
                 rows = std::move(rows)](state::WriteTxn& txn) -> util::Expected<void> {
                    for (const auto& a : actions) {
                        if (std::holds_alternative<sync::ResetUids>(a)) {
                            // Every row loses its UID; rows that only had a UID are dropped.
                            for (const auto& p : rows) {
                                if (auto r = drop_row(db, txn, where, p.uid, p.key); !r) return r;
                                if (p.key.empty()) continue;
                                model::PairState kept = p;
                                kept.uid = 0;
                                if (auto r = put_row(db, txn, where, kept); !r) return r;
                            }
                        } else if (const auto* pair = std::get_if<sync::Pair>(&a)) {
                            if (auto r = drop_row(db, txn, where, pair->uid, pair->key); !r) return r;
                            model::PairState row{
                                pair->uid,      pair->key, pair->remote_flags, pair->local_flags, pair->size,
                                pair->identity, false};
                            if (auto r = put_row(db, txn, where, row); !r) return r;
                        } else if (const auto* detach = std::get_if<sync::Detach>(&a)) {
                            auto row = find_row(db, txn, where, detach->uid, detach->key);
                            if (!row) return util::unexpected(std::move(row).error());
                            if (!*row) continue;
                            model::PairState kept = **row;
                            if (auto r = drop_row(db, txn, where, kept.uid, kept.key); !r) return r;
                            if (detach->gone == util::Side::remote)
                                kept.uid = 0;
                            else
                                kept.key.clear();
                            kept.detached = true;
                            if (kept.uid == 0 && kept.key.empty()) continue;
                            if (auto r = put_row(db, txn, where, kept); !r) return r;
                        } else if (const auto* forget = std::get_if<sync::Forget>(&a)) {
                            if (auto r = drop_row(db, txn, where, forget->uid, forget->key); !r) return r;
                        }
                    }
                    return {};
                });
}

asio::awaitable<util::Expected<void>> apply_flags(ExecContext& ctx, ExecStats& stats, const sync::Plan& plan) {
    auto changes = actions_of<sync::SetFlags>(plan);
    for (Side side : util::k_both_sides) {
        std::vector<store::FlagChange> batch;
        std::map<std::pair<model::Uid, std::string>, model::FlagSet> now;
        for (const auto* c : changes) {
            if (c->side != side) continue;
            if (now.empty()) now = current_flags(ctx, side);
            auto id = id_on(side, c->uid, c->key);
            auto it = now.find({id.uid, id.key});
            batch.push_back({id, c->add, c->remove, it == now.end() ? model::FlagSet{} : it->second});
        }
        if (batch.empty()) continue;
        auto done = co_await ctx.stores[side]->set_flags(batch);
        if (!done) co_return util::unexpected(std::move(done).error());
        stats.flags_set += *done;
    }
    std::vector<sync::Record> records;
    for (const auto* rec : actions_of<sync::Record>(plan)) records.push_back(*rec);
    if (records.empty()) co_return util::Expected<void>{};
    co_return step(ctx, stats,
                   [&db = ctx.batch.db(), where = ctx.where,
                    records = std::move(records)](state::WriteTxn& txn) -> util::Expected<void> {
                       for (const auto& rec : records) {
                           auto row = find_row(db, txn, where, rec.uid, rec.key);
                           if (!row) return util::unexpected(std::move(row).error());
                           if (!*row) continue;
                           model::PairState updated = **row;
                           updated.remote_flags = rec.remote_flags;
                           updated.local_flags = rec.local_flags;
                           if (auto r = put_row(db, txn, where, updated); !r) return r;
                       }
                       return {};
                   });
}

asio::awaitable<util::Expected<void>> apply_removals(ExecContext& ctx, ExecStats& stats, const sync::Plan& plan) {
    auto expunges = actions_of<sync::Expunge>(plan);
    if (expunges.empty()) co_return util::Expected<void>{};
    for (Side side : util::k_both_sides) {
        std::vector<store::Removal> removals;
        for (const auto* e : expunges)
            if (e->side == side) removals.push_back({id_on(side, e->uid, e->key), e->server_marked});
        if (removals.empty()) continue;
        if (auto r = co_await ctx.stores[side]->remove(removals); !r) co_return r;
    }
    stats.expunged += expunges.size();
    std::vector<std::pair<model::Uid, std::string>> gone;
    for (const auto* e : expunges) gone.emplace_back(e->uid, e->key);
    co_return step(ctx, stats,
                   [&db = ctx.batch.db(), where = ctx.where,
                    gone = std::move(gone)](state::WriteTxn& txn) -> util::Expected<void> {
                       for (const auto& [uid, key] : gone)
                           if (auto r = drop_row(db, txn, where, uid, key); !r) return r;
                       return {};
                   });
}

// ---------------------------------------------------------------------------------------------------
// Copies: a Download is a copy from the server, an Upload one from the Maildir. Both are this.

struct Copy {
    store::MessageId source;
    model::FlagSet flags;         // what the new copy gets
    model::FlagSet source_flags;  // what the source has (recorded as its side's flags)
    std::int64_t internaldate = 0;
    std::optional<model::Identity> identity;
};

std::vector<Copy> copies_from(const sync::Plan& plan, Side from) {
    std::vector<Copy> out;
    if (from == Side::remote)
        for (const auto* d : actions_of<sync::Download>(plan))
            out.push_back({id_on(from, d->uid, {}), d->flags, d->remote_flags, d->internaldate, d->identity});
    else
        for (const auto* u : actions_of<sync::Upload>(plan))
            out.push_back({id_on(from, 0, u->key), u->flags, u->local_flags, u->internaldate, u->identity});
    return out;
}

// Replaces the row of each copy's source (found by the id of side `from`) by `rows`: the intent,
// then the completed pair.
StateBatch::Body replace_rows(ExecContext& ctx, std::vector<model::PairState> rows, Side from) {
    return [&db = ctx.batch.db(), where = ctx.where, rows = std::move(rows),
            from](state::WriteTxn& txn) -> util::Expected<void> {
        for (const auto& row : rows) {
            const auto source = id_on(from, row);
            if (auto r = drop_row(db, txn, where, source.uid, source.key); !r) return r;
            if (auto r = put_row(db, txn, where, row); !r) return r;
        }
        return {};
    };
}

struct CopyCounts {
    std::size_t& messages;
    std::uint64_t& bytes;
};

CopyCounts counts_to(ExecStats& stats, Side to) {
    return to == Side::local ? CopyCounts{stats.downloaded, stats.bytes_downloaded}
                             : CopyCounts{stats.uploaded, stats.bytes_uploaded};
}

// Tells the live display how far the copies of this folder are (both directions together).
void report_copies(const ExecContext& ctx, std::uint64_t messages, std::uint64_t bytes) {
    if (ctx.progress) ctx.progress->folder_advanced(ctx.where.account, ctx.where.folder, messages, bytes);
}

asio::awaitable<util::Expected<void>> apply_copies(ExecContext& ctx, ExecStats& stats, const sync::Plan& plan,
                                                   Side from) {
    const Side to = util::other(from);
    std::vector<Copy> copies = copies_from(plan, from);
    if (copies.empty()) co_return util::Expected<void>{};
    store::FolderStore& source = *ctx.stores[from];
    store::FolderStore& target = *ctx.stores[to];
    // 1. What each copy is: a message that cannot be read is not copied and not recorded, only
    //    reported, and tried again next run.
    std::vector<store::MessageId> ids;
    for (const auto& c : copies) ids.push_back(c.source);
    auto described = co_await source.describe(ids);
    if (!described) co_return util::unexpected(std::move(described).error());
    ids.clear();
    std::vector<store::Outgoing> outgoing;
    std::vector<model::PairState> intents;
    for (std::size_t i = 0; i < copies.size(); ++i) {
        const store::Described& d = (*described)[i];
        if (!d.not_carried.empty()) {
            stats.not_carried.push_back(d.not_carried);
            continue;
        }
        const Copy& c = copies[i];
        model::PairState row;
        set_id(row, from, c.source);
        flags_on(row, from) = c.source_flags;
        // What the target keeps of the flags is known before the write only where it keeps them all.
        if (!target.traits().flags_known_only_after_write) flags_on(row, to) = c.flags;
        row.size = d.size;
        row.identity = d.identity ? d.identity : c.identity;
        ids.push_back(c.source);
        outgoing.push_back({c.flags, c.internaldate, d.size});
        intents.push_back(std::move(row));
    }
    if (ids.empty()) co_return util::Expected<void>{};
    // 2. Intents: a row per copy with the source's id only and the identity that finds the copy
    //    after a crash. Before a write that is not safe to lose track of (an APPEND), committed.
    if (auto r = step(ctx, stats, replace_rows(ctx, intents, from)); !r) co_return r;
    if (target.traits().write_needs_committed_intent)
        if (auto r = ctx.batch.commit(); !r) co_return r;
    // 3. Copy, 4. record the completed pairs batch by batch as the target makes them durable.
    CopyCounts counts = counts_to(stats, to);
    const std::uint64_t before_messages = stats.downloaded + stats.uploaded;
    const std::uint64_t before_bytes = stats.bytes_downloaded + stats.bytes_uploaded;
    auto on_written = [&ctx, &stats, &intents, from, to, counts](std::vector<store::Written> written) mutable {
        std::vector<model::PairState> rows;
        for (const auto& w : written) {
            model::PairState row = intents[w.index];
            set_id(row, to, w.id);
            flags_on(row, to) = w.flags_held;
            rows.push_back(std::move(row));
            ++counts.messages;
            counts.bytes += w.bytes;
        }
        if (rows.empty()) return util::Expected<void>{};
        return step(ctx, stats, replace_rows(ctx, std::move(rows), from));
    };
    auto on_progress = [&ctx, before_messages, before_bytes](std::uint64_t messages, std::uint64_t bytes) {
        report_copies(ctx, before_messages + messages, before_bytes + bytes);
    };
    auto writer = target.writer(std::move(outgoing), on_written, on_progress);
    auto read = co_await source.read(ids, *writer);
    auto finished = co_await writer->finish();
    if (read) {
        stats.not_carried.insert(stats.not_carried.end(), read->not_carried.begin(), read->not_carried.end());
        if (read->fault && !stats.server_fault) stats.server_fault = read->fault;
    }
    if (!finished) co_return finished;
    if (!read) co_return util::unexpected(std::move(read).error());
    co_return util::Expected<void>{};
}

}  // namespace

asio::awaitable<util::Expected<ExecStats>> execute_plan(ExecContext& ctx, const sync::Plan& plan) {
    ExecStats stats;
    std::uint64_t copies = 0, copy_bytes = 0;
    for (const auto& a : plan.actions) {
        if (const auto* d = std::get_if<sync::Download>(&a)) ++copies, copy_bytes += d->size;
        if (const auto* u = std::get_if<sync::Upload>(&a)) ++copies, copy_bytes += u->size;
    }
    if (ctx.progress && copies) ctx.progress->folder_started(ctx.where.account, ctx.where.folder, copies, copy_bytes);
    struct Finish {
        ExecContext& ctx;
        bool started;
        ~Finish() {
            if (started) ctx.progress->folder_finished(ctx.where.account, ctx.where.folder);
        }
    } finish{ctx, ctx.progress && copies};
    if (auto r = apply_state_only(ctx, stats, plan); !r) co_return util::unexpected(std::move(r).error());
    if (auto r = co_await apply_flags(ctx, stats, plan); !r) co_return util::unexpected(std::move(r).error());
    if (auto r = co_await apply_removals(ctx, stats, plan); !r) co_return util::unexpected(std::move(r).error());
    // Downloads before uploads: what the server adds is in the Maildir before the run's own APPENDs.
    for (Side from : util::k_both_sides)
        if (auto r = co_await apply_copies(ctx, stats, plan, from); !r)
            co_return util::unexpected(std::move(r).error());
    co_return stats;
}

}  // namespace mailtwin::engine
