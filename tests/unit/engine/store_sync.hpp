#pragma once
// One folder synced in-process the way the engine syncs it, over two MemoryStores (tests/support)
// and a real state DB in a temporary directory: load the rows (state::load_folder), view both
// stores from the saved checkpoint, fill the identities the planner asks for, plan, run the real
// executor (engine::execute_plan), then save the checkpoint and commit.
//
// It stands in for engine/folder_sync.cpp without a server or a Maildir, so that property tests and
// crash loops can run thousands of syncs against the real executor and state records.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "mailtwin/state/state_db.hpp"
#include "mailtwin/state/state_rows.hpp"
#include "mailtwin/sync/plan.hpp"
#include "mailtwin/sync/policy.hpp"
#include "support/memory_store.hpp"

namespace mailtwin::test {

struct SyncRunOptions {
    util::PerSide<bool> full{};  // ask that store for a full view whatever its checkpoint
    std::int64_t now = 1'700'000'000;
    // Record bodies per state transaction (StateBatch); 1 makes every record its own commit, so a
    // crash loop sees every state a batched run can leave behind.
    std::size_t bodies_per_commit = 64;
    // 0: never; N: the run is killed right after its N-th committed state transaction
    // (StateBatch::stop_after: nothing after that commit reaches the state, the stores keep what
    // was done on them).
    std::size_t kill_after_commit = 0;
};

struct SyncRunResult {
    sync::Plan plan;
    std::size_t commits = 0;           // state transactions committed
    bool killed = false;               // stopped by kill_after_commit
    std::optional<util::Error> error;  // the executor's (or a store's) error; the run then saved no checkpoint
};

class StoreSync {
public:
    StoreSync();
    ~StoreSync();
    StoreSync(const StoreSync&) = delete;
    StoreSync& operator=(const StoreSync&) = delete;

    MemoryStore& store(util::Side side) { return side == util::Side::remote ? server : maildir; }

    // One run of the folder. Errors of the run are in the result; a failure of the harness itself
    // (the state DB) fails the current test.
    SyncRunResult run(const sync::Policy& policy, const SyncRunOptions& options = {});
    // The plan a run would execute now, without executing it.
    sync::Plan plan(const sync::Policy& policy, const SyncRunOptions& options = {});
    // The folder's state is gone (a lost state directory): rows and checkpoint.
    void lose_state();
    // The rows the state DB holds for the folder now.
    model::FolderState rows();

    MemoryStore server{util::Side::remote};
    MemoryStore maildir{util::Side::local};

private:
    struct Planned;
    Planned plan_now(const sync::Policy& policy, const SyncRunOptions& options);

    std::filesystem::path m_dir;  // removed with everything in it by the destructor
    std::optional<state::StateDb> m_db;
    state::FolderKey m_where{"account", "INBOX"};
};

// --- Pieces of a run, for harnesses of several folders (test_store_moves.cpp) ---

// A directory for a state DB (in /dev/shm where there is one); the caller removes it.
std::filesystem::path make_state_dir();
// The checkpoint the last run saved, both halves in one (each store reads its own); nullopt when
// the folder was never synced or its state was lost.
std::optional<store::Checkpoint> checkpoint_of(const std::optional<state::FolderState>& record);
// What folder_sync.cpp's save_checkpoint keeps of the stores' checkpoints: a side whose changes the
// plan held back keeps its old one.
state::FolderState next_record(const std::optional<state::FolderState>& last, const sync::Plan& plan,
                               const store::Checkpoint& remote, const store::Checkpoint& local, std::int64_t now);
// Puts the identities `store` gives on the view's messages, or on the state rows of messages the
// view does not list (an incremental or unchanged view), as engine/views.cpp fill_identities does.
util::Expected<void> fill_identities(MemoryStore& store, const std::vector<store::MessageId>& ids,
                                     store::FolderViews& views, model::FolderState& rows);

// --- Messages by number: what the property tests create and compare ---

// A message whose bytes carry `content` (its Message-ID and body), so every content has its own
// identity and the copies of one content on both sides share it.
std::string content_message(std::uint64_t content);
// The content number of a message made by content_message (0 for any other).
std::uint64_t content_of(const std::string& bytes);
// The plan's actions, each on a line of its own (for failure messages).
std::string plan_text(const sync::Plan& plan);
// Each message of the store as (content, flags in scenario notation), one entry per copy.
std::multiset<std::pair<std::uint64_t, std::string>> contents(const MemoryStore& store);

}  // namespace mailtwin::test
