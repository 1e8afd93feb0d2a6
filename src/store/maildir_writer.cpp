// MaildirStore's writer: each message staged in tmp/ as it arrives, and every batch made durable and
// visible at once (maildir::commit_staged) before it is reported: one syncfs and two directory
// fsyncs per batch instead of two fsyncs per message.
#include "mailtwin/maildir/delivery.hpp"
#include "mailtwin/maildir/staged_delivery.hpp"
#include "mailtwin/store/maildir_store.hpp"

namespace mailtwin::store {
namespace {

constexpr std::size_t k_messages_per_batch = 200;
constexpr std::uint64_t k_bytes_per_batch = 64ULL << 20;  // bounds tmp/ use and re-fetch after a crash

class MaildirWriter final : public Writer {
public:
    MaildirWriter(const std::filesystem::path& dir, maildir::KeywordMap& keywords, std::vector<Outgoing> messages,
                  WrittenFn on_written, ProgressFn on_progress)
        : m_dir(dir),
          m_keywords(keywords),
          m_messages(std::move(messages)),
          m_on_written(std::move(on_written)),
          m_on_progress(std::move(on_progress)) {}

    void begin(std::uint64_t /*size*/) override {
        m_writer.reset();  // a message begun and never ended is dropped with its tmp file
        if (m_error) return;
        auto w = maildir::MessageWriter::open(m_dir);
        if (!w) {
            m_error = std::move(w).error();
            return;
        }
        m_writer.emplace(std::move(*w));
    }
    void data(std::string_view chunk) override {
        if (!m_writer || m_error) return;
        if (auto r = m_writer->write(chunk); !r) m_error = std::move(r).error();
    }
    void end(std::size_t index) override {
        std::optional<maildir::MessageWriter> writer = std::move(m_writer);
        m_writer.reset();
        if (m_error || !writer || index >= m_messages.size()) return;
        const Outgoing& o = m_messages[index];
        maildir::CommitOptions options;
        options.flags = m_keywords.to_maildir(o.flags);
        if (o.internaldate) options.internal_date = std::chrono::system_clock::from_time_t(o.internaldate);
        auto staged = writer->stage(options);
        if (!staged) {
            m_error = std::move(staged).error();
            return;
        }
        m_staged_bytes += staged->target().size;
        m_staged.push_back(std::move(*staged));
        m_indexes.push_back(index);
        if (m_on_progress) m_on_progress(m_done + m_staged.size(), m_done_bytes + m_staged_bytes);
        if (m_staged.size() >= k_messages_per_batch || m_staged_bytes >= k_bytes_per_batch) flush();
    }
    asio::awaitable<util::Expected<void>> finish() override {
        m_writer.reset();
        flush();
        if (auto s = m_keywords.save(); !s && !m_error) m_error = std::move(s).error();
        if (m_error) co_return util::unexpected(*m_error);
        co_return util::Expected<void>{};
    }

private:
    // Makes the staged messages durable and visible, then reports them.
    void flush() {
        if (m_staged.empty() || m_error) return;
        auto committed = maildir::commit_staged(m_dir, m_staged);
        std::vector<Written> written;
        for (std::size_t i = 0; i < committed.delivered.size(); ++i) {
            const auto& d = committed.delivered[i];
            written.push_back(Written{m_indexes[i], MessageId{0, d.key}, m_messages[m_indexes[i]].flags, d.size});
            m_done_bytes += d.size;
        }
        m_done += written.size();
        m_staged.clear();
        m_indexes.clear();
        m_staged_bytes = 0;
        auto reported = m_on_written(std::move(written));
        if (committed.error)
            m_error = std::move(committed.error);
        else if (!reported)
            m_error = std::move(reported).error();
    }

    const std::filesystem::path& m_dir;
    maildir::KeywordMap& m_keywords;
    std::vector<Outgoing> m_messages;
    WrittenFn m_on_written;
    ProgressFn m_on_progress;
    std::optional<maildir::MessageWriter> m_writer;
    std::vector<maildir::StagedMessage> m_staged;
    std::vector<std::size_t> m_indexes;  // one per staged message, same order
    std::uint64_t m_staged_bytes = 0;
    std::uint64_t m_done = 0;
    std::uint64_t m_done_bytes = 0;
    std::optional<util::Error> m_error;
};

}  // namespace

std::unique_ptr<Writer> MaildirStore::writer(std::vector<Outgoing> messages, Writer::WrittenFn on_written,
                                             Writer::ProgressFn on_progress) {
    return std::make_unique<MaildirWriter>(m_dir, m_keywords, std::move(messages), std::move(on_written),
                                           std::move(on_progress));
}

}  // namespace mailtwin::store
