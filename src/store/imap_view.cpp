#include <algorithm>
#include <map>
#include <set>

#include "mailtwin/net/session_error.hpp"
#include "mailtwin/store/identity.hpp"
#include "mailtwin/store/imap_store.hpp"

namespace mailtwin::store {
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

// Size, date and identity for the messages of the view the state does not know (new ones).
asio::awaitable<util::Expected<void>> describe_new(net::Session& session, RemoteScan& out,
                                                   const model::FolderState& last) {
    std::set<model::Uid> known;
    for (const auto& p : last.pairs)
        if (p.uid != 0) known.insert(p.uid);
    // After a UIDVALIDITY change no UID of the state means anything.
    if (out.view.uidvalidity != last.uidvalidity) known.clear();
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

// Fetches the meta data and the identities of `uids`, keeping the identities only: the header
// fields and body starts they come from are dropped as each message arrives.
asio::awaitable<util::Expected<std::vector<net::MessageMeta>>> fetch_identified(
    net::Session& session, const std::vector<model::Uid>& uids, std::map<model::Uid, model::Identity>& ids) {
    co_return co_await session.fetch_meta(imap::SeqSet::from_uids(uids), k_identity_body_bytes,
                                          [&ids](net::MessageMeta& m) {
                                              ids[m.uid] = message_identity(m.header_block, m.body_start);
                                              m.header_block = {};
                                              m.body_start = {};
                                          });
}

bool remote_unchanged(const imap::StatusData& status, const Checkpoint& record) {
    if (!status.uidvalidity || !status.highestmodseq || record.highestmodseq == 0) return false;
    if (*status.uidvalidity != record.uidvalidity || *status.highestmodseq != record.highestmodseq) return false;
    if (status.uidnext && record.uidnext != 0 && *status.uidnext != record.uidnext) return false;
    if (status.messages && *status.messages != record.messages) return false;
    return true;
}

RemoteScan unchanged_remote_view(const imap::StatusData& status, const Checkpoint& record) {
    RemoteScan out;
    out.view.kind = model::RemoteViewKind::changes_since;
    out.view.uidvalidity = record.uidvalidity;
    out.view.highestmodseq = record.highestmodseq;
    out.view.changed_since = record.highestmodseq;
    out.view.uidnext = record.uidnext;
    out.selected.uidvalidity = record.uidvalidity;
    out.selected.uidnext = record.uidnext;
    out.selected.highestmodseq = record.highestmodseq;
    out.selected.exists = status.messages.value_or(record.messages);
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

asio::awaitable<util::Expected<RemoteScan>> scan_remote(net::Session& session, const std::string& folder,
                                                        const model::FolderState& state, const Checkpoint* last,
                                                        bool full) {
    RemoteScan out;
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
        if (last)
            for (model::Uid uid : last->skipped_remote)
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
    if (auto r = co_await describe_new(session, out, state); !r) co_return util::unexpected(std::move(r).error());
    co_return out;
}

}  // namespace mailtwin::store
