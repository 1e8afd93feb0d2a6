#include "store_sync.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string_view>

#include "fixtures/run_awaitable.hpp"
#include "mailtwin/run/executor.hpp"
#include "mailtwin/run/state_batch.hpp"
#include "mailtwin/sync/plan_format.hpp"
#include "mailtwin/sync/planner.hpp"

namespace mailtwin::test {

using util::Side;

namespace {

constexpr std::string_view k_content_id = "Message-ID: <c";

}  // namespace

// The checkpoint the last run saved, both halves in one (each store reads its own); nullopt when
// the folder was never synced or its state was lost.
std::optional<store::Checkpoint> checkpoint_of(const std::optional<state::FolderState>& record) {
    if (!record) return std::nullopt;
    store::Checkpoint c;
    c.uidvalidity = record->uidvalidity;
    c.highestmodseq = record->highestmodseq;
    c.uidnext = record->uidnext;
    c.messages = record->message_count;
    c.skipped_remote = record->skipped_remote;
    c.local_stamp = record->scan_blob;
    return c;
}

// What folder_sync.cpp's save_checkpoint keeps of the stores' checkpoints: a side whose changes the
// plan held back keeps its old one.
state::FolderState next_record(const std::optional<state::FolderState>& last, const sync::Plan& plan,
                               const store::Checkpoint& remote, const store::Checkpoint& local, std::int64_t now) {
    state::FolderState record = last.value_or(state::FolderState{});
    if (!plan.hold_checkpoint[Side::remote]) {
        record.uidvalidity = remote.uidvalidity;
        record.highestmodseq = remote.highestmodseq;
        record.uidnext = remote.uidnext;
        record.message_count = remote.messages;
    }
    if (!plan.hold_checkpoint[Side::local]) record.scan_blob = local.local_stamp;
    record.last_sync = now;
    return record;
}

// Puts the identities `store` gives on the view's messages, or on the state rows of messages the
// view does not list (an incremental or unchanged view), as engine/views.cpp fill_identities does.
util::Expected<void> fill_identities(MemoryStore& store, const std::vector<store::MessageId>& ids,
                                     store::FolderViews& views, model::FolderState& rows) {
    if (ids.empty()) return {};
    boost::asio::io_context io;
    auto found = run_awaitable(io, store.identify(ids));
    if (!found) return util::unexpected(std::move(found).error());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto& identity = (*found)[i];
        if (!identity) continue;
        bool listed = false;
        auto put = [&](std::optional<model::Identity>& on) {
            on = identity;
            listed = true;
        };
        if (store.side() == Side::remote) {
            for (auto& m : views.remote.messages)
                if (m.uid == ids[i].uid) put(m.identity);
        } else {
            for (auto& m : views.local.messages)
                if (m.key == ids[i].key) put(m.identity);
        }
        if (listed) continue;
        for (auto& row : rows.pairs)
            if (store.side() == Side::remote ? row.uid == ids[i].uid : row.key == ids[i].key) row.identity = identity;
    }
    return {};
}

StoreSync::~StoreSync() {
    m_db.reset();
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
}

struct StoreSync::Planned {
    std::optional<state::FolderState> record;
    model::FolderState rows;  // with the identities the planner asked for
    store::FolderViews views;
    sync::Plan plan;
    std::optional<util::Error> error;  // a store failed before the plan was made (the plan is empty)
};

// The state DB goes to memory where there is a tmpfs: a crash loop commits thousands of
// transactions, and their fsyncs on a disk cost seconds. Durability is not what these tests test
// (a kill is simulated by the commit hook, not by the kernel).
std::filesystem::path make_state_dir() {
    std::error_code ec;
    const std::filesystem::path shm("/dev/shm");
    std::string pattern = (std::filesystem::is_directory(shm, ec) && access(shm.c_str(), W_OK) == 0
                               ? shm
                               : std::filesystem::temp_directory_path())
                              .string();
    pattern.append("/mailtwin-store-sync.XXXXXX");
    if (!mkdtemp(pattern.data())) ADD_FAILURE() << "mkdtemp " << pattern;
    return pattern;
}

StoreSync::StoreSync() : m_dir(make_state_dir()) {
    auto db = state::StateDb::open(m_dir / "state.mdb");
    if (!db) ADD_FAILURE() << db.error().message;
    if (db) m_db.emplace(std::move(*db));
}

model::FolderState StoreSync::rows() {
    auto loaded = state::load_folder(*m_db, m_where);
    EXPECT_TRUE(loaded) << (loaded ? "" : loaded.error().message);
    return loaded ? loaded->pairs : model::FolderState{};
}

void StoreSync::lose_state() {
    auto r = m_db->write([this](state::WriteTxn& txn) -> util::Expected<void> {
        auto erased = m_db->erase_folder(txn, m_where.account, m_where.folder);
        if (!erased) return util::unexpected(std::move(erased).error());
        return {};
    });
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
}

StoreSync::Planned StoreSync::plan_now(const sync::Policy& policy, const SyncRunOptions& options) {
    Planned p;
    auto loaded = state::load_folder(*m_db, m_where);
    if (!loaded) {
        p.error = std::move(loaded).error();
        return p;
    }
    p.record = loaded->record;
    p.rows = std::move(loaded->pairs);
    const auto last = checkpoint_of(p.record);
    store::FolderViews& views = p.views;
    boost::asio::io_context io;
    for (Side side : util::k_both_sides) {
        const store::ViewRequest request{&p.rows, last ? &*last : nullptr, options.full[side]};
        if (auto viewed = run_awaitable(io, store(side).view(views, request)); !viewed) {
            p.error = std::move(viewed).error();
            return p;
        }
    }
    const auto request = sync::needs_identities(views.remote, views.local, p.rows);
    std::vector<store::MessageId> remote_ids;
    std::vector<store::MessageId> local_ids;
    for (auto uid : request.remote) remote_ids.push_back(store::MessageId{uid, {}});
    for (const auto& key : request.local) local_ids.push_back(store::MessageId{0, key});
    auto filled = fill_identities(server, remote_ids, views, p.rows);
    if (filled) filled = fill_identities(maildir, local_ids, views, p.rows);
    if (!filled) {
        p.error = std::move(filled).error();
        return p;
    }
    p.plan = sync::plan_folder(views.remote, views.local, p.rows, policy, options.now);
    return p;
}

sync::Plan StoreSync::plan(const sync::Policy& policy, const SyncRunOptions& options) {
    Planned p = plan_now(policy, options);
    EXPECT_FALSE(p.error) << p.error->message;
    return p.plan;
}

SyncRunResult StoreSync::run(const sync::Policy& policy, const SyncRunOptions& options) {
    SyncRunResult result;
    Planned p = plan_now(policy, options);
    result.plan = p.plan;
    if (p.error) {
        result.error = std::move(p.error);
        return result;
    }
    // The checkpoints as the views saw the stores, before this run's own writes.
    const store::Checkpoint remote = server.checkpoint();
    const store::Checkpoint local = maildir.checkpoint();

    engine::StateBatch batch(*m_db, options.bodies_per_commit, std::chrono::hours(1));
    batch.stop_after(options.kill_after_commit);
    util::PerSide<store::FolderStore*> stores;
    stores[Side::remote] = &server;
    stores[Side::local] = &maildir;
    engine::ExecContext ctx{stores, batch, m_where, p.views, p.rows};
    boost::asio::io_context io;
    auto stats = run_awaitable(io, engine::execute_plan(ctx, p.plan));
    if (!stats)
        result.error = std::move(stats).error();
    else if (!stats->not_carried.empty())
        result.error = util::Error{std::make_error_code(std::errc::io_error), stats->not_carried.front()};
    else if (stats->server_fault)
        result.error = stats->server_fault;
    // The folder's checkpoint only after it synced; what is queued is committed either way, as
    // the account runner does (state_batch.hpp: every queued record is of work done).
    if (!result.error) {
        const auto record = next_record(p.record, p.plan, remote, local, options.now);
        auto saved = batch.add([this, record](state::WriteTxn& txn) {
            return m_db->save_folder(txn, m_where.account, m_where.folder, record);
        });
        if (!saved) result.error = std::move(saved).error();
    }
    if (auto r = batch.commit(); !r && !result.error) result.error = std::move(r).error();
    result.commits = batch.commits();
    result.killed = options.kill_after_commit != 0 && result.commits >= options.kill_after_commit;
    return result;
}

// --- Messages by number ---

std::string content_message(std::uint64_t content) {
    const std::string n = std::to_string(content);
    return make_message("c" + n + "@sim.example", "message " + n, "the body of message number " + n);
}

std::uint64_t content_of(const std::string& bytes) {
    const auto at = bytes.find(k_content_id);
    if (at == std::string::npos) return 0;
    return std::stoull(bytes.substr(at + k_content_id.size()));
}

std::string plan_text(const sync::Plan& plan) {
    std::string out;
    for (const auto& action : plan.actions) out.append("\n  ").append(sync::to_text(action));
    return out;
}

std::multiset<std::pair<std::uint64_t, std::string>> contents(const MemoryStore& store) {
    std::multiset<std::pair<std::uint64_t, std::string>> out;
    for (const auto& m : store.messages()) out.emplace(content_of(m.bytes), sync::flags_text(m.flags));
    return out;
}

}  // namespace mailtwin::test
