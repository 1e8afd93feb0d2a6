#include "mailtwin/report/status.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "mailtwin/folders/folder_filter.hpp"
#include "mailtwin/folders/folder_map.hpp"
#include "mailtwin/folders/folder_plan_input.hpp"
#include "mailtwin/folders/remote_list.hpp"
#include "mailtwin/maildir/folder.hpp"
#include "mailtwin/maildir/keyword_map.hpp"
#include "mailtwin/maildir/layout.hpp"
#include "mailtwin/maildir/local_view.hpp"
#include "mailtwin/settings/local_layout.hpp"
#include "mailtwin/state/state_db.hpp"
#include "mailtwin/state/state_rows.hpp"
#include "status_folder_plan.hpp"

namespace mailtwin::engine {
namespace {

struct StoredFolder {
    state::FolderState record;
    std::vector<model::PairState> rows;
};

struct StoredState {
    std::map<std::string, StoredFolder> folders;
    std::optional<state::AccountRuns> runs;
};

// Everything the state holds about the account, read in one read transaction: a consistent snapshot
// even while a sync commits steps. The state file is opened only if it exists, so that asking for
// the status of an account never creates one.
util::Expected<StoredState> read_state(const std::filesystem::path& file, const std::string& account) {
    StoredState out;
    auto db = state::StateDb::open(file);
    if (!db) return util::unexpected(std::move(db).error());
    auto txn = db->begin_read();
    if (!txn) return util::unexpected(std::move(txn).error());
    auto runs = db->load_runs(*txn, account);
    if (runs)
        out.runs = std::move(*runs);
    else if (!state::is_unreadable_record(runs.error()))  // a damaged one: the next sync writes it afresh
        return util::unexpected(std::move(runs).error());
    auto names = db->list_folders(*txn, account);
    if (!names) return util::unexpected(std::move(names).error());
    for (const auto& name : *names) {
        auto record = db->load_folder(*txn, account, name);
        if (!record) return util::unexpected(std::move(record).error());
        if (!*record) continue;
        StoredFolder& f = out.folders[name];
        f.record = std::move(**record);
        auto collect = [&f](const state::MessageRecord& r) {
            f.rows.push_back(pair_state_of(r));
            return true;
        };
        if (auto r = db->for_each_message(*txn, account, name, collect); !r)
            return util::unexpected(std::move(r).error());
        if (auto r = db->for_each_keyed(*txn, account, name, collect); !r)
            return util::unexpected(std::move(r).error());
    }
    return out;
}

// Without the server, the hierarchy delimiter and the personal namespace prefix are inferred from
// where the last sync put folders whose names contain a delimiter; '/' and no prefix otherwise.
FolderNaming offline_naming(const maildir::Layout& layout, const std::map<std::string, StoredFolder>& stored) {
    for (char candidate : {'/', '.'})
        for (const auto& [name, f] : stored) {
            if (name.find(candidate) == std::string::npos || f.record.local_path.empty()) continue;
            const std::filesystem::path was(f.record.local_path);
            auto path = layout.local_path(name, candidate);
            if (path && *path == was) return FolderNaming{candidate, ""};
            // The prefix: leading components of the name that its local path leaves out.
            for (auto cut = name.find(candidate); cut != std::string::npos; cut = name.find(candidate, cut + 1)) {
                const FolderNaming naming{candidate, name.substr(0, cut + 1)};
                auto stripped = naming.local_path(layout, name);
                if (stripped && *stripped == was) return naming;
            }
        }
    return FolderNaming{};
}

void scan_local(FolderStatus& status, const std::vector<model::PairState>& rows) {
    if (status.local_path.empty() || !std::filesystem::is_directory(status.local_path / "cur")) return;
    auto keywords = maildir::KeywordMap::load(status.local_path);
    if (!keywords) {
        status.problem = keywords.error().describe();
        return;
    }
    model::FolderState last;
    last.pairs = rows;
    // A full listing: the question is exactly what differs from the state, so no stamp shortcut.
    auto local = maildir::scan_local(status.local_path, last, *keywords, std::string(), true, true);
    if (!local) {
        status.problem = local.error().describe();
        return;
    }
    status.local_count = local->view.messages.size();
    if (status.record) status.pending = pending_changes(local->view, rows);
}

}  // namespace

PendingChanges pending_changes(const model::LocalView& now, const std::vector<model::PairState>& last) {
    std::map<std::string_view, const model::PairState*> rows;
    for (const auto& row : last)
        if (!row.key.empty()) rows[row.key] = &row;
    PendingChanges out;
    std::set<std::string_view> present;
    for (const auto& m : now.messages) {
        present.insert(m.key);
        auto it = rows.find(m.key);
        if (it == rows.end())
            ++out.added;
        else if (!it->second->detached && it->second->local_flags != m.flags)
            ++out.renamed;
    }
    for (const auto& [key, row] : rows)
        if (!row->detached && !present.contains(key)) ++out.removed;
    return out;
}

std::optional<bool> FolderStatus::remote_changed() const {
    if (!record || !remote) return std::nullopt;
    if (remote->uidvalidity && *remote->uidvalidity != record->uidvalidity) return true;
    if (remote->highestmodseq && record->after_run_highestmodseq != 0)
        return *remote->highestmodseq != record->after_run_highestmodseq;
    // Without mod-sequences, the next UID and the count tell new mail and expunges (not flag changes).
    if (remote->uidnext && *remote->uidnext != record->after_run_uidnext) return true;
    if (remote->messages) return *remote->messages != record->after_run_messages;
    return std::nullopt;
}

std::optional<std::int64_t> FolderStatus::last_sync() const {
    std::int64_t latest = record ? record->last_sync : 0;
    if (run) latest = std::max(latest, run->checked_ok);
    return latest > 0 ? std::optional<std::int64_t>(latest) : std::nullopt;
}

std::optional<std::int64_t> AccountStatus::last_sync() const {
    std::optional<std::int64_t> latest;
    for (const auto& f : folders)
        if (auto t = f.last_sync(); t && (!latest || *t > *latest)) latest = t;
    return latest;
}

namespace {

// What the next sync would do to folders as such: the folder plan, from the listings alone.
std::map<std::string, std::string> planned_folder_changes(const config::Account& account, const maildir::Layout& layout,
                                                          const FolderNaming& naming, const NameClaims& claims,
                                                          const std::vector<net::FolderInfo>& remote,
                                                          const std::map<std::string, StoredFolder>& stored,
                                                          const std::function<bool(const std::string&)>& selected) {
    std::vector<std::string> local_names;
    if (std::filesystem::is_directory(account.maildir))
        if (auto local = naming.list_local(layout, claims))
            for (const auto& lf : local->folders) local_names.push_back(lf.remote_name);
    std::vector<sync::KnownFolder> known;
    for (const auto& [name, f] : stored)
        known.push_back(sync::KnownFolder{name, f.record.mailbox_id, f.record.message_count});
    FolderPlanSources sources{remote, local_names, std::move(known), naming.delimiter, selected};
    return next_folder_changes(sync::plan_folders(folder_plan_input(account, layout, std::move(sources), false)));
}

}  // namespace

AccountStatus gather_status(const config::Config& config, const config::Account& account,
                            const StatusOptions& options) {
    AccountStatus out;
    out.account = account.name;
    out.maildir = account.maildir;
    out.host = account.imap.host;
    const auto state_file = config.general.state_dir / "state.mdb";
    out.max_size = account.sync.max_size;
    out.state_found = std::filesystem::exists(state_file);
    StoredState saved;
    if (out.state_found) {
        auto read = read_state(state_file, account.name);
        if (read)
            saved = std::move(*read);
        else
            out.state_error = std::move(read).error();
    }
    const std::map<std::string, StoredFolder>& stored = saved.folders;
    if (saved.runs) {
        out.last_run = saved.runs->last_run;
        out.last_run_error = saved.runs->last_run_error;
    }

    const maildir::Layout layout = local_layout(account);
    FolderNaming naming = offline_naming(layout, stored);
    std::vector<net::FolderInfo> remote;
    if (!options.offline) {
        auto listed = list_remote_folders(account, true);
        if (listed) {
            out.remote_checked = true;
            remote = std::move(listed->folders);
            naming = listed->naming;
        } else {
            out.remote_error = std::move(listed).error();
        }
    }
    const FolderSelection selection(account.sync, naming, remote);
    auto selected = [&](const std::string& name) { return selection.selected(name); };
    std::vector<std::string> remote_names;
    for (const auto& f : remote) remote_names.push_back(f.name);
    for (const auto& [name, f] : stored) remote_names.push_back(name);
    const NameClaims claims = naming.claim_local_names(remote_names);

    const auto changes = out.remote_checked
                             ? planned_folder_changes(account, layout, naming, claims, remote, stored, selected)
                             : std::map<std::string, std::string>{};

    // The folders a sync would visit (selected on either side) and every folder the state knows.
    std::map<std::string, FolderStatus> folders;
    for (auto& f : remote) {
        if (!selection.synced(f.name)) continue;
        FolderStatus& s = folders[f.name];
        s.remote_listed = true;
        s.remote = std::move(f.status);
    }
    if (std::filesystem::is_directory(account.maildir))
        if (auto local = naming.list_local(layout, claims))
            for (const auto& lf : local->folders)
                if (selected(lf.remote_name)) folders[lf.remote_name].local_path = lf.path;
    for (const auto& [name, f] : stored) {
        FolderStatus& s = folders[name];
        s.record = f.record;
        s.state_pairs = static_cast<std::size_t>(std::count_if(
            f.rows.begin(), f.rows.end(), [](const model::PairState& r) { return r.uid != 0 && !r.detached; }));
    }

    if (saved.runs)  // a folder the run record names but the state not: a failure before its first sync
        for (const auto& [name, run] : saved.runs->folders)
            if (stored.contains(name) || (run.failed_at > 0 && selected(name))) folders[name].run = run;
    for (auto& [name, s] : folders) {
        s.name = name;
        s.selected = selected(name);
        if (auto c = changes.find(name); c != changes.end()) s.folder_change = c->second;
        if (s.local_path.empty()) {
            if (s.record && !s.record->local_path.empty())
                s.local_path = s.record->local_path;
            else if (auto p = naming.local_path(layout, name))
                s.local_path = *p;
            else
                s.problem = p.error().message;
        }
        auto rows = stored.find(name);
        scan_local(s, rows == stored.end() ? std::vector<model::PairState>{} : rows->second.rows);
        out.folders.push_back(std::move(s));
    }
    return out;
}

}  // namespace mailtwin::engine
