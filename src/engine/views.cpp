#include "mailtwin/engine/views.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <set>

#include "mailtwin/engine/identity.hpp"
#include "mailtwin/maildir/folder.hpp"
#include "mailtwin/maildir/message_info.hpp"
#include "mailtwin/maildir/stamp.hpp"
#include "mailtwin/net/session_error.hpp"

namespace mailtwin::engine {
namespace {

std::int64_t file_mtime(const std::filesystem::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 ? static_cast<std::int64_t>(st.st_mtim.tv_sec) : 0;
}

std::filesystem::path message_path(const std::filesystem::path& folder_dir, maildir::Location loc,
                                   const std::string& file_name) {
    return folder_dir / (loc == maildir::Location::new_dir ? "new" : "cur") / file_name;
}

// Keywords the Maildir cannot hold (past 26 letters) count as present locally when the state says
// they were, so the merge never removes them from the server.
void keep_unstorable(model::FlagSet& flags, const model::PairState* row, const maildir::KeywordMap& keywords) {
    if (!row) return;
    for (const auto& k : row->local_flags.keywords)
        if (!keywords.storable(k)) flags.keywords.insert(k);
}

// Two files with one key and different contents are two messages the state cannot tell apart: the
// one the scan kept is synced, the other is reported until it gets a key of its own. Identical
// copies (a reader's rename caught half done) are one message.
void report_duplicate_keys(const std::filesystem::path& folder_dir, const maildir::ScanResult& scan,
                           std::vector<std::string>& out) {
    // A FIFO among them is never opened (that would wait for a writer): it differs from any file.
    std::set<std::pair<maildir::Location, std::string>> not_regular;
    for (const auto& p : scan.problems) not_regular.emplace(p.location, p.file_name);
    auto hash_of = [&](const std::pair<maildir::Location, std::string>& file) -> util::Expected<maildir::Sha256Digest> {
        if (not_regular.count(file))
            return util::unexpected(
                util::Error{std::make_error_code(std::errc::invalid_argument), "not a regular file"});
        return maildir::MessageInfo(message_path(folder_dir, file.first, file.second)).content_hash();
    };
    for (const auto& d : scan.duplicates) {
        if (d.files.size() < 2) continue;
        const auto kept = message_path(folder_dir, d.files[0].first, d.files[0].second);
        auto kept_hash = hash_of(d.files[0]);
        for (std::size_t i = 1; i < d.files.size(); ++i) {
            const auto other = message_path(folder_dir, d.files[i].first, d.files[i].second);
            auto hash = hash_of(d.files[i]);
            if (kept_hash && hash && *kept_hash == *hash) continue;
            if (!hash && hash.error().code == std::errc::no_such_file_or_directory) continue;  // gone meanwhile
            out.push_back("'" + other.string() + "' has the Maildir unique name '" + d.key + "' of '" + kept.string() +
                          "' but holds another message, so it was not uploaded: rename it to a unique name of "
                          "its own (the part before \"" +
                          std::string(1, maildir::k_info_separator) + "2,\" is the unique name)");
        }
    }
}

// The scan's problem files (scan.hpp) a sync would have to read: new ones. Returns their keys, which
// the view leaves out; a known key stays in the view, as it needs no reading.
std::set<std::string> report_not_carried(const std::filesystem::path& folder_dir, const maildir::ScanResult& scan,
                                         const std::map<std::string, const model::PairState*>& rows,
                                         std::vector<std::string>& out) {
    std::map<std::string, std::pair<maildir::Location, std::string>> kept;  // the file the view holds per key
    for (const auto& m : scan.messages) kept.emplace(m.key, std::make_pair(m.location, m.file_name));
    std::set<std::string> keys;
    for (const auto& p : scan.problems) {
        const std::string key(maildir::key_of(p.file_name));
        auto it = kept.find(key);
        // A second file under the key of a kept one: report_duplicate_keys says so; the kept one syncs.
        if (it != kept.end() && it->second != std::make_pair(p.location, p.file_name)) continue;
        if (rows.count(key)) continue;
        keys.insert(key);
        out.push_back("'" + message_path(folder_dir, p.location, p.file_name).string() + "' " + p.reason +
                      ", so it was not uploaded");
    }
    report_duplicate_keys(folder_dir, scan, out);
    return keys;
}

}  // namespace

util::Expected<LocalSnapshot> build_local_view(const std::filesystem::path& folder_dir, const LoadedFolder& last,
                                               const maildir::KeywordMap& keywords, bool full, bool root_present) {
    LocalSnapshot out;
    out.view.root_present = root_present;
    if (!root_present || !std::filesystem::exists(folder_dir / "cur")) return out;  // nothing there: empty view

    maildir::ScanOptions options;
    if (!full && last.record)
        if (auto stamp = maildir::decode_stamp(last.record->scan_blob)) options.remembered = *stamp;
    auto scan = maildir::scan_folder(folder_dir, options);
    if (!scan) return util::unexpected(std::move(scan).error());
    out.stamp = scan->stamp;
    out.stats = scan->stats;
    if (scan->unchanged) {
        out.view.kind = model::LocalViewKind::unchanged;
        return out;
    }
    std::map<std::string, const model::PairState*> rows;
    for (const auto& p : last.pairs.pairs)
        if (!p.key.empty()) rows[p.key] = &p;
    const std::set<std::string> unreadable = report_not_carried(folder_dir, *scan, rows, out.not_carried);
    out.view.messages.reserve(scan->messages.size());
    for (const auto& m : scan->messages) {
        if (unreadable.count(m.key)) continue;
        model::LocalMessage lm;
        lm.key = m.key;
        lm.flags = keywords.to_flags(m.flags);
        auto row = rows.find(m.key);
        const model::PairState* known = row == rows.end() ? nullptr : row->second;
        keep_unstorable(lm.flags, known, keywords);
        lm.size = m.size;
        // The mtime becomes the INTERNALDATE of an upload: only new messages need it (one stat each).
        if (!known) lm.mtime = file_mtime(message_path(folder_dir, m.location, m.file_name));
        out.file_names[m.key] = m.file_name;
        out.view.messages.push_back(std::move(lm));
    }
    return out;
}

namespace {

model::RemoteMessage from_meta(const net::MessageMeta& m, const model::Identity& identity) {
    model::RemoteMessage r;
    r.uid = m.uid;
    r.flags = m.flags;
    r.size = m.size;
    r.internaldate = m.internal_date ? m.internal_date->utc : 0;
    r.identity = identity;
    return r;
}

// Fetches the meta data and the identities of `uids`, keeping the identities only: the header
// fields and body starts they come from are dropped as each message arrives.
asio::awaitable<util::Expected<std::vector<net::MessageMeta>>> fetch_identified(
    net::Session& session, const std::vector<model::Uid>& uids, std::map<model::Uid, model::Identity>& ids) {
    co_return co_await session.fetch_meta(imap::SeqSet::from_uids(uids), store::k_identity_body_bytes,
                                          [&ids](net::MessageMeta& m) {
                                              ids[m.uid] = store::message_identity(m.header_block, m.body_start);
                                              m.header_block = {};
                                              m.body_start = {};
                                          });
}

// Size, date and identity for the messages of the view the state does not know (new ones).
asio::awaitable<util::Expected<void>> describe_new(net::Session& session, RemoteSnapshot& out,
                                                   const LoadedFolder& last) {
    std::set<model::Uid> known;
    for (const auto& p : last.pairs.pairs)
        if (p.uid != 0) known.insert(p.uid);
    // After a UIDVALIDITY change no UID of the state means anything.
    if (out.view.uidvalidity != last.pairs.uidvalidity) known.clear();
    std::vector<model::Uid> fresh;
    for (const auto& m : out.view.messages)
        if (!known.count(m.uid)) fresh.push_back(m.uid);
    if (fresh.empty()) co_return util::Expected<void>{};
    std::map<model::Uid, model::Identity> ids;
    auto meta = co_await fetch_identified(session, fresh, ids);
    if (!meta) co_return util::unexpected(std::move(meta).error());
    std::map<model::Uid, const net::MessageMeta*> by_uid;
    for (const auto& m : *meta) by_uid[m.uid] = &m;
    for (auto& m : out.view.messages) {
        auto it = by_uid.find(m.uid);
        if (it == by_uid.end()) continue;
        model::RemoteMessage described = from_meta(*it->second, ids.at(m.uid));
        described.flags = m.flags;  // the flag fetch is the reference for flags
        m = std::move(described);
    }
    // A message expunged between the flag fetch and the meta fetch has no size: leave it out, the
    // next run sees it gone.
    std::erase_if(out.view.messages,
                  [&](const model::RemoteMessage& m) { return !known.count(m.uid) && !by_uid.count(m.uid); });
    co_return util::Expected<void>{};
}

void fill_flags(model::RemoteView& view, const std::vector<net::MessageFlags>& flags) {
    view.messages.reserve(flags.size());
    for (const auto& f : flags) {
        model::RemoteMessage m;
        m.uid = f.uid;
        m.flags = f.flags;
        view.messages.push_back(std::move(m));
    }
}

}  // namespace

bool remote_unchanged(const imap::StatusData& status, const state::FolderState& record) {
    if (!status.uidvalidity || !status.highestmodseq || record.highestmodseq == 0) return false;
    if (*status.uidvalidity != record.uidvalidity || *status.highestmodseq != record.highestmodseq) return false;
    if (status.uidnext && record.uidnext != 0 && *status.uidnext != record.uidnext) return false;
    if (status.messages && *status.messages != record.message_count) return false;
    return true;
}

RemoteSnapshot unchanged_remote_view(const imap::StatusData& status, const state::FolderState& record) {
    RemoteSnapshot out;
    out.view.kind = model::RemoteViewKind::changes_since;
    out.view.uidvalidity = record.uidvalidity;
    out.view.highestmodseq = record.highestmodseq;
    out.view.changed_since = record.highestmodseq;
    out.view.uidnext = record.uidnext;
    out.selected.uidvalidity = record.uidvalidity;
    out.selected.uidnext = record.uidnext;
    out.selected.highestmodseq = record.highestmodseq;
    out.selected.exists = status.messages.value_or(record.message_count);
    out.incremental = true;
    return out;
}

model::StorableFlags storable_flags(const std::optional<imap::FlagList>& permanent_flags) {
    if (!permanent_flags) return model::StorableFlags::all();
    model::StorableFlags out;
    out.any_keyword = permanent_flags->keywords_allowed;
    model::FlagSet listed = permanent_flags->flags;
    if (out.any_keyword) listed.set(model::Flag::forwarded);  // $Forwarded is a keyword in IMAP
    out.bits = listed.bits();
    out.keywords = permanent_flags->flags.keywords;
    return out;
}

asio::awaitable<util::Expected<RemoteSnapshot>> build_remote_view(net::Session& session, const std::string& folder,
                                                                  const LoadedFolder& last, bool full) {
    RemoteSnapshot out;
    const auto& state = last.pairs;
    const bool can_resume = !full && state.uidvalidity != 0 && state.highestmodseq != 0;
    std::optional<net::QresyncKnown> known;
    if (can_resume) known = net::QresyncKnown{state.uidvalidity, state.highestmodseq};
    auto sel = co_await session.select(folder, known);
    if (!sel) co_return util::unexpected(std::move(sel).error());
    out.selected = *sel;
    auto& view = out.view;
    view.uidvalidity = sel->uidvalidity;
    view.highestmodseq = sel->highestmodseq;
    view.uidnext = sel->uidnext;
    view.storable = storable_flags(sel->permanent_flags);
    const bool same_uidvalidity = sel->uidvalidity == state.uidvalidity;
    const bool has_modseq = sel->highestmodseq != 0 && !sel->nomodseq;
    net::Connection& conn = session.connection();
    // Under one UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ never decrease (RFC 3501 2.3.1.1, RFC 7162
    // 3.1.2). A server that says otherwise contradicts itself (a restored backup, a broken replica):
    // a missing UID would look like an expunge and a hidden flag change like none, so nothing it
    // says is used. `--full` is the deliberate way out: a full rescan, still under the safety rail.
    if (!full && same_uidvalidity && state.uidvalidity != 0) {
        std::string went_back;
        if (state.uidnext != 0 && sel->uidnext != 0 && sel->uidnext < state.uidnext)
            went_back = "UIDNEXT " + std::to_string(sel->uidnext) + " < " + std::to_string(state.uidnext);
        else if (has_modseq && sel->highestmodseq < state.highestmodseq)
            went_back =
                "HIGHESTMODSEQ " + std::to_string(sel->highestmodseq) + " < " + std::to_string(state.highestmodseq);
        if (!went_back.empty())
            co_return util::unexpected(net::SessionError::protocol_violation,
                                       conn.peer() + ": " + folder + " went backwards (" + went_back +
                                           " seen at the last sync, same UIDVALIDITY): restored from a backup? "
                                           "Nothing was changed; check the server, then run `mailtwin sync --full` "
                                           "to rescan this folder");
    }

    if (can_resume && same_uidvalidity && has_modseq && conn.qresync_enabled()) {
        // QRESYNC: the SELECT itself brought VANISHED (EARLIER) and the changed messages' flags.
        view.kind = model::RemoteViewKind::changes_since;
        view.changed_since = state.highestmodseq;
        for (const auto& f : sel->changed)
            if (f.uid && f.flags) view.messages.push_back(model::RemoteMessage{*f.uid, *f.flags, 0, 0, std::nullopt});
        for (model::Uid u : sel->vanished) view.vanished.push_back(u);
        out.incremental = true;
    } else if (can_resume && same_uidvalidity && has_modseq && conn.condstore_enabled()) {
        // CONDSTORE without QRESYNC (Gmail): changed flags by mod-sequence, deletions by a UID diff.
        auto changes = co_await session.fetch_flags(state.highestmodseq);
        if (!changes) co_return util::unexpected(std::move(changes).error());
        view.kind = model::RemoteViewKind::changes_since;
        view.changed_since = state.highestmodseq;
        fill_flags(view, changes->changed);
        auto all = co_await session.search_all_uids();
        if (!all) co_return util::unexpected(std::move(all).error());
        for (const auto& p : state.pairs)
            if (p.uid != 0 && !std::binary_search(all->begin(), all->end(), p.uid)) view.vanished.push_back(p.uid);
        // Messages max_size kept back have no row: listed here, a gone one leaves the skipped list.
        if (last.record)
            for (model::Uid uid : last.record->skipped_remote)
                if (!std::binary_search(all->begin(), all->end(), uid)) view.vanished.push_back(uid);
        out.incremental = true;
    } else {
        auto all = co_await session.fetch_flags();
        if (!all) co_return util::unexpected(std::move(all).error());
        view.kind = model::RemoteViewKind::full;
        fill_flags(view, all->changed);
    }
    std::sort(view.vanished.begin(), view.vanished.end());
    view.vanished.erase(std::unique(view.vanished.begin(), view.vanished.end()), view.vanished.end());
    if (auto r = co_await describe_new(session, out, last); !r) co_return util::unexpected(std::move(r).error());
    co_return out;
}

asio::awaitable<util::Expected<void>> fill_identities(net::Session& session, const std::string& folder,
                                                      RemoteSnapshot& remote, LocalSnapshot& local,
                                                      model::FolderState& rows, const std::filesystem::path& folder_dir,
                                                      const sync::IdentityRequest& request) {
    // A requested message the view does not list (an incremental or unchanged view shows it as its
    // state row) gets its identity on that row: rows written before the current identity rule have
    // none, and a copy of unknown outcome must still find its counterpart.
    auto rows_with = [&rows](auto&& same) {
        std::vector<model::PairState*> out;
        for (auto& row : rows.pairs)
            if (!row.identity && same(row)) out.push_back(&row);
        return out;
    };
    // One pass over the view, not one search per requested UID.
    const std::set<model::Uid> requested(request.remote.begin(), request.remote.end());
    std::vector<model::Uid> missing;
    std::set<model::Uid> listed;
    for (const auto& m : remote.view.messages) {
        listed.insert(m.uid);
        if (!m.identity && requested.count(m.uid)) missing.push_back(m.uid);
    }
    for (model::Uid u : requested)
        if (!listed.count(u)) missing.push_back(u);
    if (!missing.empty()) {
        std::sort(missing.begin(), missing.end());
        if (session.selected() != folder) {
            // Planned without a SELECT (the server said nothing changed): the FETCH needs one.
            auto sel = co_await session.select(folder);
            if (!sel) co_return util::unexpected(std::move(sel).error());
        }
        std::map<model::Uid, model::Identity> ids;
        auto meta = co_await fetch_identified(session, missing, ids);
        if (!meta) co_return util::unexpected(std::move(meta).error());
        for (auto& m : remote.view.messages)
            if (auto it = ids.find(m.uid); it != ids.end()) m.identity = it->second;
        for (const auto& [uid, id] : ids)
            if (!listed.count(uid))
                for (auto* row : rows_with([uid](const model::PairState& r) { return r.uid == uid; }))
                    row->identity = id;
    }
    std::set<std::string> wanted(request.local.begin(), request.local.end());
    for (auto& m : local.view.messages) {
        if (!wanted.count(m.key)) continue;
        wanted.erase(m.key);
        if (m.identity) continue;
        auto name = local.file_names.find(m.key);
        if (name == local.file_names.end()) continue;
        std::filesystem::path file = folder_dir / "cur" / name->second;
        if (!std::filesystem::exists(file)) file = folder_dir / "new" / name->second;
        auto id = store::local_identity(file);
        if (!id) continue;  // vanished since the scan: the next run sees it gone
        m.identity = *id;
    }
    for (const auto& key : wanted) {
        auto where = maildir::find_message(folder_dir, key);
        if (!where) continue;  // gone: the next full scan sees it gone
        auto id = store::local_identity(where->path);
        if (!id) continue;
        for (auto* row : rows_with([&key](const model::PairState& r) { return r.key == key; })) row->identity = *id;
    }
    co_return util::Expected<void>{};
}

}  // namespace mailtwin::engine
