// ImapStore's writer: APPEND in batches (MULTIAPPEND or pipelined), the UIDs the server reports
// checked against what they may be, and the flags it really kept read back (appended_flags.hpp).
#include "mailtwin/maildir/message_info.hpp"
#include "mailtwin/store/appended_flags.hpp"
#include "mailtwin/store/crlf_file_payload.hpp"
#include "mailtwin/store/imap_store.hpp"

namespace mailtwin::store {
namespace {

constexpr std::size_t k_uploads_per_batch = 50;

class ImapWriter final : public Writer {
public:
    ImapWriter(ImapStore& store, std::vector<Outgoing> messages, WrittenFn on_written, ProgressFn on_progress)
        : m_store(store),
          m_messages(std::move(messages)),
          m_on_written(std::move(on_written)),
          m_on_progress(std::move(on_progress)),
          m_expect(store.append_expectation()) {}

    void begin(std::uint64_t size) override {
        m_buffer.clear();
        m_buffer.reserve(size);
    }
    void data(std::string_view chunk) override { m_buffer.append(chunk); }
    void end(std::size_t index) override {
        // Without UIDPLUS the session finds the new UID by the Message-ID.
        auto id = maildir::parse_message_id(std::string_view(m_buffer).substr(0, header_end(m_buffer)));
        m_pending.push_back({index, imap::make_payload(std::move(m_buffer)), id.value_or(std::string())});
        m_buffer = {};
    }
    bool take_file(std::size_t index, const std::filesystem::path& file, std::uint64_t size) override {
        auto payload = open_upload_payload(file, size);
        if (!payload) return false;  // the reading store then reads it itself, and reports what fails
        maildir::MessageInfo info(file);
        auto id = info.message_id();
        m_pending.push_back({index, *payload, id && *id ? **id : std::string()});
        return true;
    }
    asio::awaitable<util::Expected<void>> pause() override {
        if (m_pending.size() >= k_uploads_per_batch) co_return co_await send();
        co_return util::Expected<void>{};
    }
    asio::awaitable<util::Expected<void>> finish() override {
        if (!m_pending.empty()) co_return co_await send();
        co_return util::Expected<void>{};
    }

private:
    struct Pending {
        std::size_t index;
        imap::PayloadPtr body;
        std::string message_id;
    };

    static std::size_t header_end(std::string_view message) {
        for (std::string_view sep : {"\r\n\r\n", "\n\n"})
            if (auto at = message.find(sep); at != std::string_view::npos) return at + sep.size();
        return message.size();
    }

    // 2. APPEND one batch, 3. hand the UIDs the server reported to on_written.
    asio::awaitable<util::Expected<void>> send() {
        std::vector<Pending> batch = std::move(m_pending);
        m_pending.clear();
        net::Session& session = m_store.session();
        const std::string& folder = m_store.folder();
        // Without UIDPLUS the new UIDs are found by a search in the selected folder; the flags an
        // upload carried are read back there (appended_flags.hpp): the folder the view saw, checked.
        bool needs_folder = !session.connection().capabilities().uidplus();
        for (const auto& p : batch) needs_folder = needs_folder || m_messages[p.index].flags != model::FlagSet{};
        if (needs_folder)
            if (auto r = co_await m_store.ensure_selected(); !r) co_return r;
        std::vector<net::AppendItem> items;
        for (const auto& p : batch) {
            const Outgoing& o = m_messages[p.index];
            net::AppendItem item;
            item.message.body = p.body;
            item.message.flags = o.flags;
            item.message_id = p.message_id;
            if (o.internaldate > 0) item.message.internal_date = imap::AppendDate{o.internaldate, 0};
            items.push_back(std::move(item));
        }
        auto uids = co_await session.append(folder, std::move(items), m_expect);
        if (!uids) co_return util::unexpected(std::move(uids).error());
        std::map<model::Uid, model::FlagSet> flags_sent;
        for (std::size_t j = 0; j < batch.size(); ++j)
            if (const auto& uid = (*uids)[j]) flags_sent[*uid] = m_messages[batch[j].index].flags;
        auto held = co_await flags_held_after_append(session, folder, flags_sent);
        if (!held) co_return util::unexpected(std::move(held).error());  // intent rows resolve it next run
        std::vector<Written> written;
        for (std::size_t j = 0; j < batch.size(); ++j) {
            const auto& uid = (*uids)[j];
            m_sent_bytes += batch[j].body->size();
            ++m_sent;
            if (!uid) continue;  // unknown: the intent row stays and identity resolves it next run
            m_expect.first_new_uid = std::max(m_expect.first_new_uid, *uid + 1);  // later ones are newer still
            written.push_back(Written{batch[j].index, MessageId{*uid, {}}, held->at(*uid), batch[j].body->size()});
        }
        if (m_on_progress) m_on_progress(m_sent, m_sent_bytes);
        co_return m_on_written(std::move(written));
    }

    ImapStore& m_store;
    std::vector<Outgoing> m_messages;
    WrittenFn m_on_written;
    ProgressFn m_on_progress;
    net::AppendExpectation m_expect;
    std::string m_buffer;  // a message given by data(), until its end()
    std::vector<Pending> m_pending;
    std::uint64_t m_sent = 0;
    std::uint64_t m_sent_bytes = 0;
};

}  // namespace

std::unique_ptr<Writer> ImapStore::writer(std::vector<Outgoing> messages, Writer::WrittenFn on_written,
                                          Writer::ProgressFn on_progress) {
    return std::make_unique<ImapWriter>(*this, std::move(messages), std::move(on_written), std::move(on_progress));
}

}  // namespace mailtwin::store
