#include <algorithm>
#include <map>
#include <set>

#include "account_run.hpp"
#include "folder_actions.hpp"
#include "folder_evidence.hpp"
#include "mailtwin/folders/folder_collisions.hpp"
#include "mailtwin/folders/folder_filter.hpp"
#include "mailtwin/folders/folder_map.hpp"
#include "mailtwin/folders/folder_plan_input.hpp"
#include "mailtwin/folders/remote_list.hpp"
#include "mailtwin/maildir/folder.hpp"
#include "mailtwin/maildir/layout.hpp"
#include "mailtwin/maildir/scan.hpp"
#include "mailtwin/maildir/stamp.hpp"
#include "mailtwin/results/engine_error.hpp"
#include "mailtwin/run/forget.hpp"
#include "mailtwin/run/views.hpp"
#include "mailtwin/settings/account_checks.hpp"
#include "mailtwin/settings/local_layout.hpp"
#include "mailtwin/settings/policy_from_config.hpp"
#include "mailtwin/store/folder_tree.hpp"
#include "mailtwin/store/imap_store.hpp"
#include "mailtwin/sync/folder_plan.hpp"

namespace mailtwin::engine {
namespace {

// A folder as both sides and the state know it.
struct FolderSides {
    std::string name;
    bool remote = false;
    bool selectable = true;
    bool local = false;
    bool known = false;  // the state has synced it before
    std::optional<imap::StatusData> status;
};

// Every folder of the account that takes part, with what is needed to map it to a directory.
struct AccountFolders {
    FolderNaming naming;
    maildir::Layout layout;
    std::map<std::string, FolderSides> folders;        // the selected ones, by remote name
    std::vector<std::string> remote_names;             // listed or remembered, selected or not
    std::vector<std::string> local_names;              // every local folder, selected or not: for --folder's check
    std::vector<std::string> known_names;              // every folder the state knows, selected or not
    std::map<std::string, imap::StatusData> statuses;  // LIST-STATUS of each listed folder, where the server has it
    NameClaims claims;
    bool root_exists = false;
};

// The folder is as it was at the last sync on both sides: two stats and a LIST-STATUS line told us.
bool unchanged_since_last_sync(state::StateDb& db, const std::string& account, const FolderSides& f,
                               const std::filesystem::path& dir) {
    if (!f.status || !f.status->highestmodseq || !f.status->uidvalidity) return false;
    auto record = db.load_folder(account, f.name);
    if (!record || !*record) return false;
    if (!store::remote_unchanged(*f.status, checkpoint_of(**record))) return false;
    const auto& rec = **record;
    auto stamp = maildir::decode_stamp(rec.scan_blob);
    if (!stamp) return false;
    maildir::ScanOptions options;
    options.remembered = *stamp;
    auto scan = maildir::scan_folder(dir, options);
    return scan && scan->unchanged;
}

void stop(AccountRun& run, util::Error why, AccountFailure failure) {
    run.result.fatal = std::move(why);
    run.result.failure = failure;
}

// `trash = "Trash"` on a server whose folders live under "INBOX.": the user means INBOX.Trash.
void resolve_trash(AccountRun& run, const RemoteListing& listing) {
    auto& trash = run.options.trash;
    if (trash.empty()) return;
    auto is_listed = [&](const std::string& name) {
        return std::any_of(listing.folders.begin(), listing.folders.end(),
                           [&](const auto& f) { return f.name == name; });
    };
    if (!is_listed(trash) && is_listed(listing.naming.to_remote(trash))) trash = listing.naming.to_remote(trash);
}

// The rule that says which folders take part: --folder (the server's name or the local one, without
// the personal prefix), else the config's (globs, skip_special_use). \Noselect folders are skipped
// later, with the plan in hand.
auto selector(const AccountRun& run, const FolderNaming& naming, const FolderSelection& selection) {
    return [&run, &naming, selection](const std::string& name) {
        const auto& wanted = run.request.folders;
        if (wanted.empty()) return selection.selected(name);
        const std::string local = naming.stripped(name);
        return std::find_if(wanted.begin(), wanted.end(),
                            [&](const std::string& f) { return f == name || f == local; }) != wanted.end();
    };
}

// The local folders, added to `all` where selected.
template <class Selected>
void add_local_folders(AccountRun& run, AccountFolders& all, const Selected& selected) {
    if (!all.root_exists) return;
    auto local = all.naming.list_local(all.layout, all.claims);
    if (!local) return;
    for (const auto& lf : local->folders) {
        all.local_names.push_back(lf.remote_name);
        if (selected(lf.remote_name)) {
            auto& p = all.folders[lf.remote_name];
            p.name = lf.remote_name;
            p.local = true;
        }
    }
    for (const auto& skipped : local->skipped) run.notice("local folder skipped: " + skipped.message);
}

// A missing root while the state remembers mail is an unmounted disk or a typo, never "the user
// deleted everything": nothing may be deleted on the server because of it. Otherwise a missing
// root is created (not in a dry run). False when the account stops.
bool check_root(AccountRun& run, bool root_exists, bool any_known) {
    const auto& acc = run.account;
    if (!root_exists && any_known) {
        stop(run,
             util::Error{EngineError::maildir_root_missing,
                         "the Maildir root " + acc.maildir.string() +
                             " is missing, but the state says it held mail: is the disk mounted? "
                             "Nothing was changed. If the Maildir is gone for good and you want to "
                             "download everything afresh, first run: " +
                             forget_command(acc.name)},
             AccountFailure::other);
        return false;
    }
    if (root_exists || run.request.dry_run) return true;
    std::error_code ec;
    std::filesystem::create_directories(acc.maildir, ec);
    if (!ec) return true;
    stop(run,
         util::Error{EngineError::maildir_unusable, "cannot create the Maildir root " + acc.maildir.string() +
                                                        " (accounts." + acc.name + ".maildir): " + ec.message()},
         AccountFailure::config);
    return false;
}

// A --folder that matches nothing is a typo, not "nothing to do": say so, with the near names.
bool check_requested(AccountRun& run, const AccountFolders& all) {
    if (run.request.folders.empty()) return true;
    std::vector<std::string> names;
    for (const auto* list : {&all.remote_names, &all.local_names})
        for (const auto& n : *list) {
            names.push_back(n);
            names.push_back(all.naming.stripped(n));
        }
    auto unmatched = unmatched_folders(run.account.name, run.request.folders, names);
    if (!unmatched) return true;
    stop(run, std::move(*unmatched), AccountFailure::config);
    return false;
}

// The folders of both sides and the state, selected and mapped; nullopt when the account stops.
std::optional<AccountFolders> gather_folders(AccountRun& run, const RemoteListing& listing) {
    const auto& listed = listing.folders;
    AccountFolders all{listing.naming, local_layout(run.account), {}, {}, {}, {}, {}, {}, false};
    const FolderSelection selection(run.account.sync, listing.naming, listed);
    const auto selected = selector(run, listing.naming, selection);
    for (const auto& f : listed) {
        if (!selected(f.name)) continue;
        auto& p = all.folders[f.name];
        p.name = f.name;
        p.remote = true;
        p.selectable = f.selectable;
        p.status = f.status;
    }
    auto known = run.db.list_folders(run.account.name);
    if (!known) {
        stop(run, std::move(known).error(), AccountFailure::other);
        return std::nullopt;
    }
    all.known_names = *known;
    for (const auto& name : *known)
        if (selected(name)) {
            auto& p = all.folders[name];
            p.name = name;
            p.known = true;
        }
    // Local names go back to the remote folders (listed or remembered) that own them; with a personal
    // namespace prefix, folders outside it keep their full names and could clash with personal ones.
    for (const auto& f : listed) {
        all.remote_names.push_back(f.name);
        if (f.status) all.statuses.emplace(f.name, *f.status);
    }
    all.remote_names.insert(all.remote_names.end(), known->begin(), known->end());
    all.claims = listing.naming.claim_local_names(all.remote_names);
    all.root_exists = std::filesystem::is_directory(run.account.maildir);
    if (!check_root(run, all.root_exists, !known->empty())) return std::nullopt;
    add_local_folders(run, all, selected);
    if (!check_requested(run, all)) return std::nullopt;
    return all;
}

// Where each folder's directory is, by the account's layout.
store::MaildirFolderTree::DirOf local_dirs(const AccountFolders& all) {
    return
        [naming = all.naming, layout = all.layout](const std::string& name) { return naming.local_path(layout, name); };
}

// The job's report of what the plan did to the folder itself: renamed (and where), recreated.
struct RenameDone {
    std::string from;
    std::string to;
    std::string side;  // where mailtwin renamed it; "" when both sides had (a re-key only)
};

std::vector<RenameDone> renames_of(const sync::FolderPlan& plan) {
    std::vector<RenameDone> out;
    for (const auto& [from, to] : plan.renamed) {
        RenameDone done{from, to, ""};
        for (const auto& a : plan.actions)
            if (a.kind == sync::FolderActionKind::rename && a.new_name == to) done.side = side_label(a.side);
        out.push_back(std::move(done));
    }
    return out;
}

void describe_change(const std::vector<RenameDone>& renames, const sync::FolderJobPlan& planned, FolderJob& job) {
    for (const auto& done : renames)
        if (done.to == planned.name) {
            job.change = FolderChange::renamed;
            job.renamed_from = done.from;
            job.change_side = done.side;
            return;
        }
    if (planned.recreated == sync::Recreated::no) return;
    job.change = FolderChange::recreated;
    job.change_side = side_label(planned.recreated_on);
}

// What stands in the way of syncing a folder by its name or path, if anything.
struct FolderObstacles {
    // Directories another tool keeps a folder in that the layout refuses (the server folder "v1.2"
    // in offlineimap's v1.2/ under layout = "dotted"): no other folder is synced through them. Every
    // name counts, the excluded ones too: excluding "v1.2" must not make its directory "v1/2".
    std::map<std::filesystem::path, std::string> taken;
    std::map<std::string, std::vector<std::string>> collisions;  // folder_collisions.hpp

    explicit FolderObstacles(const AccountFolders& all) {
        for (const auto& name : all.remote_names)
            if (auto path = all.naming.taken_path(all.layout, name)) taken.emplace(path->lexically_normal(), name);
        std::vector<MappedFolder> mapped;
        for (const auto& [name, f] : all.folders) {
            if ((f.remote && !f.selectable) || all.claims.clashing.contains(name)) continue;
            if (auto dir = all.naming.local_path(all.layout, name)) mapped.push_back({name, *dir});
        }
        collisions = colliding_folders(mapped);
    }
};

// The local directory of `name`, or nullopt when it is skipped or fails for its name (reported).
std::optional<std::filesystem::path> folder_dir(AccountRun& run, const AccountFolders& all,
                                                const FolderObstacles& obstacles, const std::string& name) {
    if (all.claims.clashing.contains(name)) {
        run.notice("folder \"" + name + "\" skipped: its local name is taken by the personal folder \"" +
                   all.naming.to_remote(*all.naming.to_local(name)) + "\"");
        return std::nullopt;
    }
    auto dir = all.naming.local_path(all.layout, name);
    if (!dir) {
        run.done(skipped_folder(name, dir.error().message, false));  // the message has its own advice
        return std::nullopt;
    }
    if (auto t = obstacles.taken.find(dir->lexically_normal()); t != obstacles.taken.end()) {
        run.done(failed_folder(name, {EngineError::folder_name_collision, describe_taken(name, t->second, *dir)}));
        return std::nullopt;
    }
    if (auto c = obstacles.collisions.find(name); c != obstacles.collisions.end()) {
        // folder_collisions.hpp: never synced, and a failure (exit 1) until the names differ.
        run.done(failed_folder(name, {EngineError::folder_name_collision, describe_collision(name, c->second, *dir)}));
        return std::nullopt;
    }
    return *dir;
}

// The folder plan's input: both listings, the state's folders, the selection and the policy.
std::optional<sync::FolderPlanInput> plan_input(AccountRun& run, const AccountFolders& all,
                                                const RemoteListing& listing) {
    auto txn = run.db.begin_read();
    if (!txn) {
        stop(run, std::move(txn).error(), AccountFailure::other);
        return std::nullopt;
    }
    std::vector<sync::KnownFolder> known;
    for (const auto& name : all.known_names) {
        auto record = run.db.load_folder(*txn, run.account.name, name);
        if (record && *record)
            known.push_back(sync::KnownFolder{name, (*record)->mailbox_id, (*record)->message_count});
        else
            known.push_back(sync::KnownFolder{name, "", 0});
    }
    const FolderSelection selection(run.account.sync, listing.naming, listing.folders);
    FolderPlanSources sources{listing.folders, all.local_names, std::move(known), listing.delimiter,
                              selector(run, listing.naming, selection)};
    return folder_plan_input(run.account, all.layout, std::move(sources), run.request.force);
}

// The evidence the plan asks for, by looking at the few folders it names.
asio::awaitable<void> add_evidence(AccountRun& run, net::Session& session, const AccountFolders& all,
                                   sync::FolderPlanInput& input) {
    const auto wanted = sync::evidence_wanted(input);
    if (wanted.empty()) co_return;
    const EvidenceSources sources{session,      run.db,          run.account.name,
                                  all.statuses, local_dirs(all), input.deletes == sync::FolderDeletes::propagate};
    input.evidence = co_await gather_folder_evidence(sources, wanted);
}

// What the plan skipped: a failure of that folder (a rename conflict, the rail), or a notice.
void report_skipped(AccountRun& run, const sync::FolderPlan& plan) {
    for (const auto& s : plan.skipped) {
        switch (s.why) {
            case sync::FolderSkip::not_selectable:
                break;
            case sync::FolderSkip::direction:
                run.notice("folder \"" + s.name + "\" not synced: " + s.detail);
                break;
            case sync::FolderSkip::rename_conflict:
                run.done(failed_folder(s.name, {EngineError::folder_rename_conflict, s.detail}));
                break;
            case sync::FolderSkip::deletion_refused:
                run.done(failed_folder(s.name, {EngineError::folder_deletion_refused, s.detail}));
                break;
        }
    }
}

// One job of the plan: skipped, failed, unchanged (reported now) or a job for the next phases.
void add_job(AccountRun& run, const AccountFolders& all, const sync::FolderJobPlan& planned,
             const std::filesystem::path& dir, const std::vector<RenameDone>& renames) {
    FolderJob job;
    job.remote_name = planned.name;
    job.local_dir = dir;
    if (auto listed = all.statuses.find(planned.name); listed != all.statuses.end()) job.status = listed->second;
    const bool created_remote = planned.created[util::Side::remote];
    if (created_remote) job.status.reset();  // the listing's status is of no folder (or of the deleted one)
    job.remote_exists = !(created_remote && run.request.dry_run);
    describe_change(renames, planned, job);
    if (planned.recreated != sync::Recreated::no)
        run.notice("folder \"" + planned.name + "\" was deleted on the " + side_label(planned.recreated_on) +
                   (planned.recreated == sync::Recreated::changed_since_last_sync
                        ? ", but the other side's copy changed since the last sync; recreating it"
                        : "; recreating it") +
                   (run.request.dry_run ? " (dry run: not done)" : ""));
    else if (created_remote)  // a new local folder; new server folders are created locally without a word
        run.notice("creating server folder \"" + planned.name + "\"" +
                   (run.request.dry_run ? " (dry run: not done)" : ""));
    if (run.request.dry_run && job.change != FolderChange::none) {
        // Its state is not re-keyed or forgotten in a dry run: a message plan would be of the old state.
        FolderResult planned_change;
        planned_change.folder = job.remote_name;
        planned_change.outcome = FolderOutcome::planned;
        planned_change.change = job.change;
        planned_change.renamed_from = job.renamed_from;
        planned_change.change_side = job.change_side;
        run.done(std::move(planned_change));
        return;
    }
    if (!run.options.full && planned.known && job.change == FolderChange::none && job.status &&
        all.folders.contains(planned.name) && all.folders.at(planned.name).local &&
        unchanged_since_last_sync(run.db, run.account.name, all.folders.at(planned.name), dir)) {
        FolderResult same;
        same.folder = planned.name;
        same.outcome = FolderOutcome::unchanged;
        run.done(std::move(same));
        return;
    }
    run.jobs.push_back(std::move(job));
}

}  // namespace

namespace {

// The account's folders listed and planned (sync/folder_plan.hpp), with the evidence the plan asked for.
// The plan without what it would do to `folders` (created, renamed, removed or forgotten).
sync::FolderPlan without(sync::FolderPlan plan, const std::set<std::string>& folders) {
    std::erase_if(plan.actions, [&](const sync::FolderAction& a) {
        return folders.contains(a.name) || folders.contains(a.new_name);
    });
    std::erase_if(plan.forget, [&](const std::string& name) { return folders.contains(name); });
    return plan;
}

struct PlannedFolders {
    RemoteListing listing;
    AccountFolders all;
    sync::FolderPlan plan;
};

asio::awaitable<std::optional<PlannedFolders>> plan_account_folders(AccountRun& run, net::Session& session,
                                                                    bool first) {
    auto listing = co_await list_remote(session, true);
    if (!listing) {
        stop(run, std::move(listing).error(), AccountFailure::connection);
        co_return std::nullopt;
    }
    if (first) resolve_trash(run, *listing);
    auto all = gather_folders(run, *listing);
    if (!all) co_return std::nullopt;
    auto input = plan_input(run, *all, *listing);
    if (!input) co_return std::nullopt;
    co_await add_evidence(run, session, *all, *input);
    auto plan = sync::plan_folders(*input);
    co_return PlannedFolders{std::move(*listing), std::move(*all), std::move(plan)};
}

}  // namespace

asio::awaitable<void> list_folder_jobs(AccountRun& run) {
    auto conn = std::make_unique<net::Connection>(run.io.get_executor(), run.settings);
    if (auto r = co_await conn->open(); !r) co_return stop(run, std::move(r).error(), AccountFailure::connection);
    net::Session session(*conn, &run.writes);
    auto planned = co_await plan_account_folders(run, session, true);
    if (!planned) co_return;
    store::ImapFolderTree server(session);
    store::MaildirFolderTree maildir(local_dirs(planned->all));
    const util::PerSide<store::FolderTree*> trees{{&server, &maildir}};
    auto blocked =
        co_await apply_folder_plan(run, trees, planned->plan, planned->listing.delimiter, FolderActions::renames);
    auto renames = renames_of(planned->plan);
    if (blocked.empty() && renames_on_server(planned->plan) && !run.request.dry_run) {
        // What the server's RENAMEs made (a parent Cyrus creates, children carried along) is only in
        // a new listing: plan again from it; the renames are done and their state re-keyed.
        planned = co_await plan_account_folders(run, session, false);
        if (!planned) co_return;
        maildir = store::MaildirFolderTree(local_dirs(planned->all));
        blocked =
            co_await apply_folder_plan(run, trees, planned->plan, planned->listing.delimiter, FolderActions::renames);
        for (auto& done : renames_of(planned->plan)) renames.push_back(std::move(done));
    }
    report_skipped(run, planned->plan);
    // A folder its name or local path keeps from syncing fails alone (reported here), and nothing is
    // created, renamed or deleted for it; every other folder syncs.
    const FolderObstacles obstacles(planned->all);
    std::map<std::string, std::filesystem::path> dirs;
    std::set<std::string> obstructed;
    for (const auto& job : planned->plan.jobs) {
        try {
            if (auto dir = folder_dir(run, planned->all, obstacles, job.name))
                dirs.emplace(job.name, std::move(*dir));
            else
                obstructed.insert(job.name);
        } catch (const std::filesystem::filesystem_error& e) {
            obstructed.insert(job.name);
            run.done(skipped_folder(job.name,
                                    "its local path " + e.path1().string() + " cannot be used: " + e.code().message()));
        }
    }
    for (const auto& name : co_await apply_folder_plan(run, trees, without(planned->plan, obstructed),
                                                       planned->listing.delimiter, FolderActions::rest))
        blocked.insert(name);
    bool any_known = false;
    for (const auto& job : planned->plan.jobs) {
        if (blocked.contains(job.name) || obstructed.contains(job.name)) continue;
        const std::size_t before = run.jobs.size();
        add_job(run, planned->all, job, dirs.at(job.name), renames);
        if (run.jobs.size() > before) any_known = any_known || job.known;
    }
    run.streaming = !any_known;
    // The connection that listed the folders serves the first worker of the next phases.
    run.connections.front() = std::move(conn);
}

}  // namespace mailtwin::engine
