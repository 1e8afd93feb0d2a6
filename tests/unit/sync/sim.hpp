#pragma once
// An in-memory server folder and Maildir folder, and an executor that applies a Plan to them and to
// the state the way the real executor does (plan.hpp, "How the executor records each action").
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mailtwin/model/snapshot.hpp"
#include "mailtwin/sync/plan.hpp"
#include "mailtwin/sync/planner.hpp"
#include "mailtwin/sync/policy.hpp"

namespace mailtwin::sync::sim {

struct SimMessage {
    std::uint64_t content = 0;  // stands for the bytes: equal content = the same message
    model::FlagSet flags;
    std::int64_t date = 0;
    std::uint64_t size = 0;
    model::ModSeq modseq = 0;  // server only
};

model::Identity identity_of(const SimMessage& m);

struct Server {
    model::UidValidity uidvalidity = 1;
    model::Uid uidnext = 1;
    model::ModSeq highestmodseq = 1;
    std::map<model::Uid, SimMessage> messages;
    std::vector<std::pair<model::Uid, model::ModSeq>> vanished_log;

    model::Uid append(SimMessage m);
    void set_flags(model::Uid uid, const model::FlagSet& flags);
    void expunge(model::Uid uid);
    // A new UIDVALIDITY: every message renumbered from 1 (the server rebuilt its index).
    void reset_uidvalidity();

    [[nodiscard]] model::RemoteView full_view() const;
    [[nodiscard]] model::RemoteView changes_view(model::ModSeq since) const;
};

struct Maildir {
    std::map<std::string, SimMessage> messages;
    std::uint64_t next_key = 1;
    bool root_present = true;

    std::string deliver(SimMessage m);
    [[nodiscard]] model::LocalView full_view() const;
};

struct World {
    Server server;
    Maildir maildir;
    model::FolderState state;
};

// Whether the Maildir equals what the state says (what an unchanged directory stamp promises).
[[nodiscard]] bool local_matches_state(const World& w);

// Fills in the identities the request names (what the driver does before planning).
void add_identities(model::RemoteView& rv, model::LocalView& lv, const IdentityRequest& req, const World& w);

// Applies the plan; `view` is the remote view the plan was made from (its checkpoint is recorded).
void apply(const Plan& plan, World& w, const model::RemoteView& view);

struct SyncOptions {
    bool incremental_remote = false;  // use a changes_since view when the state allows it
    bool unchanged_local = false;     // use an unchanged local view when the Maildir equals the state
};

struct Views {
    model::RemoteView remote;
    model::LocalView local;
};
// The views a sync of `w` starts from, with the identities the planner asks for.
Views make_views(const World& w, const SyncOptions& opts);

// One sync: views, identities on request, plan, apply. Returns the plan applied.
Plan sync_once(World& w, const Policy& policy, std::int64_t now, const SyncOptions& opts = {});
// The plan the next sync would apply, without applying it.
Plan plan_only(const World& w, const Policy& policy, std::int64_t now, const SyncOptions& opts = {});

}  // namespace mailtwin::sync::sim
