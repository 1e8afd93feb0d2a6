#include "support/memory_store.hpp"

#include <algorithm>
#include <cstdio>
#include <system_error>
#include <utility>

#include "mailtwin/store/identity.hpp"

namespace mailtwin::test {

namespace {

model::Identity identity_of(const std::string& bytes) { return store::message_identity(bytes); }

std::string uid_index(model::Uid uid) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%010u", static_cast<unsigned>(uid));
    return buf;
}

}  // namespace

std::uint64_t crlf_size(std::string_view bytes) {
    std::uint64_t size = bytes.size();
    for (std::size_t i = 0; i < bytes.size(); ++i)
        if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) ++size;
    return size;
}

std::string make_message(std::string_view message_id, std::string_view subject, std::string_view body) {
    std::string out;
    out.append("Message-ID: <").append(message_id).append(">\n");
    out.append("From: someone@example.org\nDate: Mon, 7 Dec 2026 10:00:00 +0000\n");
    out.append("Subject: ").append(subject).append("\n\n");
    out.append(body).append("\n");
    return out;
}

MemoryStore::MemoryStore(util::Side side)
    : m_side(side),
      m_traits{side == util::Side::remote, side == util::Side::remote},
      m_view_identities(side == util::Side::remote ? ViewIdentities::new_only : ViewIdentities::none) {}

MemoryStore::~MemoryStore() = default;

void MemoryStore::set_batch_size(std::size_t messages) { m_batch_size = std::max<std::size_t>(1, messages); }
void MemoryStore::set_read_chunk(std::size_t bytes) { m_read_chunk = std::max<std::size_t>(1, bytes); }

void MemoryStore::fail_after(std::size_t n, Fault fault) {
    m_faults->fail_at = m_faults->operations + std::max<std::size_t>(1, n);
    m_faults->fault = fault;
}

std::optional<Fault> MemoryStore::count_operation() {
    FaultCounter& f = *m_faults;
    ++f.operations;
    if (f.fail_at == 0 || f.operations != f.fail_at) return std::nullopt;
    f.fail_at = 0;
    ++f.fired;
    return f.fault;
}

util::Error MemoryStore::injected(std::string_view what) const {
    std::string message("injected fault: ");
    message.append(util::side_name(m_side)).append(" ").append(what);
    return util::Error{std::make_error_code(std::errc::io_error), std::move(message)};
}

std::string MemoryStore::index_key(const store::MessageId& id) const {
    return m_side == util::Side::remote ? uid_index(id.uid) : id.key;
}

std::string MemoryStore::name(const store::MessageId& id) const {
    if (m_side == util::Side::remote) return "uid " + std::to_string(id.uid);
    std::string out("key ");
    out.append(id.key);
    return out;
}

std::map<std::string, StoredMessage>::iterator MemoryStore::locate(const store::MessageId& id) {
    if (m_side == util::Side::remote ? id.uid == 0 : id.key.empty()) return m_messages.end();
    return m_messages.find(index_key(id));
}

model::FlagSet MemoryStore::kept(const model::FlagSet& flags) const {
    return m_side == util::Side::remote ? m_storable.kept(flags) : flags;
}

store::MessageId MemoryStore::store_message(std::string bytes, model::FlagSet flags, std::int64_t internaldate) {
    StoredMessage m;
    m.bytes = std::move(bytes);
    m.flags = kept(flags);
    m.internaldate = internaldate != 0 ? internaldate : m_clock++;
    if (m_side == util::Side::remote) {
        m.id.uid = m_uidnext++;
        m.modseq = ++m_highestmodseq;
    } else {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%06llu", static_cast<unsigned long long>(m_next_key++));
        m.id.key = m_key_prefix;
        m.id.key.append(buf);
        ++m_changes;
    }
    const store::MessageId id = m.id;
    m_messages.emplace(index_key(id), std::move(m));
    return id;
}

void MemoryStore::set_message_flags(StoredMessage& message, model::FlagSet flags) {
    flags = kept(flags);
    if (message.flags == flags) return;
    message.flags = std::move(flags);
    if (m_side == util::Side::remote)
        message.modseq = ++m_highestmodseq;
    else
        ++m_changes;
}

void MemoryStore::expunge(std::map<std::string, StoredMessage>::iterator it) {
    if (m_side == util::Side::remote)
        m_vanished.emplace_back(it->second.id.uid, ++m_highestmodseq);
    else
        ++m_changes;
    m_messages.erase(it);
}

// --- Another client or mail reader ---

store::MessageId MemoryStore::add(std::string bytes, model::FlagSet flags, std::int64_t internaldate) {
    return store_message(std::move(bytes), std::move(flags), internaldate);
}

bool MemoryStore::change_flags(const store::MessageId& id, model::FlagSet flags) {
    auto it = locate(id);
    if (it == m_messages.end()) return false;
    set_message_flags(it->second, std::move(flags));
    return true;
}

bool MemoryStore::erase(const store::MessageId& id) {
    auto it = locate(id);
    if (it == m_messages.end()) return false;
    expunge(it);
    return true;
}

void MemoryStore::reset_uidvalidity() {
    std::map<std::string, StoredMessage> renumbered;
    model::Uid next = 1;
    for (auto& [index, m] : m_messages) {
        m.id.uid = next++;
        m.modseq = ++m_highestmodseq;
        renumbered.emplace(uid_index(m.id.uid), std::move(m));
    }
    m_messages = std::move(renumbered);
    m_uidnext = next;
    m_uidvalidity += 1000;
    m_vanished.clear();
}

std::vector<StoredMessage> MemoryStore::messages() const {
    std::vector<StoredMessage> out;
    out.reserve(m_messages.size());
    for (const auto& [index, m] : m_messages) out.push_back(m);
    return out;
}

const StoredMessage* MemoryStore::find(const store::MessageId& id) const {
    auto it = const_cast<MemoryStore*>(this)->locate(id);
    return it == m_messages.end() ? nullptr : &it->second;
}

// --- Views ---

bool MemoryStore::checkpoint_knows(const StoredMessage& message, const store::ViewRequest& request) const {
    if (request.last == nullptr) return false;
    if (m_side == util::Side::remote)
        return request.last->uidvalidity == m_uidvalidity && message.id.uid < request.last->uidnext;
    return std::any_of(request.rows->pairs.begin(), request.rows->pairs.end(),
                       [&](const model::PairState& row) { return row.key == message.id.key; });
}

void MemoryStore::view_remote(model::RemoteView& out, const store::ViewRequest& request) {
    out = model::RemoteView{};
    out.uidvalidity = m_uidvalidity;
    out.highestmodseq = m_highestmodseq;
    out.uidnext = m_uidnext;
    out.storable = m_storable;
    const bool incremental = !request.full && request.last != nullptr && request.last->uidvalidity == m_uidvalidity &&
                             request.last->highestmodseq != 0;
    if (incremental) {
        out.kind = model::RemoteViewKind::changes_since;
        out.changed_since = request.last->highestmodseq;
        for (const auto& [uid, modseq] : m_vanished)
            if (modseq > out.changed_since) out.vanished.push_back(uid);
    }
    for (const auto& [index, m] : m_messages) {
        if (incremental && m.modseq <= out.changed_since) continue;
        model::RemoteMessage rm{m.id.uid, m.flags, crlf_size(m.bytes), m.internaldate, std::nullopt};
        if (m_view_identities == ViewIdentities::all ||
            (m_view_identities == ViewIdentities::new_only && !checkpoint_knows(m, request)))
            rm.identity = identity_of(m.bytes);
        out.messages.push_back(std::move(rm));
    }
    m_checkpoint = store::Checkpoint{};
    m_checkpoint.uidvalidity = m_uidvalidity;
    m_checkpoint.highestmodseq = m_highestmodseq;
    m_checkpoint.uidnext = m_uidnext;
    m_checkpoint.messages = static_cast<std::uint32_t>(m_messages.size());
}

void MemoryStore::view_local(model::LocalView& out, const store::ViewRequest& request) {
    out = model::LocalView{};
    out.root_present = m_root_present;
    const std::string stamp = std::to_string(m_changes);
    m_checkpoint = store::Checkpoint{};
    m_checkpoint.local_stamp = stamp;
    if (!request.full && request.last != nullptr && request.last->local_stamp == stamp) {
        out.kind = model::LocalViewKind::unchanged;
        return;
    }
    for (const auto& [key, m] : m_messages) {
        model::LocalMessage lm{key, m.flags, crlf_size(m.bytes), m.internaldate, std::nullopt};
        if (m_view_identities == ViewIdentities::all ||
            (m_view_identities == ViewIdentities::new_only && !checkpoint_knows(m, request)))
            lm.identity = identity_of(m.bytes);
        out.messages.push_back(std::move(lm));
    }
}

asio::awaitable<util::Expected<void>> MemoryStore::view(store::FolderViews& views, const store::ViewRequest& request) {
    // A view changes nothing, so a fault of either kind is the same failure.
    if (count_operation()) co_return util::unexpected(injected("view"));
    if (m_side == util::Side::remote)
        view_remote(views.remote, request);
    else
        view_local(views.local, request);
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<std::vector<store::Described>>> MemoryStore::describe(
    const std::vector<store::MessageId>& ids) {
    if (count_operation()) co_return util::unexpected(injected("describe"));
    std::vector<store::Described> out;
    out.reserve(ids.size());
    for (const auto& id : ids) {
        auto it = locate(id);
        if (it == m_messages.end()) {
            std::string why(util::side_name(m_side));
            why.append(" ").append(name(id)).append(": no longer in the folder");
            out.push_back(store::Described{std::nullopt, 0, std::move(why)});
            continue;
        }
        out.push_back(store::Described{identity_of(it->second.bytes), crlf_size(it->second.bytes), {}});
    }
    co_return out;
}

asio::awaitable<util::Expected<std::vector<std::optional<model::Identity>>>> MemoryStore::identify(
    const std::vector<store::MessageId>& ids) {
    if (count_operation()) co_return util::unexpected(injected("identify"));
    std::vector<std::optional<model::Identity>> out;
    out.reserve(ids.size());
    for (const auto& id : ids) {
        auto it = locate(id);
        out.push_back(it == m_messages.end() ? std::nullopt : std::optional(identity_of(it->second.bytes)));
    }
    co_return out;
}

void MemoryStore::retain(const std::vector<store::MessageId>& named, const model::FolderState& /*rows*/) {
    m_retained = named;
}

// --- Changes ---

asio::awaitable<util::Expected<std::size_t>> MemoryStore::set_flags(const std::vector<store::FlagChange>& changes) {
    const auto fault = count_operation();
    if (fault && *fault == Fault::refuse) co_return util::unexpected(injected("set_flags"));
    std::size_t changed = 0;
    for (const auto& change : changes) {
        auto it = locate(change.id);
        if (it == m_messages.end()) continue;  // gone meanwhile: nothing to change
        StoredMessage& m = it->second;
        // The server applies the change to what it holds; a Maildir writes the whole set from `now`.
        const model::FlagSet& base = m_side == util::Side::remote ? m.flags : change.now;
        const model::FlagSet before = m.flags;
        set_message_flags(m, model::applied(base, change.add, change.remove));
        if (!(m.flags == before)) ++changed;
    }
    if (fault) co_return util::unexpected(injected("set_flags"));
    co_return changed;
}

asio::awaitable<util::Expected<void>> MemoryStore::remove(const std::vector<store::Removal>& removals) {
    const auto fault = count_operation();
    if (fault && *fault == Fault::refuse) co_return util::unexpected(injected("remove"));
    for (const auto& removal : removals)
        if (auto it = locate(removal.id); it != m_messages.end()) expunge(it);
    if (fault) co_return util::unexpected(injected("remove"));
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<store::ReadReport>> MemoryStore::read(const std::vector<store::MessageId>& ids,
                                                                     store::MessageSink& sink) {
    const auto fault = count_operation();
    if (fault && *fault == Fault::refuse) co_return util::unexpected(injected("read"));
    // A read that fails after doing its work breaks off in its last message: begun, never ended.
    std::size_t broken = ids.size();
    if (fault)
        for (std::size_t i = 0; i < ids.size(); ++i)
            if (locate(ids[i]) != m_messages.end()) broken = i;
    store::ReadReport report;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        auto it = locate(ids[i]);
        if (it == m_messages.end()) {
            std::string why(util::side_name(m_side));
            why.append(" ").append(name(ids[i])).append(": no longer in the folder");
            report.not_carried.push_back(std::move(why));
            continue;
        }
        // A copy: the sink's pause() may change this store (a write to itself) and move the map.
        const std::string bytes = it->second.bytes;
        const std::size_t length = i == broken ? bytes.size() / 2 : bytes.size();
        sink.begin(crlf_size(bytes));
        for (std::size_t at = 0; at < length; at += m_read_chunk)
            sink.data(std::string_view(bytes).substr(at, std::min(m_read_chunk, length - at)));
        if (i == broken) break;
        sink.end(i);
        // A Maildir read waits for the writer between messages; a streamed FETCH cannot.
        if (m_side == util::Side::local)
            if (auto paused = co_await sink.pause(); !paused) co_return util::unexpected(std::move(paused).error());
    }
    if (fault) co_return util::unexpected(injected("read"));
    co_return report;
}

}  // namespace mailtwin::test
