#include "account_sync_harness.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "fixtures/run_awaitable.hpp"
#include "mailtwin/run/executor.hpp"
#include "mailtwin/run/moves.hpp"
#include "mailtwin/run/state_batch.hpp"
#include "mailtwin/sync/plan_format.hpp"
#include "mailtwin/sync/planner.hpp"

namespace mailtwin::test {

using util::Side;

bool AccountRunResult::refused() const {
    return std::any_of(plans.begin(), plans.end(), [](const sync::Plan& p) { return p.refused(); });
}

bool AccountRunResult::changes_nothing() const {
    return moves.empty() &&
           std::all_of(plans.begin(), plans.end(), [](const sync::Plan& p) { return p.changes_nothing(); });
}

// A run's folders between planning and execution.
struct AccountSync::Planned {
    std::vector<engine::PlannedFolder> folders;
    engine::FolderStores stores;
    std::vector<util::PerSide<store::Checkpoint>> checkpoints;  // each store's, right after its view
};

namespace {

void fail(engine::PlannedFolder& p, util::Error e, AccountRunResult& result) {
    p.result.outcome = engine::FolderOutcome::failed;
    if (!result.error) result.error = e;
    p.result.error = std::move(e);
}

}  // namespace

AccountSync::AccountSync(std::vector<std::string> names) : m_dir(make_state_dir()) {
    auto db = state::StateDb::open(m_dir / "state.mdb");
    if (!db) ADD_FAILURE() << db.error().message;
    if (db) m_db.emplace(std::move(*db));
    for (std::size_t f = 0; f < names.size(); ++f) {
        auto& folder = m_folders.emplace_back(std::move(names[f]));
        folder.maildir.set_key_prefix(std::string(1, static_cast<char>('a' + f)));
        folder.server.share_faults_with(m_folders.front().server);
        folder.maildir.share_faults_with(m_folders.front().server);
    }
}

AccountSync::~AccountSync() {
    m_db.reset();
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
}

state::FolderKey AccountSync::where(std::size_t f) const { return state::FolderKey{"account", m_folders[f].name}; }

model::FolderState AccountSync::rows(std::size_t f) {
    auto loaded = state::load_folder(*m_db, where(f));
    EXPECT_TRUE(loaded) << (loaded ? "" : loaded.error().message);
    return loaded ? loaded->pairs : model::FolderState{};
}

// Views, identities and the plan of one folder, as folder_sync.cpp plan_folder_job.
util::Expected<void> AccountSync::plan_one(std::size_t f, engine::PlannedFolder& p, const sync::Policy& policy,
                                           const AccountRunOptions& options) {
    p.job.remote_name = m_folders[f].name;
    p.result.folder = m_folders[f].name;
    auto loaded = state::load_folder(*m_db, where(f));
    if (!loaded) return util::unexpected(std::move(loaded).error());
    p.last = std::move(*loaded);
    const auto last = checkpoint_of(p.last.record);
    for (Side side : util::k_both_sides) {
        const store::ViewRequest request{&p.last.pairs, last ? &*last : nullptr, options.full[side]};
        if (auto r = run_awaitable(m_io, store(f, side).view(p.views, request)); !r) return r;
    }
    const auto wanted = sync::needs_identities(p.views.remote, p.views.local, p.last.pairs);
    std::vector<store::MessageId> remote_ids;
    std::vector<store::MessageId> local_ids;
    for (auto uid : wanted.remote) remote_ids.push_back(store::MessageId{uid, {}});
    for (const auto& key : wanted.local) local_ids.push_back(store::MessageId{0, key});
    if (auto r = fill_identities(server(f), remote_ids, p.views, p.last.pairs); !r) return r;
    if (auto r = fill_identities(maildir(f), local_ids, p.views, p.last.pairs); !r) return r;
    p.result.plan = sync::plan_folder(p.views.remote, p.views.local, p.last.pairs, policy, m_now);
    return {};
}

// Every folder planned, then the moves found (and taken out of the plans).
AccountSync::Planned AccountSync::plan_all(const sync::Policy& policy, const AccountRunOptions& options,
                                           AccountRunResult& result) {
    Planned planned;
    planned.folders.resize(m_folders.size());
    planned.stores.resize(m_folders.size());
    planned.checkpoints.resize(m_folders.size());
    for (std::size_t f = 0; f < m_folders.size(); ++f) {
        planned.stores[f][Side::remote] = &server(f);
        planned.stores[f][Side::local] = &maildir(f);
        if (auto r = plan_one(f, planned.folders[f], policy, options); !r)
            fail(planned.folders[f], std::move(r).error(), result);
        for (Side side : util::k_both_sides) planned.checkpoints[f][side] = planned.stores[f][side]->checkpoint();
    }
    result.moves = run_awaitable(m_io, engine::find_moves(planned.stores, planned.folders, policy));
    return planned;
}

void AccountSync::execute_moves(Planned& planned, engine::StateBatch& batch, AccountRunResult& result) {
    if (result.moves.empty()) return;
    auto r =
        run_awaitable(m_io, engine::execute_moves(planned.stores, batch, "account", planned.folders, result.moves));
    if (r) return;
    // As account_sync.cpp: the source and target folders of the moves fail.
    for (const auto& m : result.moves.local)
        for (std::size_t f : {m.from, m.to}) fail(planned.folders[f], r.error(), result);
    for (const auto& m : result.moves.remote)
        for (std::size_t f : {m.from, m.to}) fail(planned.folders[f], r.error(), result);
}

// The folder's plan through the real executor, then its checkpoint, as folder_sync.cpp does.
void AccountSync::execute_folder(std::size_t f, Planned& planned, engine::StateBatch& batch, AccountRunResult& result) {
    auto& p = planned.folders[f];
    if (p.result.outcome == engine::FolderOutcome::failed) return;
    engine::ExecContext ctx{planned.stores[f], batch, where(f), p.views, p.last.pairs};
    auto stats = run_awaitable(m_io, engine::execute_plan(ctx, p.result.plan));
    if (!stats) {
        fail(p, std::move(stats).error(), result);
        return;
    }
    const auto& checkpoints = planned.checkpoints[f];
    const auto record =
        next_record(p.last.record, p.result.plan, checkpoints[Side::remote], checkpoints[Side::local], m_now);
    auto saved = batch.add([this, f, record](state::WriteTxn& txn) {
        return m_db->save_folder(txn, where(f).account, where(f).folder, record);
    });
    if (!saved) fail(p, std::move(saved).error(), result);
}

AccountRunResult AccountSync::run(const sync::Policy& policy, const AccountRunOptions& options) {
    AccountRunResult result;
    Planned planned = plan_all(policy, options, result);
    engine::StateBatch batch(*m_db, 64, std::chrono::hours(1));
    execute_moves(planned, batch, result);
    for (std::size_t f = 0; f < m_folders.size(); ++f) {
        execute_folder(f, planned, batch, result);
        result.plans.push_back(planned.folders[f].result.plan);
    }
    if (auto r = batch.commit(); !r && !result.error) result.error = std::move(r).error();
    return result;
}

AccountRunResult AccountSync::plan(const sync::Policy& policy, const AccountRunOptions& options) {
    AccountRunResult result;
    Planned planned = plan_all(policy, options, result);
    for (auto& p : planned.folders) result.plans.push_back(p.result.plan);
    return result;
}

namespace {

void describe_store(const MemoryStore& store, std::string& out) {
    for (const auto& m : store.messages()) {
        out.append(" ");
        if (store.side() == Side::remote)
            out.append(std::to_string(m.id.uid));
        else
            out.append(m.id.key);
        out.append("=c").append(std::to_string(content_of(m.bytes)));
        out.append("/").append(sync::flags_text(m.flags));
    }
}

}  // namespace

std::string AccountSync::describe() {
    std::string out;
    for (std::size_t f = 0; f < m_folders.size(); ++f) {
        out.append("  folder ").append(std::to_string(f)).append(" server:");
        describe_store(server(f), out);
        out.append(" | local:");
        describe_store(maildir(f), out);
        out.append(" | state:");
        for (const auto& r : rows(f).pairs) out.append(" ").append(std::to_string(r.uid)).append("~").append(r.key);
        out.append("\n");
    }
    return out;
}

void move_by_hand(MemoryStore& from, MemoryStore& to, const store::MessageId& id) {
    boost::asio::io_context io;
    auto moved = run_awaitable(io, from.move({{&to, {id}}}));
    ASSERT_TRUE(moved) << moved.error().message;
}

store::MessageId only_id(const MemoryStore& store) {
    EXPECT_EQ(store.size(), 1u);
    return store.size() == 1 ? store.messages().front().id : store::MessageId{};
}

std::optional<store::MessageId> id_of(const MemoryStore& store, std::uint64_t content) {
    for (const auto& m : store.messages())
        if (content_of(m.bytes) == content) return m.id;
    return std::nullopt;
}

std::multiset<std::uint64_t> all_contents(AccountSync& account, Side side) {
    std::multiset<std::uint64_t> out;
    for (std::size_t f = 0; f < account.size(); ++f)
        for (const auto& m : account.store(f, side).messages()) out.insert(content_of(m.bytes));
    return out;
}

}  // namespace mailtwin::test
