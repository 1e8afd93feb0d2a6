// ImapStore's moves between server folders (store.hpp: move, message_ids, find_arrived).
#include <map>

#include "mailtwin/imap/seqset.hpp"
#include "mailtwin/store/imap_store.hpp"

namespace mailtwin::store {
namespace {

util::Error not_a_server_folder() {
    return util::Error{std::make_error_code(std::errc::invalid_argument),
                       "a server folder's messages can only move to another server folder"};
}

}  // namespace

asio::awaitable<util::Expected<MovedIds>> ImapStore::move(const std::vector<MoveGroup>& groups) {
    MovedIds out(groups.size());
    std::vector<std::pair<imap::SeqSet, std::string>> requests;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        out[g].resize(groups[g].ids.size());
        const auto* target = dynamic_cast<const ImapStore*>(groups[g].target);
        if (target == nullptr || target == this) co_return util::unexpected(not_a_server_folder());
        if (groups[g].ids.empty()) continue;
        std::vector<model::Uid> uids;
        uids.reserve(groups[g].ids.size());
        for (const auto& id : groups[g].ids) uids.push_back(id.uid);
        requests.emplace_back(imap::SeqSet::from_uids(uids), target->folder());
    }
    if (requests.empty()) co_return out;
    // One SELECT and one pipeline of UID MOVEs to every target: over a 40 ms link a round trip per
    // (from, to) pair was most of a resync.
    if (auto r = co_await ensure_selected(); !r) co_return util::unexpected(std::move(r).error());
    auto moved = co_await m_session->move_many(requests);
    if (!moved) co_return util::unexpected(std::move(moved).error());
    for (std::size_t g = 0; g < groups.size(); ++g)
        for (std::size_t i = 0; i < groups[g].ids.size(); ++i)
            if (auto it = moved->find(groups[g].ids[i].uid); it != moved->end()) out[g][i] = MessageId{it->second, {}};
    co_return out;
}

asio::awaitable<util::Expected<std::vector<std::optional<std::string>>>> ImapStore::message_ids(
    const std::vector<MessageId>& ids) {
    std::vector<std::optional<std::string>> out(ids.size());
    if (ids.empty()) co_return out;
    std::vector<model::Uid> uids;
    uids.reserve(ids.size());
    for (const auto& id : ids) uids.push_back(id.uid);
    if (auto r = co_await ensure_selected(); !r) co_return util::unexpected(std::move(r).error());
    auto meta = co_await m_session->fetch_meta(imap::SeqSet::from_uids(uids));
    if (!meta) co_return util::unexpected(std::move(meta).error());
    std::map<model::Uid, std::string> by_uid;
    for (auto& m : *meta)
        if (!m.message_id.empty()) by_uid[m.uid] = std::move(m.message_id);
    for (std::size_t i = 0; i < ids.size(); ++i)
        if (auto it = by_uid.find(ids[i].uid); it != by_uid.end()) out[i] = it->second;
    co_return out;
}

// Without COPYUID (Mailutils imap4d sends none) a moved copy's UID is unknown. It is the one message
// carrying the Message-ID at or above the first UID new to this folder (above every UID the view or
// the state knew here): none or several, and it stays unknown.
asio::awaitable<util::Expected<std::vector<std::optional<MessageId>>>> ImapStore::find_arrived(
    const std::vector<std::string>& message_ids) {
    std::vector<std::optional<MessageId>> out(message_ids.size());
    const model::Uid lowest = m_expect.first_new_uid;
    if (lowest == 0) co_return out;
    for (std::size_t i = 0; i < message_ids.size(); ++i) {
        if (message_ids[i].empty()) continue;
        if (auto r = co_await ensure_selected(); !r) co_return util::unexpected(std::move(r).error());
        auto found = co_await m_session->search_message_id(message_ids[i]);
        if (!found) co_return util::unexpected(std::move(found).error());
        std::vector<model::Uid> fresh;
        for (model::Uid u : *found)
            if (u >= lowest) fresh.push_back(u);
        if (fresh.size() == 1) out[i] = MessageId{fresh.front(), {}};
    }
    co_return out;
}

}  // namespace mailtwin::store
