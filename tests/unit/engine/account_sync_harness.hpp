#pragma once
// An account of several folders synced in-process the way run/account_sync.cpp syncs one: every
// folder a server MemoryStore and a Maildir MemoryStore (tests/support), all counting faults on one
// counter, and one real state DB. A run plans every folder (as folder_sync.cpp plan_folder_job),
// finds the moves between them with the real finder (engine::find_moves), executes them
// (engine::execute_moves), then runs each folder's plan through the real executor
// (engine::execute_plan) and saves its checkpoint.
//
// Also the hands of another client or mail reader that moves a message between two folders of one
// side (move_by_hand), and what tests compare the folders by.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mailtwin/run/folder_sync.hpp"
#include "mailtwin/sync/moves.hpp"
#include "store_sync.hpp"

namespace mailtwin::test {

struct AccountRunResult {
    sync::Moves moves;
    std::vector<sync::Plan> plans;     // by folder, as executed (the moves taken out)
    std::optional<util::Error> error;  // of the moves, or of a folder
    // Whether the safety rail held something back in some folder.
    [[nodiscard]] bool refused() const;
    // No move, and no folder's plan changes anything.
    [[nodiscard]] bool changes_nothing() const;
};

// Which stores view in full, whatever their checkpoint (false: from the last run's checkpoint).
struct AccountRunOptions {
    util::PerSide<bool> full{};
    // Both stores view in full.
    static AccountRunOptions all_full() { return AccountRunOptions{{{true, true}}}; }
};

class AccountSync {
public:
    // One folder per name, in that order; folder f's Maildir keys start with the f-th letter, so no
    // two folders share a key (as two Maildir folders do not).
    explicit AccountSync(std::vector<std::string> names);
    ~AccountSync();
    AccountSync(const AccountSync&) = delete;
    AccountSync& operator=(const AccountSync&) = delete;

    [[nodiscard]] std::size_t size() const noexcept { return m_folders.size(); }
    MemoryStore& server(std::size_t f) { return m_folders[f].server; }
    MemoryStore& maildir(std::size_t f) { return m_folders[f].maildir; }
    MemoryStore& store(std::size_t f, util::Side side) { return side == util::Side::remote ? server(f) : maildir(f); }
    // The rows the state DB holds for folder f now.
    model::FolderState rows(std::size_t f);

    // One run of the account. Errors of the run are in the result.
    AccountRunResult run(const sync::Policy& policy = {}, const AccountRunOptions& options = {});
    // What a run would do now: every folder planned and the moves found, nothing executed.
    AccountRunResult plan(const sync::Policy& policy = {}, const AccountRunOptions& options = {});

    // Every folder's server, Maildir and state rows, one line each (for failure messages).
    std::string describe();

private:
    struct Folder {
        explicit Folder(std::string n) : name(std::move(n)) {}
        std::string name;
        MemoryStore server{util::Side::remote};
        MemoryStore maildir{util::Side::local};
    };
    struct Planned;

    [[nodiscard]] state::FolderKey where(std::size_t f) const;
    Planned plan_all(const sync::Policy& policy, const AccountRunOptions& options, AccountRunResult& result);
    util::Expected<void> plan_one(std::size_t f, engine::PlannedFolder& p, const sync::Policy& policy,
                                  const AccountRunOptions& options);
    void execute_moves(Planned& planned, engine::StateBatch& batch, AccountRunResult& result);
    void execute_folder(std::size_t f, Planned& planned, engine::StateBatch& batch, AccountRunResult& result);

    std::filesystem::path m_dir;
    std::optional<state::StateDb> m_db;
    std::deque<Folder> m_folders;
    boost::asio::io_context m_io;
    std::int64_t m_now = 1'700'000'000;
};

// Another client or mail reader moves a message between two folders of one side (the Maildir's
// file keeps its key: a rename); fails the current test if the store refuses.
void move_by_hand(MemoryStore& from, MemoryStore& to, const store::MessageId& id);

// The id of the one message the store holds (fails the current test when it holds another count).
store::MessageId only_id(const MemoryStore& store);
// The id of the first message of that content in the store; nullopt when there is none.
std::optional<store::MessageId> id_of(const MemoryStore& store, std::uint64_t content);
// The contents of one side over every folder, one entry per copy (a duplicate shows as a repeat).
std::multiset<std::uint64_t> all_contents(AccountSync& account, util::Side side);

}  // namespace mailtwin::test
