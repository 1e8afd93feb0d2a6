#include <algorithm>
#include <map>

#include "account_run.hpp"
#include "mailtwin/folders/folder_collisions.hpp"
#include "mailtwin/folders/folder_filter.hpp"
#include "mailtwin/folders/folder_map.hpp"
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
#include "mailtwin/store/imap_store.hpp"

namespace mailtwin::engine {
namespace {

// A folder as both sides and the state know it.
struct FolderPlan {
    std::string name;
    bool remote = false;
    bool selectable = true;
    bool local = false;
    bool known = false;  // the state has synced it before
    std::optional<imap::StatusData> status;
};

// Every folder of the account that takes part, with what is needed to map it to a directory.
struct AccountFolders {
    const FolderNaming& naming;
    maildir::Layout layout;
    std::map<std::string, FolderPlan> folders;  // the selected ones, by remote name
    std::vector<std::string> remote_names;      // listed or remembered, selected or not
    std::vector<std::string> local_names;       // every local folder, selected or not: for --folder's check
    NameClaims claims;
    bool root_exists = false;
};

// The folder is as it was at the last sync on both sides: two stats and a LIST-STATUS line told us.
bool unchanged_since_last_sync(state::StateDb& db, const std::string& account, const FolderPlan& f,
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
    return [&run, &naming, &selection](const std::string& name) {
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
    AccountFolders all{listing.naming, local_layout(run.account), {}, {}, {}, {}, false};
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
    for (const auto& name : *known)
        if (selected(name)) {
            auto& p = all.folders[name];
            p.name = name;
            p.known = true;
        }
    // Local names go back to the remote folders (listed or remembered) that own them; with a personal
    // namespace prefix, folders outside it keep their full names and could clash with personal ones.
    for (const auto& f : listed) all.remote_names.push_back(f.name);
    all.remote_names.insert(all.remote_names.end(), known->begin(), known->end());
    all.claims = listing.naming.claim_local_names(all.remote_names);
    all.root_exists = std::filesystem::is_directory(run.account.maildir);
    if (!check_root(run, all.root_exists, !known->empty())) return std::nullopt;
    add_local_folders(run, all, selected);
    if (!check_requested(run, all)) return std::nullopt;
    return all;
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

FolderResult failed_folder(const std::string& name, util::Error why) {
    return FolderResult{name, FolderOutcome::failed, false, {}, {}, std::move(why)};
}

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

// A folder missing on the server is created there (not in a dry run). False when it is not synced.
asio::awaitable<bool> ensure_remote(AccountRun& run, net::Session& session, const FolderPlan& f, bool& exists) {
    const std::string& name = f.name;
    exists = f.remote;
    if (f.remote) co_return true;
    if (run.account.sync.direction == config::Direction::pull) {
        run.notice("local folder \"" + name + "\" not synced: direction = \"pull\" never creates server folders");
        co_return false;
    }
    // A folder deleted on one side is never silently deleted on the other: recreate, and say so.
    run.notice(std::string(f.known ? "folder \"" + name + "\" was deleted on the server; recreating it there"
                                   : "creating server folder \"" + name + "\"") +
               (run.request.dry_run ? " (dry run: not done)" : ""));
    if (run.request.dry_run) co_return true;
    if (auto r = co_await session.create_folder(name); !r) {
        run.done(failed_folder(name, std::move(r).error()));
        co_return false;
    }
    exists = true;
    co_return true;
}

// A folder missing locally is created (not in a dry run). False when it is not synced.
bool ensure_local(AccountRun& run, const FolderPlan& f, const std::filesystem::path& dir) {
    std::error_code is_dir_error;
    if (f.local || std::filesystem::is_directory(dir / "cur", is_dir_error)) return true;
    if (run.account.sync.direction == config::Direction::push) {
        run.notice("server folder \"" + f.name + "\" not synced: direction = \"push\" never creates local folders");
        return false;
    }
    if (f.known) run.notice("folder \"" + f.name + "\" was deleted locally; recreating " + dir.string());
    if (run.request.dry_run) return true;
    if (auto r = maildir::create_folder(dir); !r) {
        run.done(failed_folder(f.name, std::move(r).error()));
        return false;
    }
    return true;
}

// One folder: skipped, failed, unchanged (reported now) or a job for the next phases.
asio::awaitable<void> add_job(AccountRun& run, net::Session& session, const AccountFolders& all,
                              const FolderObstacles& obstacles, const FolderPlan& f) {
    if (f.remote && !f.selectable) co_return;  // \Noselect: a hierarchy node, not a mailbox
    auto dir = folder_dir(run, all, obstacles, f.name);
    if (!dir) co_return;
    bool remote_exists = false;
    if (!co_await ensure_remote(run, session, f, remote_exists)) co_return;
    if (!ensure_local(run, f, *dir)) co_return;
    if (!run.options.full && f.known && f.remote && f.local &&
        unchanged_since_last_sync(run.db, run.account.name, f, *dir)) {
        FolderResult same;
        same.folder = f.name;
        same.outcome = FolderOutcome::unchanged;
        run.done(std::move(same));
        co_return;
    }
    run.jobs.push_back(FolderJob{f.name, *dir, true, f.status, remote_exists});
}

}  // namespace

asio::awaitable<void> list_folder_jobs(AccountRun& run) {
    auto conn = std::make_unique<net::Connection>(run.io.get_executor(), run.settings);
    if (auto r = co_await conn->open(); !r) co_return stop(run, std::move(r).error(), AccountFailure::connection);
    net::Session session(*conn, &run.writes);
    auto listing = co_await list_remote(session, true);
    if (!listing) co_return stop(run, std::move(listing).error(), AccountFailure::connection);
    resolve_trash(run, *listing);
    auto all = gather_folders(run, *listing);
    if (!all) co_return;
    const FolderObstacles obstacles(*all);
    bool any_known = false;
    for (const auto& [name, f] : all->folders) {
        // A folder whose local path the filesystem refuses fails alone; every other folder syncs.
        try {
            const std::size_t before = run.jobs.size();
            co_await add_job(run, session, *all, obstacles, f);
            if (run.jobs.size() > before) any_known = any_known || f.known;
        } catch (const std::filesystem::filesystem_error& e) {
            run.done(skipped_folder(name,
                                    "its local path " + e.path1().string() + " cannot be used: " + e.code().message()));
        }
    }
    run.streaming = !any_known;
    // The connection that listed the folders serves the first worker of the next phases.
    run.connections.front() = std::move(conn);
}

}  // namespace mailtwin::engine
