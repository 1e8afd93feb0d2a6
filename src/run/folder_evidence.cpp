#include "folder_evidence.hpp"

#include <memory>

#include "mailtwin/run/views.hpp"
#include "mailtwin/state/state_rows.hpp"
#include "mailtwin/store/imap_store.hpp"
#include "mailtwin/store/maildir_store.hpp"
#include "mailtwin/sync/unsynced.hpp"

namespace mailtwin::engine {
namespace {

constexpr std::size_t k_sample = 5;

// The folder `name` on `side`, opened read-only (a server folder with EXAMINE).
util::Expected<std::unique_ptr<store::FolderStore>> open_store(const EvidenceSources& from, util::Side side,
                                                               const std::string& name) {
    if (side == util::Side::remote) {
        std::optional<imap::StatusData> status;
        if (auto s = from.statuses.find(name); s != from.statuses.end()) status = s->second;
        return std::unique_ptr<store::FolderStore>(
            std::make_unique<store::ImapStore>(from.session, store::ImapStore::Options{name, status, true, "", true}));
    }
    auto dir = from.dir_of(name);
    if (!dir) return util::unexpected(std::move(dir).error());
    auto local = store::MaildirStore::open(*dir, true);
    if (!local) return util::unexpected(std::move(local).error());
    return std::unique_ptr<store::FolderStore>(std::move(*local));
}

// The store's view of `name` on `side`, from `last`'s checkpoint; nullopt when it cannot be had.
asio::awaitable<std::optional<store::FolderViews>> view_from(const EvidenceSources& from, util::Side side,
                                                             const std::string& name, state::LoadedFolder& last,
                                                             std::unique_ptr<store::FolderStore>& opened) {
    auto store = open_store(from, side, name);
    if (!store) co_return std::nullopt;
    opened = std::move(*store);
    const auto checkpoint = checkpoint_of(last);
    const store::ViewRequest request{&last.pairs, checkpoint ? &*checkpoint : nullptr, false};
    store::FolderViews views;
    if (!co_await opened->view(views, request)) co_return std::nullopt;
    co_return views;
}

// Rows spread over the folder that `side` names and that carry an identity.
std::vector<const model::PairState*> sample_rows(const model::FolderState& rows, util::Side side) {
    std::vector<const model::PairState*> usable;
    for (const auto& row : rows.pairs)
        if (row.identity && (side == util::Side::remote ? row.uid != 0 : !row.key.empty())) usable.push_back(&row);
    if (usable.size() <= k_sample) return usable;
    std::vector<const model::PairState*> out;
    for (std::size_t i = 0; i < k_sample; ++i) out.push_back(usable[i * (usable.size() - 1) / (k_sample - 1)]);
    return out;
}

asio::awaitable<bool> holds_the_rows(const EvidenceSources& from, util::Side side, const std::string& candidate,
                                     state::LoadedFolder& last) {
    const auto sample = sample_rows(last.pairs, side);
    if (sample.empty()) co_return false;
    if (side == util::Side::remote) {
        auto s = from.statuses.find(candidate);
        if (s != from.statuses.end() && s->second.uidvalidity && *s->second.uidvalidity != last.pairs.uidvalidity)
            co_return false;  // its UIDs mean other messages: no view needed to tell
    }
    std::unique_ptr<store::FolderStore> store;
    auto views = co_await view_from(from, side, candidate, last, store);
    if (!views) co_return false;
    if (side == util::Side::remote && views->remote.uidvalidity != last.pairs.uidvalidity) co_return false;
    std::vector<store::MessageId> ids;
    for (const auto* row : sample) ids.push_back(store::MessageId{row->uid, row->key});
    auto identities = co_await store->identify(ids);
    if (!identities) co_return false;
    for (std::size_t i = 0; i < sample.size(); ++i)
        if (!(*identities)[i] || *(*identities)[i] != *sample[i]->identity) co_return false;
    co_return true;
}

asio::awaitable<bool> changed_on(const EvidenceSources& from, util::Side side, const std::string& name,
                                 state::LoadedFolder& last) {
    if (!last.record || last.unreadable > 0) co_return true;
    std::unique_ptr<store::FolderStore> store;
    auto views = co_await view_from(from, side, name, last, store);
    if (!views) co_return true;
    co_return side == util::Side::remote ? sync::changed_since_last_sync(views->remote, last.pairs)
                                         : sync::changed_since_last_sync(views->local, last.pairs);
}

}  // namespace

asio::awaitable<sync::FolderEvidence> gather_folder_evidence(const EvidenceSources& from,
                                                             const std::vector<sync::EvidenceWanted>& wanted) {
    sync::FolderEvidence evidence;
    for (const auto& w : wanted) {
        auto last = state::load_folder(from.db, state::FolderKey{from.account, w.known});
        if (!last) {  // unreadable: neither a rename nor unchanged can be shown
            if (from.propagate) evidence.unsynced[util::other(w.side)].insert(w.known);
            continue;
        }
        // INBOX is never renamed: IMAP's RENAME of INBOX moves its messages and leaves INBOX.
        if (w.known != "INBOX")
            for (const auto& candidate : w.candidates)
                if (co_await holds_the_rows(from, w.side, candidate, *last))
                    evidence.same_content[w.side].emplace_back(w.known, candidate);
        if (from.propagate && co_await changed_on(from, util::other(w.side), w.known, *last))
            evidence.unsynced[util::other(w.side)].insert(w.known);
    }
    co_return evidence;
}

}  // namespace mailtwin::engine
