#include "mailtwin/store/imap_store.hpp"

#include <algorithm>
#include <set>

#include "mailtwin/imap/seqset.hpp"

namespace mailtwin::store {
namespace {

util::Error uidvalidity_changed(const std::string& folder) {
    return util::Error{std::make_error_code(std::errc::resource_unavailable_try_again),
                       "UIDVALIDITY of " + folder + " changed during the run; run again"};
}

std::vector<model::Uid> uids_of(const std::vector<MessageId>& ids) {
    std::vector<model::Uid> out;
    out.reserve(ids.size());
    for (const auto& id : ids) out.push_back(id.uid);
    return out;
}

// The lowest UID a message appended to the folder now may have: new UIDs only grow (RFC 3501
// 2.3.1.1), so it is above every UID the view or (same UIDVALIDITY) the state knows, and at least
// UIDNEXT.
net::AppendExpectation expectation_of(const RemoteScan& scan, const model::FolderState& rows) {
    net::AppendExpectation e;
    e.uidvalidity = scan.view.uidvalidity;
    model::Uid floor = std::max(scan.view.uidnext, scan.selected.uidnext);
    auto above = [&floor](model::Uid uid) {
        if (uid != 0 && uid != 0xFFFFFFFFu) floor = std::max(floor, uid + 1);
    };
    for (const auto& m : scan.view.messages) above(m.uid);
    if (rows.uidvalidity == scan.view.uidvalidity)
        for (const auto& r : rows.pairs) above(r.uid);
    e.first_new_uid = floor;
    return e;
}

// Streams FETCH bodies into a sink, checking each against the size the server announced for it: a
// body of another size is not the message and never reaches the sink's end().
class SizeCheckingConsumer final : public net::BodyConsumer {
public:
    SizeCheckingConsumer(MessageSink& sink, const std::map<model::Uid, std::size_t>& index,
                         const std::map<model::Uid, Described>& described, ReadReport& report, std::string peer,
                         std::string folder)
        : m_sink(sink),
          m_index(index),
          m_described(described),
          m_report(report),
          m_peer(std::move(peer)),
          m_folder(std::move(folder)) {}

    void begin_body(std::uint64_t size) override {
        m_body_size = size;
        m_sink.begin(size);
    }
    void body_data(std::string_view chunk) override { m_sink.data(chunk); }
    void end_body() override { m_body_complete = true; }
    void message(const imap::FetchData& f) override {
        if (!m_body_complete) return;  // an unsolicited flag update, not one of ours
        m_body_complete = false;
        if (!f.uid) return;
        auto it = m_index.find(*f.uid);
        if (it == m_index.end()) return;  // never asked for: the sink drops it
        auto known = m_described.find(*f.uid);
        const std::uint64_t announced =
            f.rfc822_size.value_or(known == m_described.end() ? m_body_size : known->second.size);
        if (auto fault = net::check_body_size(*f.uid, m_body_size, announced)) {
            if (!m_report.fault) m_report.fault = net::server_fault(m_peer, m_folder, *fault);
            return;
        }
        m_sink.end(it->second);
    }

private:
    MessageSink& m_sink;
    const std::map<model::Uid, std::size_t>& m_index;
    const std::map<model::Uid, Described>& m_described;
    ReadReport& m_report;
    std::string m_peer;
    std::string m_folder;
    std::uint64_t m_body_size = 0;
    bool m_body_complete = false;
};

}  // namespace

asio::awaitable<util::Expected<void>> ImapStore::view(FolderViews& views, const ViewRequest& request) {
    const model::FolderState& rows = *request.rows;
    if (!m_options.exists) {
        m_scan = RemoteScan{};  // not created yet (dry run): an empty folder with a new UIDVALIDITY
    } else if (!request.full && m_options.status && request.last &&
               remote_unchanged(*m_options.status, *request.last)) {
        m_scan = unchanged_remote_view(*m_options.status, *request.last);  // changed locally only: no SELECT
    } else {
        auto scan = co_await scan_remote(*m_session, m_options.folder, rows, request.last, request.full);
        if (!scan) co_return util::unexpected(std::move(scan).error());
        m_scan = std::move(*scan);
    }
    m_expect = expectation_of(m_scan, rows);
    for (const auto& m : m_scan.view.messages)
        if (m.identity) m_described[m.uid] = Described{m.identity, m.size, {}};
    views.remote = std::move(m_scan.view);
    m_scan.view.messages = {};
    m_scan.view.vanished = {};
    // The scalars stay valid after the move: the checkpoint is made from them.
    m_scan.view.uidvalidity = views.remote.uidvalidity;
    m_scan.view.highestmodseq = views.remote.highestmodseq;
    m_scan.view.uidnext = views.remote.uidnext;
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<void>> ImapStore::ensure_selected() {
    if (m_session->selected() == m_options.folder) co_return util::Expected<void>{};
    auto sel = co_await m_session->select(m_options.folder, std::nullopt, m_options.dry_run);
    if (!sel) co_return util::unexpected(std::move(sel).error());
    if (m_options.exists && sel->uidvalidity != m_scan.view.uidvalidity)
        co_return util::unexpected(uidvalidity_changed(m_options.folder));
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<void>> ImapStore::learn_storable(FolderViews& views) {
    auto sel = co_await m_session->select(m_options.folder, std::nullopt, m_options.dry_run);  // EXAMINE in a dry run
    if (!sel) co_return util::unexpected(std::move(sel).error());
    if (sel->uidvalidity != m_scan.view.uidvalidity) co_return util::unexpected(uidvalidity_changed(m_options.folder));
    views.remote.storable = storable_flags(sel->permanent_flags);
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<std::vector<Described>>> ImapStore::describe(const std::vector<MessageId>& ids) {
    std::vector<model::Uid> missing;
    for (const auto& id : ids)
        if (!m_described.count(id.uid)) missing.push_back(id.uid);
    if (!missing.empty()) {
        std::sort(missing.begin(), missing.end());
        missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
        if (auto r = co_await ensure_selected(); !r) co_return util::unexpected(std::move(r).error());
        std::map<model::Uid, model::Identity> identities;
        auto meta = co_await fetch_identified(*m_session, missing, identities);
        if (!meta) co_return util::unexpected(std::move(meta).error());
        for (const auto& m : *meta) m_described[m.uid] = Described{identities.at(m.uid), m.size, {}};
    }
    std::vector<Described> out;
    out.reserve(ids.size());
    for (const auto& id : ids) {
        auto it = m_described.find(id.uid);
        if (it != m_described.end()) {
            out.push_back(it->second);
            continue;
        }
        Described gone;
        gone.not_carried = "server message UID " + std::to_string(id.uid) + " of " + m_options.folder +
                           " is gone (expunged since it was listed)";
        out.push_back(std::move(gone));
    }
    co_return out;
}

asio::awaitable<util::Expected<std::vector<std::optional<model::Identity>>>> ImapStore::identify(
    const std::vector<MessageId>& ids) {
    auto described = co_await describe(ids);
    if (!described) co_return util::unexpected(std::move(described).error());
    std::vector<std::optional<model::Identity>> out;
    out.reserve(ids.size());
    for (const auto& d : *described) out.push_back(d.identity);
    co_return out;
}

Checkpoint ImapStore::checkpoint() const {
    Checkpoint c;
    c.uidvalidity = m_scan.view.uidvalidity;
    c.highestmodseq = m_scan.view.highestmodseq;
    c.uidnext = m_scan.view.uidnext;
    c.messages = m_scan.selected.exists;
    return c;
}

void ImapStore::retain(const std::vector<MessageId>& named, const model::FolderState& /*rows*/) {
    std::set<model::Uid> keep;
    for (const auto& id : named) keep.insert(id.uid);
    std::erase_if(m_described, [&keep](const auto& entry) { return !keep.count(entry.first); });
}

asio::awaitable<util::Expected<std::size_t>> ImapStore::set_flags(const std::vector<FlagChange>& changes) {
    if (changes.empty()) co_return std::size_t{0};
    // One STORE per distinct (add, remove) pair, over all the UIDs that share it.
    std::map<std::pair<std::string, std::string>, std::pair<const FlagChange*, std::vector<model::Uid>>> groups;
    for (const auto& c : changes) {
        auto& g = groups[{c.add.to_imap(), c.remove.to_imap()}];
        g.first = &c;
        g.second.push_back(c.id.uid);
    }
    std::vector<net::StoreRequest> stores;  // sent in one pipeline: one round trip for all groups
    for (auto& [names, group] : groups) {
        auto set = imap::SeqSet::from_uids(group.second);
        if (!names.first.empty()) stores.push_back({set, imap::StoreMode::add, group.first->add});
        if (!names.second.empty()) stores.push_back({set, imap::StoreMode::remove, group.first->remove});
    }
    if (!stores.empty()) {
        if (auto r = co_await ensure_selected(); !r) co_return util::unexpected(std::move(r).error());
        if (auto r = co_await m_session->store_many(stores); !r) co_return util::unexpected(std::move(r).error());
    }
    co_return changes.size();
}

asio::awaitable<util::Expected<void>> ImapStore::remove(const std::vector<Removal>& removals) {
    if (removals.empty()) co_return util::Expected<void>{};
    std::vector<model::Uid> plain;
    std::vector<model::Uid> marked;  // expunged even with `trash` (Removal::marked_here)
    const bool to_trash = !m_options.trash.empty() && m_options.trash != m_options.folder;
    for (const auto& r : removals) (to_trash && r.marked_here ? marked : plain).push_back(r.id.uid);
    if (auto r = co_await ensure_selected(); !r) co_return r;
    if (!plain.empty() && to_trash) {
        // A message marked \Deleted (the user's T) arrives in the trash folder unmarked: marked, the
        // next sync of the trash folder would expunge it from there too. Unmarked first, so that
        // without UIDPLUS the expunge below finds no \Deleted but its own.
        model::FlagSet mark;
        mark.set(model::Flag::deleted);
        const std::vector<net::StoreRequest> unmark{{imap::SeqSet::from_uids(plain), imap::StoreMode::remove, mark}};
        if (auto r = co_await m_session->store_many(unmark); !r) co_return r;
    }
    if (!marked.empty())
        if (auto r = co_await m_session->expunge(imap::SeqSet::from_uids(marked)); !r) co_return r;
    if (plain.empty()) co_return util::Expected<void>{};
    if (to_trash) {
        // `trash`: what the user deleted locally goes to the server's trash folder, to be emptied
        // there by the user's own rules, instead of being expunged.
        auto moved = co_await m_session->move(imap::SeqSet::from_uids(plain), m_options.trash);
        if (!moved) co_return util::unexpected(std::move(moved).error());
        co_return util::Expected<void>{};
    }
    co_return co_await m_session->expunge(imap::SeqSet::from_uids(plain));
}

asio::awaitable<util::Expected<ReadReport>> ImapStore::read(const std::vector<MessageId>& ids, MessageSink& sink) {
    ReadReport report;
    if (ids.empty()) co_return report;
    if (auto r = co_await ensure_selected(); !r) co_return util::unexpected(std::move(r).error());
    std::map<model::Uid, std::size_t> index;
    for (std::size_t i = 0; i < ids.size(); ++i) index.emplace(ids[i].uid, i);
    SizeCheckingConsumer consumer(sink, index, m_described, report, m_session->connection().peer(), m_options.folder);
    auto fetched = co_await m_session->fetch_bodies(imap::SeqSet::from_uids(uids_of(ids)), consumer);
    if (!fetched) co_return util::unexpected(std::move(fetched).error());
    co_return report;
}

}  // namespace mailtwin::store
