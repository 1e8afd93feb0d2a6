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

// Messages per pipelined UID FETCH BODY.PEEK[] command: small enough that a failure costs little,
// large enough that round trips vanish behind the pipeline window.
constexpr std::size_t k_bodies_per_fetch = 50;

}  // namespace

asio::awaitable<util::Expected<Reply>> Session::run(util::Expected<imap::Command> command,
                                                    const UntaggedHandler& on_untagged) {
    if (!command) co_return util::unexpected(std::move(command).error());
    co_return co_await m_conn.execute(std::move(*command), on_untagged);
}

asio::awaitable<util::Expected<Reply>> Session::run_ok(util::Expected<imap::Command> command,
                                                       const UntaggedHandler& on_untagged) {
    auto reply = co_await run(std::move(command), on_untagged);
    if (reply && !reply->ok()) co_return util::unexpected(reply->to_error());
    co_return reply;
}

bool Session::within_search_limit(std::uint64_t uids) {
    return m_conn.within_limit(uids, m_conn.answer_limits().max_messages, "UIDs in one search result", "max_messages");
}

bool Session::keywords_within_limit(const imap::FetchData& fetched) {
    if (!fetched.flags) return true;
    return m_conn.within_limit(fetched.flags->keywords.size(), m_conn.answer_limits().max_keywords_per_message,
                               "keywords on one message", "max_keywords_per_message");
}

asio::awaitable<util::Expected<SelectResult>> Session::select(const std::string& folder,
                                                              std::optional<QresyncKnown> known, bool read_only) {
    imap::SelectOptions options;
    if (known && m_conn.qresync_enabled() && known->uidvalidity != 0 && known->modseq != 0)
        options.qresync = imap::QresyncParams{known->uidvalidity, known->modseq, {}};
    else if (m_conn.condstore_enabled())
        options.condstore = !m_conn.qresync_enabled();  // after ENABLE QRESYNC, CONDSTORE is on already
    SelectResult result;
    result.read_only = read_only;
    const auto& limits = m_conn.answer_limits();
    std::optional<std::string> fault;  // server_claims.hpp
    auto on_untagged = [&](imap::Response& r) {
        if (auto n = imap::decode_exists(r))
            result.exists = *n;
        else if (auto v = imap::decode_vanished(r)) {
            if (!m_conn.within_limit(result.vanished.ranges().size() + v->uids.ranges().size(), limits.max_messages,
                                     "VANISHED ranges in one answer", "max_messages"))
                return;
            for (const auto& range : v->uids.ranges()) result.vanished.add(range);
        } else if (auto f = imap::decode_fetch(r)) {
            if (!m_conn.within_limit(result.changed.size() + 1, limits.max_messages, "FETCH responses to one command",
                                     "max_messages") ||
                !keywords_within_limit(*f))
                return;
            result.changed.push_back(std::move(*f));
        } else if (auto bad = invalid_fetch_uid(r)) {
            if (!fault) fault = std::move(bad);
        } else if (r.code) {
            switch (r.code->kind) {
                case imap::CodeKind::uidvalidity:
                    result.uidvalidity = r.code->uidvalidity().value_or(0);
                    break;
                case imap::CodeKind::uidnext:
                    result.uidnext = r.code->uidnext().value_or(0);
                    break;
                case imap::CodeKind::highestmodseq:
                    result.highestmodseq = r.code->highestmodseq().value_or(0);
                    break;
                case imap::CodeKind::nomodseq:
                    result.nomodseq = true;
                    break;
                case imap::CodeKind::closed:
                    // RFC 7162 §3.2.11: what came before [CLOSED] was about the previously selected
                    // folder (a late flag update or expunge), never about this one.
                    result.changed.clear();
                    result.vanished = imap::UidSet{};
                    result.exists = 0;
                    result.permanent_flags.reset();
                    break;
                case imap::CodeKind::permanentflags:
                    if (auto pf = r.code->permanent_flags()) result.permanent_flags = std::move(*pf);
                    break;
                default:
                    break;
            }
        }
    };
    m_selected.reset();
    auto command = read_only ? m_conn.encoder().examine(folder, options) : m_conn.encoder().select(folder, options);
    auto reply = co_await run_ok(std::move(command), on_untagged);
    if (!reply) co_return util::unexpected(std::move(reply).error());
    if (fault) co_return util::unexpected(server_fault(m_conn.peer(), folder, *fault));
    if (reply->code && reply->code->kind == imap::CodeKind::read_only) result.read_only = true;
    {
        // One entry per UID, the last received (an unsolicited update may repeat one); none without UID.
        std::set<model::Uid> seen;
        std::vector<imap::FetchData> latest;
        for (auto it = result.changed.rbegin(); it != result.changed.rend(); ++it)
            if (it->uid && seen.insert(*it->uid).second) latest.push_back(std::move(*it));
        std::reverse(latest.begin(), latest.end());
        result.changed = std::move(latest);
    }
    if (result.uidvalidity == 0)
        co_return util::unexpected(
            util::Error{SessionError::protocol_violation, "SELECT " + folder + ": the server sent no UIDVALIDITY"});
    m_selected = folder;
    co_return result;
}

// ---------------------------------------------------------------------------------------------------
// Reading messages

asio::awaitable<util::Expected<FlagChanges>> Session::fetch_flags(std::optional<model::ModSeq> since) {
    imap::FetchModifiers modifiers;
    if (since && m_conn.condstore_enabled()) {
        modifiers.changed_since = *since;
        modifiers.vanished = m_conn.qresync_enabled();
    }
    co_return co_await fetch_flags_in(imap::SeqSet::from_to_highest(1), modifiers);
}

asio::awaitable<util::Expected<std::vector<MessageFlags>>> Session::fetch_flags_of(const imap::SeqSet& uids) {
    auto flags = co_await fetch_flags_in(uids, {});
    if (!flags) co_return util::unexpected(std::move(flags).error());
    co_return std::move(flags->changed);
}

asio::awaitable<util::Expected<FlagChanges>> Session::fetch_flags_in(const imap::SeqSet& uids,
                                                                     const imap::FetchModifiers& modifiers) {
    FlagChanges out;
    std::vector<std::string_view> items{"UID", "FLAGS"};
    if (m_conn.condstore_enabled()) items.push_back("MODSEQ");
    std::optional<std::string> fault;  // server_claims.hpp: the first claim that cannot be
    UidUniqueness unique;
    auto reply = co_await run_ok(m_conn.encoder().uid_fetch(uids, items, modifiers), [&](imap::Response& r) {
        const auto& limits = m_conn.answer_limits();
        if (auto f = imap::decode_fetch(r)) {
            if (!f->uid || !f->flags) return;  // not ours: an unsolicited update
            if (!m_conn.within_limit(out.changed.size() + 1, limits.max_messages, "FETCH responses to one command",
                                     "max_messages") ||
                !keywords_within_limit(*f))
                return;
            if (auto twice = unique.saw(f->seq, *f->uid); twice && !fault) fault = twice;
            out.changed.push_back({*f->uid, *f->flags, f->modseq.value_or(0)});
        } else if (auto v = imap::decode_vanished(r)) {
            if (!m_conn.within_limit(out.vanished.ranges().size() + v->uids.ranges().size(), limits.max_messages,
                                     "VANISHED ranges in one answer", "max_messages"))
                return;
            for (const auto& range : v->uids.ranges()) out.vanished.add(range);
        } else if (auto bad = invalid_fetch_uid(r); bad && !fault) {
            fault = bad;
        } else if (r.data == imap::DataKind::expunge) {
            unique.expunged();
        }
    });
    if (!reply) co_return util::unexpected(std::move(reply).error());
    if (fault) co_return util::unexpected(server_fault(m_conn.peer(), m_selected.value_or(""), *fault));
    keep_latest_per_uid(out.changed);
    co_return out;
}

void keep_latest_per_uid(std::vector<MessageFlags>& flags) {
    std::stable_sort(flags.begin(), flags.end(), [](const auto& a, const auto& b) { return a.uid < b.uid; });
    std::vector<MessageFlags> unique;
    unique.reserve(flags.size());
    for (auto& f : flags) {
        if (!unique.empty() && unique.back().uid == f.uid) {
            const model::ModSeq modseq = std::max(unique.back().modseq, f.modseq);
            unique.back() = std::move(f);
            unique.back().modseq = modseq;
        } else {
            unique.push_back(std::move(f));
        }
    }
    flags = std::move(unique);
}

asio::awaitable<util::Expected<std::vector<model::Uid>>> Session::search_all_uids() {
    const bool esearch = m_conn.capabilities().esearch();
    std::vector<model::Uid> uids;
    std::optional<std::string> fault;  // server_claims.hpp: a missing UID would look expunged
    std::array<imap::SearchTerm, 1> criteria{imap::search_raw("ALL")};
    auto reply = co_await run_ok(m_conn.encoder().uid_search(criteria, esearch), [&](imap::Response& r) {
        if (auto e = imap::decode_esearch(r)) {
            // "ALL 1:4294967295" is 20 bytes that would expand to 16 GB: count before expanding.
            if (e->all && within_search_limit(uids.size() + e->all->count()))
                for (model::Uid u : *e->all) uids.push_back(u);
        } else if (auto s = imap::decode_search(r)) {
            if (within_search_limit(uids.size() + s->ids.size())) uids.insert(uids.end(), s->ids.begin(), s->ids.end());
        } else if (auto bad = invalid_search_answer(r); bad && !fault) {
            fault = std::move(bad);
        }
    });
    if (!reply) co_return util::unexpected(std::move(reply).error());
    if (fault) co_return util::unexpected(server_fault(m_conn.peer(), m_selected.value_or(""), *fault));
    std::sort(uids.begin(), uids.end());
    uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
    co_return uids;
}

asio::awaitable<util::Expected<std::vector<model::Uid>>> Session::search_message_id(const std::string& message_id) {
    std::vector<model::Uid> uids;
    std::array<imap::SearchTerm, 3> criteria{imap::search_raw("HEADER"), imap::search_string("Message-ID"),
                                             imap::search_string(message_id)};
    auto reply = co_await run_ok(m_conn.encoder().uid_search(criteria, false), [&](imap::Response& r) {
        if (auto s = imap::decode_search(r))
            if (within_search_limit(uids.size() + s->ids.size())) uids.insert(uids.end(), s->ids.begin(), s->ids.end());
    });
    if (!reply) co_return util::unexpected(std::move(reply).error());
    std::sort(uids.begin(), uids.end());
    co_return uids;
}

namespace {

// The Message-ID field's value in a fetched header block (unfolded, trimmed); "" if absent.
std::string message_id_field(std::string_view block) {
    std::size_t pos = 0;
    while (pos < block.size()) {
        std::size_t end = block.find('\n', pos);
        if (end == std::string_view::npos) end = block.size();
        std::string_view line = block.substr(pos, end - pos);
        pos = end + 1;
        if (line.size() < 11 || strncasecmp(line.data(), "message-id:", 11) != 0) continue;
        std::string value(line.substr(11));
        // Folded continuation lines start with white space (RFC 5322 §2.2.3).
        while (pos < block.size() && (block[pos] == ' ' || block[pos] == '\t')) {
            end = block.find('\n', pos);
            if (end == std::string_view::npos) end = block.size();
            value += block.substr(pos, end - pos);
            pos = end + 1;
        }
        std::string clean;
        for (char c : value)
            if (c != '\r' && c != '\n') clean += c;
        auto first = clean.find_first_not_of(" \t");
        auto last = clean.find_last_not_of(" \t");
        return first == std::string::npos ? std::string() : clean.substr(first, last - first + 1);
    }
    return {};
}

}  // namespace

asio::awaitable<util::Expected<std::vector<MessageMeta>>> Session::fetch_meta(const imap::SeqSet& uids,
                                                                              std::size_t body_start_bytes,
                                                                              const MetaDigest& digest) {
    std::vector<MessageMeta> out;
    if (uids.empty()) co_return out;
    std::vector<imap::Command> batch;
    const std::string body_item = "BODY.PEEK[TEXT]<0." + std::to_string(body_start_bytes) + ">";
    std::vector<std::string_view> items{"UID", "FLAGS", "RFC822.SIZE", "INTERNALDATE",
                                        "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID DATE FROM SUBJECT)]"};
    if (body_start_bytes > 0) items.push_back(body_item);
    for (const auto& part : uids.split(imap::k_safe_set_bytes)) {
        auto cmd = m_conn.encoder().uid_fetch(part, items);
        if (!cmd) co_return util::unexpected(std::move(cmd).error());
        batch.push_back(std::move(*cmd));
    }
    std::optional<std::string> fault;  // server_claims.hpp: the first claim that cannot be
    UidUniqueness unique;
    auto replies = co_await m_conn.pipeline(std::move(batch), [&](imap::Response& r) {
        auto f = imap::decode_fetch(r);
        if (!f) {
            if (auto bad = invalid_fetch_uid(r); bad && !fault) fault = bad;
            if (r.data == imap::DataKind::expunge) unique.expunged();
            return;
        }
        if (!f->uid || !f->rfc822_size) return;
        if (!m_conn.within_limit(out.size() + 1, m_conn.answer_limits().max_messages, "FETCH responses to one command",
                                 "max_messages") ||
            !keywords_within_limit(*f))
            return;
        if (auto twice = unique.saw(f->seq, *f->uid); twice && !fault) fault = twice;
        MessageMeta m;
        m.uid = *f->uid;
        m.flags = f->flags.value_or(model::FlagSet{});
        m.size = *f->rfc822_size;
        m.internal_date = f->internal_date;
        for (const auto& b : f->bodies) {
            if (b.nil || b.streamed) continue;
            if (util::iequals(b.section, "TEXT")) {
                m.body_start = b.data;
            } else {
                m.header_block = b.data;
                m.message_id = message_id_field(b.data);
            }
        }
        if (digest) digest(m);
        out.push_back(std::move(m));
    });
    if (!replies) co_return util::unexpected(std::move(replies).error());
    for (const auto& r : *replies)
        if (!r.ok()) co_return util::unexpected(r.to_error());
    if (fault) co_return util::unexpected(server_fault(m_conn.peer(), m_selected.value_or(""), *fault));
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.uid < b.uid; });
    co_return out;
}

namespace {

// Routes BODY[] literals to the consumer while the parser streams them.
class ConsumerSink final : public imap::LiteralSink {
public:
    explicit ConsumerSink(BodyConsumer& consumer) : m_consumer(consumer) {}
    bool begin(const imap::FetchContext& ctx, std::uint64_t total) override {
        if (!ctx.section.empty()) return false;  // only whole messages are streamed
        m_consumer.begin_body(total);
        return true;
    }
    void data(std::string_view chunk) override { m_consumer.body_data(chunk); }
    void end() override { m_consumer.end_body(); }

private:
    BodyConsumer& m_consumer;
};

// Detaches the sink when the fetch ends, whatever the outcome. If the fetch failed in the middle of
// a body, the parser would go on writing into the dead sink: the connection is abandoned instead.
class SinkGuard {
public:
    SinkGuard(Connection& conn, imap::LiteralSink* sink) : m_conn(conn) { m_conn.parser().set_sink(sink); }
    ~SinkGuard() {
        if (!m_conn.parser().idle()) m_conn.abandon();
        m_conn.parser().set_sink(nullptr);
    }
    SinkGuard(const SinkGuard&) = delete;
    SinkGuard& operator=(const SinkGuard&) = delete;

private:
    Connection& m_conn;
};

}  // namespace

asio::awaitable<util::Expected<void>> Session::fetch_bodies(const imap::SeqSet& uids, BodyConsumer& consumer) {
    if (uids.empty()) co_return util::Expected<void>{};
    std::vector<model::Uid> all;
    for (const auto& r : uids.ranges())
        for (std::uint64_t u = r.first; u <= r.last; ++u) all.push_back(static_cast<model::Uid>(u));
    std::vector<imap::Command> batch;
    const std::array<std::string_view, 5> items{"UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "BODY.PEEK[]"};
    for (std::size_t i = 0; i < all.size(); i += k_bodies_per_fetch) {
        std::size_t n = std::min(k_bodies_per_fetch, all.size() - i);
        auto cmd = m_conn.encoder().uid_fetch(imap::SeqSet::from_uids(std::span(all).subspan(i, n)), items);
        if (!cmd) co_return util::unexpected(std::move(cmd).error());
        batch.push_back(std::move(*cmd));
    }
    ConsumerSink sink(consumer);
    SinkGuard guard(m_conn, &sink);
    std::size_t fetched = 0;
    auto replies = co_await m_conn.pipeline(std::move(batch), [&](imap::Response& r) {
        if (auto f = imap::decode_fetch(r)) {
            if (!m_conn.within_limit(++fetched, m_conn.answer_limits().max_messages, "FETCH responses to one command",
                                     "max_messages") ||
                !keywords_within_limit(*f))
                return;
            consumer.message(*f);
        }
    });
    if (!replies) co_return util::unexpected(std::move(replies).error());
    for (const auto& r : *replies)
        if (!r.ok()) co_return util::unexpected(r.to_error());
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<void>> Session::noop() {
    auto reply = co_await run_ok(m_conn.encoder().noop());
    if (!reply) co_return util::unexpected(std::move(reply).error());
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<void>> Session::notify_personal() {
    if (!m_conn.capabilities().notify())
        co_return util::unexpected(SessionError::capability_missing, m_conn.peer() + " does not support NOTIFY");
    auto reply = co_await run_ok(m_conn.encoder().notify_set(
        "(SELECTED (MessageNew (UID) MessageExpunge FlagChange)) (PERSONAL (MessageNew MessageExpunge MailboxName))"));
    if (!reply) co_return util::unexpected(std::move(reply).error());
    co_return util::Expected<void>{};
}

}  // namespace mailtwin::net
