// Session: the commands that change the server (APPEND, STORE, COPY/MOVE, EXPUNGE), with the
// fallbacks for servers without UIDPLUS or MOVE. The reading half is in session.cpp.
#include <algorithm>
#include <array>
#include <set>

#include "mailtwin/net/server_claims.hpp"
#include "mailtwin/net/session.hpp"
#include "mailtwin/net/session_error.hpp"

namespace mailtwin::net {
namespace {

// APPENDs per MULTIAPPEND command or pipeline window.
constexpr std::size_t k_appends_per_batch = 50;

}  // namespace

Session::WriteCount::WriteCount(WriteLog* log, const std::string& folder) {
    if (!log) return;
    m_entry = &(*log)[folder];  // std::map: the entry stays where it is while others are added
    m_was_uncertain = m_entry->uncertain;
    m_entry->uncertain = true;
}

void Session::WriteCount::done(std::uint64_t added, std::uint64_t removed) {
    if (!m_entry) return;
    m_entry->added += added;
    m_entry->removed += removed;
    m_entry->uncertain = m_was_uncertain;
}

asio::awaitable<util::Expected<UidMapping>> Session::append(const std::string& folder, std::vector<AppendItem> items,
                                                            AppendExpectation expect) {
    WriteCount written(m_writes, folder);
    UidMapping uids(items.size());
    const bool multi = m_conn.capabilities().multiappend();
    std::vector<imap::Command> batch;
    std::vector<std::pair<std::size_t, std::size_t>> spans;  // command -> [first, first+count) of items
    for (std::size_t i = 0; i < items.size();) {
        std::size_t n = multi ? std::min(k_appends_per_batch, items.size() - i) : 1;
        std::vector<imap::AppendMessage> messages;
        for (std::size_t j = i; j < i + n; ++j) messages.push_back(items[j].message);
        auto cmd = m_conn.encoder().append(folder, messages);
        if (!cmd) co_return util::unexpected(std::move(cmd).error());
        batch.push_back(std::move(*cmd));
        spans.emplace_back(i, n);
        i += n;
    }
    auto replies = co_await m_conn.pipeline(std::move(batch));
    if (!replies) co_return util::unexpected(std::move(replies).error());
    bool missing = false;
    for (std::size_t c = 0; c < replies->size(); ++c) {
        const Reply& r = (*replies)[c];
        if (!r.ok()) co_return util::unexpected(r.to_error());
        auto [first, count] = spans[c];
        std::optional<imap::AppendUid> appended = r.code ? r.code->appenduid() : std::nullopt;
        if (appended && appended->uids.count() == count) {
            if (auto fault = check_appended(expect, *appended))
                co_return util::unexpected(server_fault(m_conn.peer(), folder, *fault));
            std::size_t k = first;
            for (model::Uid u : appended->uids) uids[k++] = u;
        } else {
            missing = true;
        }
    }
    if (missing) {
        const UidMapping told = uids;
        if (auto r = co_await resolve_without_uidplus(folder, items, uids); !r)
            co_return util::unexpected(std::move(r).error());
        // A UID found by searching is a guess, not a claim: one below the first new UID is an older
        // message with the same Message-ID, so the new one stays unknown (identity pairs it next run).
        for (std::size_t i = 0; i < uids.size(); ++i)
            if (!told[i] && uids[i] && expect.first_new_uid != 0 && *uids[i] < expect.first_new_uid) uids[i].reset();
    }
    written.done(items.size(), 0);
    co_return uids;
}

asio::awaitable<util::Expected<void>> Session::resolve_without_uidplus(const std::string& folder,
                                                                       const std::vector<AppendItem>& items,
                                                                       UidMapping& uids) {
    // Without APPENDUID the only way to learn a new message's UID is to look for it: the highest UID
    // carrying its Message-ID. A message without one stays unknown (the sync pairs it next run).
    auto selected = co_await select(folder);
    if (!selected) co_return util::unexpected(std::move(selected).error());
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (uids[i] || items[i].message_id.empty()) continue;
        auto found = co_await search_message_id(items[i].message_id);
        if (!found) co_return util::unexpected(std::move(found).error());
        if (!found->empty()) uids[i] = found->back();
    }
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<imap::UidSet>> Session::store_flags(const imap::SeqSet& uids, imap::StoreMode mode,
                                                                   const model::FlagSet& flags,
                                                                   std::optional<model::ModSeq> unchanged_since) {
    imap::UidSet modified;
    if (uids.empty()) co_return modified;
    WriteCount written(m_writes, m_selected.value_or(""));
    std::vector<imap::Command> batch;
    if (auto r = add_store_commands(batch, uids, mode, flags, unchanged_since); !r)
        co_return util::unexpected(std::move(r).error());
    auto replies = co_await m_conn.pipeline(std::move(batch));
    if (!replies) co_return util::unexpected(std::move(replies).error());
    for (const auto& r : *replies) {
        if (!r.ok()) co_return util::unexpected(r.to_error());
        if (r.code && r.code->kind == imap::CodeKind::modified)
            if (auto m = r.code->modified())
                for (const auto& range : m->ranges()) modified.add(range);
    }
    written.done(0, 0);
    co_return modified;
}

util::Expected<void> Session::add_store_commands(std::vector<imap::Command>& batch, const imap::SeqSet& uids,
                                                 imap::StoreMode mode, const model::FlagSet& flags,
                                                 std::optional<model::ModSeq> unchanged_since) {
    for (const auto& part : uids.split(imap::k_safe_set_bytes)) {
        auto cmd =
            m_conn.encoder().uid_store(part, mode, flags, m_conn.condstore_enabled() ? unchanged_since : std::nullopt);
        if (!cmd) return util::unexpected(std::move(cmd).error());
        batch.push_back(std::move(*cmd));
    }
    return {};
}

asio::awaitable<util::Expected<void>> Session::store_many(const std::vector<StoreRequest>& requests) {
    std::vector<imap::Command> batch;
    for (const auto& r : requests)
        if (!r.uids.empty())
            if (auto added = add_store_commands(batch, r.uids, r.mode, r.flags, std::nullopt); !added)
                co_return util::unexpected(std::move(added).error());
    if (batch.empty()) co_return util::Expected<void>{};
    WriteCount written(m_writes, m_selected.value_or(""));
    auto replies = co_await m_conn.pipeline(std::move(batch));
    if (!replies) co_return util::unexpected(std::move(replies).error());
    for (const auto& r : *replies)
        if (!r.ok()) co_return util::unexpected(r.to_error());
    written.done(0, 0);
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<std::map<model::Uid, model::Uid>>> Session::move(const imap::SeqSet& uids,
                                                                                const std::string& target) {
    co_return co_await copy_like(uids, target, true);
}

asio::awaitable<util::Expected<std::map<model::Uid, model::Uid>>> Session::copy(const imap::SeqSet& uids,
                                                                                const std::string& target) {
    co_return co_await copy_like(uids, target, false);
}

asio::awaitable<util::Expected<std::map<model::Uid, model::Uid>>> Session::move_many(
    const std::vector<std::pair<imap::SeqSet, std::string>>& moves) {
    if (!m_conn.capabilities().move()) {
        std::map<model::Uid, model::Uid> mapping;
        for (const auto& [uids, target] : moves) {
            auto one = co_await copy_like(uids, target, true);
            if (!one) co_return util::unexpected(std::move(one).error());
            mapping.merge(*one);
        }
        co_return mapping;
    }
    co_return co_await pipelined_copy(moves, true);
}

asio::awaitable<util::Expected<std::map<model::Uid, model::Uid>>> Session::pipelined_copy(
    const std::vector<std::pair<imap::SeqSet, std::string>>& copies, bool native_move) {
    // Source UIDs are unique in the selected folder, so one map holds every target's COPYUID.
    std::map<model::Uid, model::Uid> mapping;
    // server_claims.hpp: a copy's new UID is valid and given once (per target UIDVALIDITY).
    std::set<std::pair<model::UidValidity, model::Uid>> given;
    std::optional<std::string> fault;
    auto record = [&](const imap::ResponseCode& code) {
        auto c = code.copyuid();
        if (!c || c->source.count() != c->dest.count()) return;
        auto d = c->dest.begin();
        for (model::Uid s : c->source) {
            const model::Uid to = *d++;
            if ((to == 0 || to == imap::UidSet::k_star || !given.emplace(c->uidvalidity, to).second) && !fault)
                fault = "COPYUID " + std::to_string(c->uidvalidity) + " " + c->source.to_string() + " " +
                        c->dest.to_string() + ", which gives UID " + std::to_string(to) +
                        " to two messages or is no UID";
            mapping[s] = to;
        }
    };
    std::vector<imap::Command> batch;
    for (const auto& [uids, target] : copies)
        for (const auto& part : uids.split(imap::k_safe_set_bytes)) {
            auto cmd = native_move ? m_conn.encoder().uid_move(part, target) : m_conn.encoder().uid_copy(part, target);
            if (!cmd) co_return util::unexpected(std::move(cmd).error());
            batch.push_back(std::move(*cmd));
        }
    if (batch.empty()) co_return mapping;
    // Each target gains the messages; with MOVE the selected folder loses them (the fallback's
    // expunge counts itself).
    std::vector<std::pair<WriteCount, std::uint64_t>> targets;
    for (const auto& [uids, target] : copies) targets.emplace_back(WriteCount(m_writes, target), uids.count());
    std::optional<WriteCount> source;
    std::uint64_t moved_out = 0;
    if (native_move) {
        source.emplace(m_writes, m_selected.value_or(""));
        for (const auto& [uids, target] : copies) moved_out += uids.count();
    }
    // MOVE reports COPYUID in an untagged OK before the expunges (RFC 6851 §4.3); COPY in its tagged OK.
    auto replies = co_await m_conn.pipeline(std::move(batch), [&](imap::Response& r) {
        if (r.code && r.code->kind == imap::CodeKind::copyuid) record(*r.code);
    });
    if (!replies) co_return util::unexpected(std::move(replies).error());
    for (const auto& r : *replies) {
        if (!r.ok()) co_return util::unexpected(r.to_error());
        if (r.code && r.code->kind == imap::CodeKind::copyuid) record(*r.code);
    }
    if (fault) co_return util::unexpected(server_fault(m_conn.peer(), m_selected.value_or(""), *fault));
    for (auto& [target, n] : targets) target.done(n, 0);
    if (source) source->done(0, moved_out);
    co_return mapping;
}

asio::awaitable<util::Expected<std::map<model::Uid, model::Uid>>> Session::copy_like(const imap::SeqSet& uids,
                                                                                     const std::string& target,
                                                                                     bool move) {
    if (uids.empty()) co_return std::map<model::Uid, model::Uid>{};
    const bool native_move = move && m_conn.capabilities().move();
    std::vector<std::pair<imap::SeqSet, std::string>> one;
    one.emplace_back(uids, target);
    auto copied = co_await pipelined_copy(one, native_move);
    if (!copied) co_return util::unexpected(std::move(copied).error());
    auto mapping = std::move(*copied);
    if (move && !native_move) {
        // The fallback of RFC 6851 §3.3: the copies exist, now expunge exactly the originals.
        if (auto r = co_await expunge(uids); !r) co_return util::unexpected(std::move(r).error());
    }
    co_return mapping;
}

asio::awaitable<util::Expected<void>> Session::expunge(const imap::SeqSet& uids) {
    if (uids.empty()) co_return util::Expected<void>{};
    WriteCount written(m_writes, m_selected.value_or(""));
    // UID EXPUNGE removes only the messages of the set that carry \Deleted (RFC 4315 §2.1).
    model::FlagSet deleted;
    deleted.set(model::Flag::deleted);
    // STORE first, UID EXPUNGE only once it completed: the EXPUNGE depends on the STORE's result, and
    // a server may run pipelined commands in parallel (RFC 3501 §5.5) — Dovecot did, leaving the
    // message marked \Deleted and not expunged (found by the kill storm).
    if (auto r = co_await store_flags(uids, imap::StoreMode::add, deleted); !r)
        co_return util::unexpected(std::move(r).error());
    if (!m_conn.capabilities().uidplus()) {
        auto plain = co_await expunge_without_uidplus(uids);
        if (plain) written.done(0, uids.count());
        co_return plain;
    }
    std::vector<imap::Command> batch;
    for (const auto& part : uids.split(imap::k_safe_set_bytes)) {
        auto cmd = m_conn.encoder().uid_expunge(part);
        if (!cmd) co_return util::unexpected(std::move(cmd).error());
        batch.push_back(std::move(*cmd));
    }
    auto replies = co_await m_conn.pipeline(std::move(batch));
    if (!replies) co_return util::unexpected(std::move(replies).error());
    for (const auto& r : *replies)
        if (!r.ok()) co_return util::unexpected(r.to_error());
    written.done(0, uids.count());
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<void>> Session::expunge_without_uidplus(const imap::SeqSet& uids) {
    // Plain EXPUNGE removes every \Deleted message of the folder, including ones another client marked
    // and still wants to undelete. It is used only when the messages marked \Deleted are exactly ours.
    std::vector<model::Uid> marked;
    std::array<imap::SearchTerm, 1> criteria{imap::search_raw("DELETED")};
    auto reply = co_await run_ok(m_conn.encoder().uid_search(criteria, false), [&](imap::Response& r) {
        if (auto s = imap::decode_search(r))
            if (within_search_limit(marked.size() + s->ids.size()))
                marked.insert(marked.end(), s->ids.begin(), s->ids.end());
    });
    if (!reply) co_return util::unexpected(std::move(reply).error());
    for (model::Uid u : marked)
        if (!uids.contains(u))
            co_return util::unexpected(SessionError::capability_missing,
                                       m_conn.peer() + " lacks UIDPLUS and other messages in " +
                                           m_selected.value_or("the folder") +
                                           " are marked \\Deleted: mailtwin left its messages marked \\Deleted "
                                           "rather than expunge someone else's");
    auto expunged = co_await run_ok(m_conn.encoder().begin("EXPUNGE").finish());
    if (!expunged) co_return util::unexpected(std::move(expunged).error());
    co_return util::Expected<void>{};
}

}  // namespace mailtwin::net
