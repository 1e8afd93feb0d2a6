#pragma once
// Applies a folder's plan through the two stores and records each completed step in the state DB.
//
// Record order (design habit 8), per group of the plan; records go to the run's StateBatch, which
// commits them together (state_batch.hpp says why that is safe):
//   state-only (ResetUids, Pair, Detach, Forget)  one body
//   SetFlags                                      act on both sides; then Record
//   Expunge                                       act; then drop the rows
//   Download                                      intent rows (uid without key), copy, then the
//                                                 completed pairs in batches
//   Upload                                        intent rows (key without uid, with identity),
//                                                 COMMITTED before the APPEND; then the UIDs
// A crash between any two steps leaves rows the planner understands: an intent row makes it look
// for the copy by identity before repeating it, so nothing is duplicated and nothing lost.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mailtwin/maildir/keyword_map.hpp"
#include "mailtwin/engine/progress.hpp"
#include "mailtwin/engine/state_batch.hpp"
#include "mailtwin/engine/state_rows.hpp"
#include "mailtwin/engine/views.hpp"
#include "mailtwin/net/session.hpp"
#include "mailtwin/state/state_db.hpp"
#include "mailtwin/sync/plan.hpp"

namespace mailtwin::engine {

struct ExecContext {
    net::Session& session;
    state::StateDb& db;
    StateBatch& batch;
    FolderKey where;
    std::filesystem::path folder_dir;
    maildir::KeywordMap& keywords;
    const LocalSnapshot& local;
    const LoadedFolder& last;
    std::string trash = {};  // a remote deletion moves the message here instead (config `trash`)
    Progress* progress = nullptr;
    // What the UIDs of this folder's uploads must be (net/server_claims.hpp).
    net::AppendExpectation append_expect = {};
};

struct ExecStats {
    std::size_t downloaded = 0;
    std::uint64_t bytes_downloaded = 0;
    std::size_t uploaded = 0;
    std::uint64_t bytes_uploaded = 0;
    std::size_t flags_set = 0;
    std::size_t expunged = 0;
    std::size_t state_steps = 0;  // record bodies queued
    // Messages this run could not carry, each with its path or UID and why. They are not recorded
    // (the next run tries them again) and make the folder fail; the counts above leave them out.
    std::vector<std::string> not_carried;
    // A claim of the server that cannot be (net/server_claims.hpp): the folder fails with it.
    std::optional<util::Error> server_fault;
};

asio::awaitable<util::Expected<ExecStats>> execute_plan(ExecContext& ctx, const sync::Plan& plan);

// Crash tests: MAILTWIN_TEST_STOP_AFTER_STEP=N makes the process exit at once (as if killed) right
// after its N-th committed state transaction, across all folders of the run.
void count_committed_step();

}  // namespace mailtwin::engine
