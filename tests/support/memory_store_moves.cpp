// MemoryStore's moves between folders (store.hpp: move, message_ids, find_arrived).
#include <system_error>

#include "mailtwin/maildir/message_info.hpp"
#include "support/memory_store.hpp"

namespace mailtwin::test {
namespace {

util::Error move_error(std::string_view what, std::string_view why) {
    std::string message(what);
    message.append(why);
    return util::Error{std::make_error_code(std::errc::invalid_argument), std::move(message)};
}

std::optional<std::string> message_id_of(const std::string& bytes) {
    const std::size_t end = maildir::find_header_end(bytes);
    return maildir::parse_message_id(std::string_view(bytes).substr(0, end == std::string::npos ? bytes.size() : end));
}

}  // namespace

util::Expected<std::optional<store::MessageId>> MemoryStore::take_moved(MemoryStore& from, const store::MessageId& id) {
    auto it = from.locate(id);
    if (it == from.m_messages.end()) {
        if (m_side == util::Side::remote) return std::optional<store::MessageId>{};  // UID MOVE skips it
        return util::unexpected(move_error(from.name(id), ": no longer in the folder"));
    }
    StoredMessage m = it->second;
    if (m_side == util::Side::remote) {
        m.id.uid = m_uidnext++;
        m.modseq = ++m_highestmodseq;
        m.flags = kept(m.flags);
    } else {
        if (m_messages.count(m.id.key)) return util::unexpected(move_error(name(id), ": already in the target folder"));
        ++m_changes;
    }
    const store::MessageId moved = m.id;
    m_messages.emplace(index_key(moved), std::move(m));
    from.expunge(it);
    if (m_side == util::Side::remote && !from.m_move_reports_ids) return std::optional<store::MessageId>{};
    return std::optional<store::MessageId>(moved);
}

asio::awaitable<util::Expected<store::MovedIds>> MemoryStore::move(const std::vector<store::MoveGroup>& groups) {
    const auto fault = count_operation();
    if (fault && *fault == Fault::refuse) co_return util::unexpected(injected("move"));
    store::MovedIds out(groups.size());
    for (std::size_t g = 0; g < groups.size(); ++g) {
        auto* target = dynamic_cast<MemoryStore*>(groups[g].target);
        if (target == nullptr || target == this || target->m_side != m_side)
            co_return util::unexpected(move_error("a move needs another MemoryStore", " of the same side"));
        for (const auto& id : groups[g].ids) {
            auto moved = target->take_moved(*this, id);
            if (!moved) co_return util::unexpected(std::move(moved).error());
            out[g].push_back(*moved);
        }
    }
    if (fault) co_return util::unexpected(injected("move"));
    co_return out;
}

asio::awaitable<util::Expected<std::vector<std::optional<std::string>>>> MemoryStore::message_ids(
    const std::vector<store::MessageId>& ids) {
    if (count_operation()) co_return util::unexpected(injected("message_ids"));
    std::vector<std::optional<std::string>> out;
    out.reserve(ids.size());
    for (const auto& id : ids) {
        auto it = locate(id);
        out.push_back(it == m_messages.end() ? std::nullopt : message_id_of(it->second.bytes));
    }
    co_return out;
}

asio::awaitable<util::Expected<std::vector<std::optional<store::MessageId>>>> MemoryStore::find_arrived(
    const std::vector<std::string>& message_ids) {
    if (count_operation()) co_return util::unexpected(injected("find_arrived"));
    std::vector<std::optional<store::MessageId>> out(message_ids.size());
    if (m_side == util::Side::local) co_return out;  // a local move always knows its key
    for (std::size_t i = 0; i < message_ids.size(); ++i) {
        std::vector<store::MessageId> fresh;
        for (const auto& [index, m] : m_messages)
            if (m.id.uid >= m_checkpoint.uidnext && message_id_of(m.bytes) == message_ids[i]) fresh.push_back(m.id);
        if (fresh.size() == 1) out[i] = fresh.front();
    }
    co_return out;
}

}  // namespace mailtwin::test
