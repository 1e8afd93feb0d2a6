// net::Session, the folder commands: LIST (with STATUS and NAMESPACE), STATUS, CREATE, DELETE,
// RENAME, leaving the selected folder, NAMESPACE. The rest of the session is in session.cpp.
#include "mailtwin/net/session.hpp"

#include <strings.h>
#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <span>

#include "mailtwin/imap/utf7.hpp"
#include "mailtwin/net/server_claims.hpp"
#include "mailtwin/net/session_error.hpp"
#include "mailtwin/util/ascii.hpp"

namespace mailtwin::net {
namespace {

// Entries of a NAMESPACE response, all three kinds together.
std::size_t namespace_entries(const imap::Namespaces& ns) {
    return ns.personal.size() + ns.other_users.size() + ns.shared.size();
}

std::string decode_name(std::string_view wire, bool utf8) {
    auto name = imap::mailbox_from_wire(wire, utf8);
    return name ? *name : std::string(wire);  // an undecodable name is kept as sent (the caller validates paths)
}

// A second STATUS answer for the same folder adds the items it carries (MAILBOXID, asked apart).
void merge_status(imap::StatusData& into, imap::StatusData&& more) {
    auto take = [](auto& to, auto& from) {
        if (from) to = std::move(from);
    };
    take(into.messages, more.messages);
    take(into.recent, more.recent);
    take(into.uidnext, more.uidnext);
    take(into.uidvalidity, more.uidvalidity);
    take(into.unseen, more.unseen);
    take(into.highestmodseq, more.highestmodseq);
    take(into.mailbox_id, more.mailbox_id);
}

// MAILBOXID (RFC 8474) is asked in a STATUS of its own, never beside the counters: Cyrus 3.6 answers
// a STATUS or LIST-STATUS that asks for both with stray bytes in place of the id (seen on the test
// fixture; the id comes from a mailbox it has closed by then), and asked alone it answers right.
constexpr std::array<std::string_view, 1> k_mailbox_id_item{"MAILBOXID"};

// LIST "" "*" RETURN (STATUS (MAILBOXID)): the ids of the folders `statuses` already holds. A server
// that refuses it leaves them without one (an id is extra knowledge, not needed to sync).
asio::awaitable<util::Expected<void>> list_mailbox_ids(Connection& conn,
                                                       std::map<std::string, imap::StatusData>& statuses) {
    imap::ListReturn ids{false, {std::string(k_mailbox_id_item[0])}};
    auto command = conn.encoder().list("", "*", ids);
    if (!command) co_return util::unexpected(std::move(command).error());
    auto reply = co_await conn.execute(std::move(*command), [&statuses](imap::Response& r) {
        auto st = imap::decode_status(r);
        if (!st) return;
        auto it = statuses.find(st->mailbox);
        if (it != statuses.end() && st->mailbox_id) it->second.mailbox_id = std::move(st->mailbox_id);
    });
    if (!reply) co_return util::unexpected(std::move(reply).error());
    co_return util::Expected<void>{};
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Folders

asio::awaitable<util::Expected<std::vector<FolderInfo>>> Session::list_folders(bool with_status,
                                                                               imap::Namespaces* namespaces) {
    const auto& caps = m_conn.capabilities();
    const bool utf8 = m_conn.utf8_enabled();
    const bool list_status = with_status && caps.list_status();
    const auto& limits = m_conn.answer_limits();
    std::vector<FolderInfo> folders;
    std::map<std::string, imap::StatusData> statuses;  // by wire name
    auto on_untagged = [&](imap::Response& r) {
        if (auto entry = imap::decode_list(r)) {
            if (!m_conn.within_limit(folders.size() + 1, limits.max_folders, "folders in one listing", "max_folders"))
                return;
            FolderInfo f;
            f.wire_name = entry->mailbox;
            f.name = decode_name(entry->mailbox, utf8);
            f.delimiter = entry->delimiter;
            f.attributes = entry->attr_bits;
            f.selectable = !entry->has(imap::MailboxAttr::noselect) && !entry->has(imap::MailboxAttr::nonexistent);
            folders.push_back(std::move(f));
        } else if (auto st = imap::decode_status(r)) {
            if (auto known = statuses.find(st->mailbox); known != statuses.end()) {
                merge_status(known->second, std::move(*st));
                return;
            }
            if (!m_conn.within_limit(statuses.size() + 1, limits.max_folders, "STATUS answers in one listing",
                                     "max_folders"))
                return;
            std::string key = st->mailbox;
            statuses.emplace(std::move(key), std::move(*st));
        } else if (namespaces) {
            if (auto ns = imap::decode_namespace(r))
                if (m_conn.within_limit(namespace_entries(*ns), limits.max_namespaces, "namespaces", "max_namespaces"))
                    *namespaces = std::move(*ns);
        }
    };
    imap::Command command = list_status ? m_conn.encoder().list_all(caps.condstore())
                                        : *m_conn.encoder().list("", "*", imap::ListReturn{caps.special_use(), {}});
    std::vector<imap::Command> listing;
    const bool ask_namespace = namespaces && caps.namespace_();
    if (namespaces) *namespaces = imap::Namespaces{};
    if (ask_namespace) listing.push_back(m_conn.encoder().namespace_());
    listing.push_back(std::move(command));
    auto listed = co_await m_conn.pipeline(std::move(listing), on_untagged);
    if (!listed) co_return util::unexpected(std::move(listed).error());
    for (const auto& reply : *listed)
        if (!reply.ok()) co_return util::unexpected(reply.to_error());
    if (namespaces && namespaces->personal.empty()) namespaces->personal.push_back({"", std::nullopt});

    if (with_status && !list_status) {
        // Fallback: one STATUS per selectable folder (and with OBJECTID one STATUS (MAILBOXID), see
        // k_mailbox_id_item), all pipelined in one round trip.
        std::vector<imap::Command> batch;
        std::vector<std::string_view> items{"MESSAGES", "UIDNEXT", "UIDVALIDITY"};
        if (caps.condstore()) items.push_back("HIGHESTMODSEQ");
        for (const auto& f : folders) {
            if (!f.selectable) continue;
            for (bool id : {false, true}) {
                if (id && !caps.objectid()) continue;
                const std::span<const std::string_view> asked =
                    id ? std::span<const std::string_view>(k_mailbox_id_item)
                       : std::span<const std::string_view>(items);
                auto cmd = m_conn.encoder().status(f.name, asked);
                if (!cmd) co_return util::unexpected(std::move(cmd).error());
                batch.push_back(std::move(*cmd));
            }
        }
        auto replies = co_await m_conn.pipeline(std::move(batch), on_untagged);
        if (!replies) co_return util::unexpected(std::move(replies).error());
    } else if (list_status && caps.objectid()) {
        if (auto ids = co_await list_mailbox_ids(m_conn, statuses); !ids) co_return util::unexpected(ids.error());
    }
    for (auto& f : folders) {
        auto it = statuses.find(f.wire_name);
        if (it == statuses.end()) {
            // Servers may quote or re-encode differently in STATUS: match on the decoded name too.
            it = std::find_if(statuses.begin(), statuses.end(),
                              [&](const auto& kv) { return decode_name(kv.first, utf8) == f.name; });
        }
        if (it != statuses.end()) {
            f.status = it->second;
            f.mailbox_id = it->second.mailbox_id.value_or(std::string{});
        }
    }
    co_return folders;
}

asio::awaitable<util::Expected<imap::StatusData>> Session::status(const std::string& folder) {
    std::vector<std::string_view> items{"MESSAGES", "UIDNEXT", "UIDVALIDITY"};
    if (m_conn.capabilities().condstore()) items.push_back("HIGHESTMODSEQ");
    std::optional<imap::StatusData> result;
    auto reply = co_await run_ok(m_conn.encoder().status(folder, items), [&](imap::Response& r) {
        if (auto st = imap::decode_status(r)) result = std::move(*st);
    });
    if (!reply) co_return util::unexpected(std::move(reply).error());
    if (!result)
        co_return util::unexpected(
            util::Error{SessionError::protocol_violation, "STATUS " + folder + ": no STATUS data"});
    co_return *result;
}

asio::awaitable<util::Expected<void>> Session::create_folder(const std::string& folder) {
    auto reply = co_await run(m_conn.encoder().create(folder));
    if (!reply) co_return util::unexpected(std::move(reply).error());
    // Creating a folder that exists is success for an idempotent sync step.
    if (!reply->ok() && !(reply->code && reply->code->name == "ALREADYEXISTS"))
        co_return util::unexpected(reply->to_error());
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<void>> Session::leave_selected() {
    if (!m_selected) co_return util::Expected<void>{};
    if (!m_conn.capabilities().has("UNSELECT")) {
        if (auto r = co_await select(*m_selected, std::nullopt, true); !r)
            co_return util::unexpected(std::move(r).error());
        if (auto r = co_await run_ok(m_conn.encoder().close_mailbox()); !r)
            co_return util::unexpected(std::move(r).error());
    } else if (auto r = co_await run_ok(m_conn.encoder().unselect()); !r) {
        co_return util::unexpected(std::move(r).error());
    }
    m_selected.reset();
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<void>> Session::delete_folder(const std::string& folder) {
    if (m_selected == folder)
        if (auto left = co_await leave_selected(); !left) co_return util::unexpected(std::move(left).error());
    auto reply = co_await run_ok(m_conn.encoder().delete_(folder));
    if (!reply) co_return util::unexpected(std::move(reply).error());
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<void>> Session::rename_folder(const std::string& from, const std::string& to) {
    // Every message changes folder: neither name's counts can be told from this run's any more.
    if (m_writes) (*m_writes)[from].uncertain = (*m_writes)[to].uncertain = true;
    if (m_selected == from) m_selected.reset();  // the selected name no longer names a folder
    auto reply = co_await run_ok(m_conn.encoder().rename(from, to));
    if (!reply) co_return util::unexpected(std::move(reply).error());
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<imap::Namespaces>> Session::namespaces() {
    imap::Namespaces result;
    bool got = false;
    if (!m_conn.capabilities().namespace_()) {
        // RFC 2342 absent: assume one personal namespace with the LIST delimiter (mbsync does the same).
        result.personal.push_back({"", std::nullopt});
        co_return result;
    }
    auto reply = co_await run_ok(m_conn.encoder().namespace_(), [&](imap::Response& r) {
        if (auto ns = imap::decode_namespace(r)) {
            if (!m_conn.within_limit(namespace_entries(*ns), m_conn.answer_limits().max_namespaces, "namespaces",
                                     "max_namespaces"))
                return;
            result = std::move(*ns);
            got = true;
        }
    });
    if (!reply) co_return util::unexpected(std::move(reply).error());
    if (!got) result.personal.push_back({"", std::nullopt});
    co_return result;
}

}  // namespace mailtwin::net
