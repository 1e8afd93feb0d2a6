#include "folder_actions.hpp"

#include <algorithm>

#include "mailtwin/run/state_batch.hpp"
#include "mailtwin/state/state_db.hpp"

namespace mailtwin::engine {

std::string side_label(util::Side side) { return side == util::Side::remote ? "server" : "Maildir"; }

namespace {

using sync::FolderAction;
using sync::FolderActionKind;

struct Applier {
    AccountRun& run;
    const util::PerSide<store::FolderTree*>& trees;
    const sync::FolderPlan& plan;
    std::set<std::string> blocked;            // jobs that may not run
    std::vector<std::string> failed_renames;  // old names whose rename failed (their children's too)
    char delimiter = '/';

    bool dry() const { return run.request.dry_run; }

    void fail(const std::string& folder, util::Error why) {
        blocked.insert(folder);
        run.done(failed_folder(folder, std::move(why)));
    }

    util::Expected<void> write_state(const std::function<util::Expected<void>(state::WriteTxn&)>& step) {
        auto r = run.db.write(step);
        if (r) count_committed_step();  // a kill point of the crash tests (state_batch.hpp)
        return r;
    }

    util::Expected<void> forget(const std::string& folder) {
        return write_state([&](state::WriteTxn& txn) -> util::Expected<void> {
            auto r = run.db.forget_folder(txn, run.account.name, folder);
            if (!r) return util::unexpected(std::move(r).error());
            return {};
        });
    }

    bool under_failed_rename(const std::string& name) const {
        return std::any_of(failed_renames.begin(), failed_renames.end(), [&](const std::string& parent) {
            return name.size() > parent.size() + 1 && name.compare(0, parent.size(), parent) == 0 &&
                   name[parent.size()] == delimiter;
        });
    }

    asio::awaitable<void> rename(const FolderAction& a) {
        if (under_failed_rename(a.name)) {
            failed_renames.push_back(a.name);
            fail(a.new_name, util::Error{std::make_error_code(std::errc::operation_canceled),
                                         "not renamed: the rename of a folder above it failed"});
            co_return;
        }
        if (dry() || a.carried) co_return;
        if (auto r = co_await trees[a.side]->rename(a.name, a.new_name); !r) {
            failed_renames.push_back(a.name);
            auto why = std::move(r).error();
            why.message = "renaming \"" + a.name + "\" to \"" + a.new_name + "\" on the " + side_label(a.side) +
                          " failed: " + why.message + "; nothing was copied, the next run tries again";
            fail(a.new_name, std::move(why));
        }
    }

    void rekey(const std::string& from, const std::string& to) {
        if (blocked.contains(to) || dry()) return;
        auto r = write_state([&](state::WriteTxn& txn) -> util::Expected<void> {
            auto moved = run.db.rename_folder(txn, run.account.name, from, to);
            if (!moved) return util::unexpected(std::move(moved).error());
            return {};
        });
        // The folders were renamed: without the re-key the next run pairs their messages by identity.
        if (!r) fail(to, std::move(r).error());
    }

    asio::awaitable<void> remove(const FolderAction& a) {
        if (dry()) {
            report_deleted(a);
            co_return;
        }
        if (auto r = co_await trees[a.side]->remove(a.name); !r) co_return fail(a.name, std::move(r).error());
        if (auto r = forget(a.name); !r) co_return fail(a.name, std::move(r).error());
        report_deleted(a);
    }

    void report_deleted(const FolderAction& a) {
        FolderResult r;
        r.folder = a.name;
        r.outcome = dry() ? FolderOutcome::planned : FolderOutcome::synced;
        r.change = FolderChange::deleted;
        r.change_side = side_label(a.side);
        run.done(std::move(r));
    }

    asio::awaitable<void> create(const FolderAction& a) {
        if (dry()) co_return;
        if (auto r = co_await trees[a.side]->create(a.name); !r) fail(a.name, std::move(r).error());
    }

    bool removed(const std::string& folder) const {
        return std::any_of(plan.actions.begin(), plan.actions.end(), [&](const FolderAction& a) {
            return a.kind == FolderActionKind::remove && a.name == folder;
        });
    }

    asio::awaitable<void> apply(FolderActions which) {
        if (which == FolderActions::renames) {
            for (const auto& a : plan.actions)
                if (a.kind == FolderActionKind::rename) co_await rename(a);
            for (const auto& [from, to] : plan.rekey) rekey(from, to);
            co_return;
        }
        for (const auto& a : plan.actions)
            if (a.kind == FolderActionKind::remove) co_await remove(a);
        for (const auto& folder : plan.forget)
            if (!removed(folder) && !dry())
                if (auto r = forget(folder); !r) fail(folder, std::move(r).error());
        for (const auto& a : plan.actions)
            if (a.kind == FolderActionKind::create && !blocked.contains(a.name)) co_await create(a);
    }
};

}  // namespace

bool renames_on_server(const sync::FolderPlan& plan) {
    return std::any_of(plan.actions.begin(), plan.actions.end(), [](const FolderAction& a) {
        return a.kind == FolderActionKind::rename && a.side == util::Side::remote && !a.carried;
    });
}

asio::awaitable<std::set<std::string>> apply_folder_plan(AccountRun& run,
                                                         const util::PerSide<store::FolderTree*>& trees,
                                                         const sync::FolderPlan& plan, char delimiter,
                                                         FolderActions which) {
    Applier applier{run, trees, plan, {}, {}, delimiter};
    co_await applier.apply(which);
    co_return std::move(applier.blocked);
}

}  // namespace mailtwin::engine
