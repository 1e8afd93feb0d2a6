// MemoryStore's writer: collects each message from the reading store, makes them durable in batches
// of the store's batch size, and reports each batch to on_written. A fault injected into one of a
// batch's messages leaves the whole batch unreported (its answer never came): the messages stored
// before it, and with Fault::done_then_fail that one too, are in doubt, as after a killed run.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/memory_store.hpp"

namespace mailtwin::test {

class MemoryWriter final : public store::Writer {
public:
    MemoryWriter(MemoryStore& store, std::vector<store::Outgoing> messages, WrittenFn on_written,
                 ProgressFn on_progress)
        : m_store(store),
          m_messages(std::move(messages)),
          m_on_written(std::move(on_written)),
          m_on_progress(std::move(on_progress)) {}

    // A message that began but never ended (it failed on the way) is dropped here.
    void begin(std::uint64_t /*size*/) override { m_current = std::string(); }
    void data(std::string_view chunk) override {
        if (m_current) m_current->append(chunk);
    }
    void end(std::size_t index) override {
        if (!m_current) return;
        if (!m_error) m_ready.push_back(Received{index, std::move(*m_current)});  // after a failure: nothing more
        m_current.reset();
        if (m_ready.size() >= m_store.m_batch_size) write_batch();
    }
    asio::awaitable<util::Expected<void>> pause() override { co_return status(); }
    asio::awaitable<util::Expected<void>> finish() override {
        m_current.reset();
        write_batch();
        co_return status();
    }

private:
    struct Received {
        std::size_t index = 0;
        std::string bytes;
    };

    util::Expected<void> status() const {
        if (m_error) return util::unexpected(*m_error);
        return {};
    }

    void fail(util::Error error) {
        if (!m_error) m_error = std::move(error);
    }

    void write_batch() {
        std::vector<Received> batch = std::move(m_ready);
        m_ready.clear();
        if (m_error || batch.empty()) return;
        std::vector<store::Written> done;
        for (auto& message : batch) {
            if (message.index >= m_messages.size()) {
                std::string why("memory writer: message ");
                why.append(std::to_string(message.index)).append(" was not announced");
                fail(util::Error{std::make_error_code(std::errc::invalid_argument), std::move(why)});
                return;
            }
            const store::Outgoing& out = m_messages[message.index];
            const auto fault = m_store.count_operation();
            if (fault && *fault == Fault::refuse) {
                fail(m_store.injected("write"));
                return;
            }
            const std::uint64_t bytes = message.bytes.size();
            const store::MessageId id = m_store.store_message(std::move(message.bytes), out.flags, out.internaldate);
            m_done_messages += 1;
            m_done_bytes += bytes;
            if (m_on_progress) m_on_progress(m_done_messages, m_done_bytes);
            if (fault && *fault == Fault::done_then_fail) {
                fail(m_store.injected("write"));
                return;
            }
            if (fault) continue;  // done_unreported: stored, its id never known
            done.push_back(store::Written{message.index, id, m_store.find(id)->flags, bytes});
        }
        if (done.empty() || !m_on_written) return;
        if (auto r = m_on_written(std::move(done)); !r) fail(std::move(r).error());
    }

    MemoryStore& m_store;
    std::vector<store::Outgoing> m_messages;
    WrittenFn m_on_written;
    ProgressFn m_on_progress;
    std::optional<std::string> m_current;  // the bytes of the message being received
    std::vector<Received> m_ready;
    std::optional<util::Error> m_error;
    std::uint64_t m_done_messages = 0;
    std::uint64_t m_done_bytes = 0;
};

std::unique_ptr<store::Writer> MemoryStore::writer(std::vector<store::Outgoing> messages,
                                                   store::Writer::WrittenFn on_written,
                                                   store::Writer::ProgressFn on_progress) {
    return std::make_unique<MemoryWriter>(*this, std::move(messages), std::move(on_written), std::move(on_progress));
}

}  // namespace mailtwin::test
