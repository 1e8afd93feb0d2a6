// MemoryStore's writer (batches, on_written, progress), a copy from one store to another through
// read() and writer(), and fault injection (fail_after) on every counted operation.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fixtures/run_awaitable.hpp"
#include "support/memory_store.hpp"
#include "support/recording_sink.hpp"

namespace mailtwin::test {
namespace {

using util::Side;

constexpr auto k_seen = static_cast<std::uint8_t>(model::Flag::seen);
constexpr auto k_flagged = static_cast<std::uint8_t>(model::Flag::flagged);

std::string message(int n) {
    return make_message("w" + std::to_string(n) + "@example.org", "subject " + std::to_string(n),
                        "body " + std::to_string(n));
}

// What a writer reported and how it finished.
struct WriteOutcome {
    std::vector<std::vector<store::Written>> batches;  // one per on_written call
    std::vector<std::pair<std::uint64_t, std::uint64_t>> progress;
    util::Expected<void> finished;
    util::Expected<store::ReadReport> read;

    [[nodiscard]] std::size_t reported() const {
        std::size_t n = 0;
        for (const auto& b : batches) n += b.size();
        return n;
    }
};

class MemoryStoreWrites : public ::testing::Test {
protected:
    // Copies `ids` of `from` to `to` as the executor does: describe for the sizes, read into the writer.
    WriteOutcome copy(MemoryStore& from, const std::vector<store::MessageId>& ids, MemoryStore& to,
                      model::FlagSet flags = {}) {
        WriteOutcome out;
        std::vector<store::Outgoing> outgoing;
        for (const auto& id : ids) {
            const StoredMessage* m = from.find(id);
            outgoing.push_back(store::Outgoing{flags, m ? m->internaldate : 0, m ? crlf_size(m->bytes) : 0});
        }
        auto writer = to.writer(
            std::move(outgoing),
            [&out, this](std::vector<store::Written> done) -> util::Expected<void> {
                out.batches.push_back(std::move(done));
                if (m_refuse_written) return util::unexpected(std::make_error_code(std::errc::io_error), "no record");
                return {};
            },
            [&out](std::uint64_t messages, std::uint64_t bytes) { out.progress.emplace_back(messages, bytes); });
        out.read = run_awaitable(m_io, from.read(ids, *writer));
        out.finished = run_awaitable(m_io, writer->finish());
        return out;
    }
    std::vector<store::MessageId> add_many(MemoryStore& s, int n) {
        std::vector<store::MessageId> ids;
        for (int i = 1; i <= n; ++i) ids.push_back(s.add(message(i), model::FlagSet(k_seen), 1000 + i));
        return ids;
    }

    boost::asio::io_context m_io;
    bool m_refuse_written = false;
};

TEST_F(MemoryStoreWrites, WriterReportsEachBatchOnceDurable) {
    MemoryStore maildir(Side::local);
    MemoryStore server(Side::remote);
    server.set_batch_size(2);
    const auto ids = add_many(maildir, 5);
    const auto out = copy(maildir, ids, server, model::FlagSet(k_flagged));
    ASSERT_TRUE(out.read);
    ASSERT_TRUE(out.finished);
    ASSERT_EQ(out.batches.size(), 3u);
    EXPECT_EQ(out.batches[0].size(), 2u);
    EXPECT_EQ(out.batches[1].size(), 2u);
    EXPECT_EQ(out.batches[2].size(), 1u);  // the rest, written by finish()
    EXPECT_EQ(server.size(), 5u);
    for (const auto& batch : out.batches)
        for (const auto& w : batch) {
            const StoredMessage* m = server.find(w.id);
            ASSERT_NE(m, nullptr);
            EXPECT_EQ(m->bytes, message(static_cast<int>(w.index) + 1));
            EXPECT_EQ(w.bytes, m->bytes.size());
            EXPECT_EQ(w.flags_held, model::FlagSet(k_flagged));  // the flags given, not the source's
            EXPECT_EQ(m->internaldate, 1001 + static_cast<std::int64_t>(w.index));
        }
    ASSERT_EQ(out.progress.size(), 5u);  // cumulative, per message made durable
    EXPECT_EQ(out.progress.back().first, 5u);
}

TEST_F(MemoryStoreWrites, CopyBetweenTwoStoresKeepsBytesAndIdentity) {
    MemoryStore server(Side::remote);
    MemoryStore maildir(Side::local);
    const auto ids = add_many(server, 3);
    const auto out = copy(server, ids, maildir);
    ASSERT_TRUE(out.finished);
    ASSERT_EQ(out.reported(), 3u);
    auto from = run_awaitable(m_io, server.describe(ids));
    std::vector<store::MessageId> copies;
    for (const auto& w : out.batches.at(0)) copies.push_back(w.id);
    auto to = run_awaitable(m_io, maildir.describe(copies));
    ASSERT_TRUE(from && to);
    for (std::size_t i = 0; i < copies.size(); ++i) {
        const std::size_t index = out.batches.at(0)[i].index;
        EXPECT_EQ((*to)[i].identity, (*from)[index].identity);
        EXPECT_EQ((*to)[i].size, (*from)[index].size);
        EXPECT_FALSE(copies[i].key.empty());
    }
}

TEST_F(MemoryStoreWrites, ServerDropsFlagsItCannotKeepAndReportsWhatItHeld) {
    MemoryStore maildir(Side::local);
    MemoryStore server(Side::remote);
    model::StorableFlags storable;
    storable.any_keyword = false;
    server.set_storable(storable);
    const auto ids = add_many(maildir, 1);
    model::FlagSet given(k_seen);
    given.keywords = {"$label"};
    const auto out = copy(maildir, ids, server, given);
    ASSERT_EQ(out.reported(), 1u);
    EXPECT_EQ(out.batches[0][0].flags_held, model::FlagSet(k_seen));
}

TEST_F(MemoryStoreWrites, AnOnWrittenErrorStopsTheWriter) {
    MemoryStore maildir(Side::local);
    MemoryStore server(Side::remote);
    server.set_batch_size(1);
    m_refuse_written = true;
    const auto out = copy(maildir, add_many(maildir, 3), server);
    EXPECT_FALSE(out.finished);
    EXPECT_FALSE(out.read);  // the Maildir read stops at the writer's pause()
    EXPECT_EQ(out.batches.size(), 1u);
    EXPECT_EQ(server.size(), 1u);
}

// --- Fault injection ---

TEST_F(MemoryStoreWrites, TheNthOperationFailsOnceAndIsCounted) {
    MemoryStore server(Side::remote);
    const auto a = server.add(message(1));
    server.fail_after(2);
    const store::FlagChange change{a, model::FlagSet(k_seen), {}, {}};
    EXPECT_TRUE(run_awaitable(m_io, server.describe({a})));
    auto failed = run_awaitable(m_io, server.set_flags({change}));
    ASSERT_FALSE(failed);
    EXPECT_NE(failed.error().message.find("injected"), std::string::npos);
    EXPECT_EQ(server.find(a)->flags, model::FlagSet{});  // refused: nothing done
    EXPECT_EQ(server.faults_fired(), 1u);
    EXPECT_TRUE(run_awaitable(m_io, server.set_flags({change})));  // once only
    EXPECT_EQ(server.operations(), 3u);
}

TEST_F(MemoryStoreWrites, DoneThenFailDoesTheWorkAndReportsAnError) {
    MemoryStore maildir(Side::local);
    const auto a = maildir.add(message(1));
    maildir.fail_after(1, Fault::done_then_fail);
    EXPECT_FALSE(run_awaitable(m_io, maildir.remove({store::Removal{a, false}})));
    EXPECT_EQ(maildir.size(), 0u);

    store::FolderViews views;
    model::FolderState rows;
    maildir.fail_after(1);
    EXPECT_FALSE(run_awaitable(m_io, maildir.view(views, store::ViewRequest{&rows, nullptr, false})));
    RecordingSink sink;
    maildir.fail_after(1);
    EXPECT_FALSE(run_awaitable(m_io, maildir.read({a}, sink)));
}

TEST_F(MemoryStoreWrites, AReadBrokenOffInAMessageWritesOnlyTheWholeOnes) {
    MemoryStore server(Side::remote);
    MemoryStore maildir(Side::local);
    const auto ids = add_many(server, 3);
    server.fail_after(1, Fault::done_then_fail);
    const auto out = copy(server, ids, maildir);
    EXPECT_FALSE(out.read);
    EXPECT_TRUE(out.finished);  // the writer drops the message that never ended
    EXPECT_EQ(out.reported(), 2u);
    ASSERT_EQ(maildir.size(), 2u);
    for (const auto& m : maildir.messages()) EXPECT_NE(m.bytes, message(3));
    RecordingSink sink;
    server.fail_after(1, Fault::done_then_fail);
    EXPECT_FALSE(run_awaitable(m_io, server.read(ids, sink)));
    EXPECT_EQ(sink.received.size(), 2u);
}

TEST_F(MemoryStoreWrites, ARefusedWriteLeavesItsBatchUnreportedAndStopsTheWriter) {
    MemoryStore maildir(Side::local);
    MemoryStore server(Side::remote);
    server.set_batch_size(2);
    const auto ids = add_many(maildir, 5);
    // Operations: the read (on the Maildir's own counter), then one per message written.
    server.fail_after(4);  // the 4th message: second of the second batch
    const auto out = copy(maildir, ids, server);
    EXPECT_FALSE(out.finished);
    ASSERT_EQ(out.batches.size(), 1u);
    EXPECT_EQ(out.batches[0].size(), 2u);
    EXPECT_EQ(server.size(), 3u);  // the third is stored but in doubt: never reported
}

TEST_F(MemoryStoreWrites, AWriteDoneThenFailedIsStoredButNeverReported) {
    MemoryStore maildir(Side::local);
    MemoryStore server(Side::remote);
    server.set_batch_size(1);
    server.fail_after(2, Fault::done_then_fail);
    const auto out = copy(maildir, add_many(maildir, 3), server);
    EXPECT_FALSE(out.finished);
    EXPECT_EQ(out.reported(), 1u);
    EXPECT_EQ(server.size(), 2u);  // the late APPEND: there, unknown to the writer
}

TEST_F(MemoryStoreWrites, AnUnreportedWriteGoesOnWithoutAnError) {
    MemoryStore maildir(Side::local);
    MemoryStore server(Side::remote);
    server.set_batch_size(1);
    server.fail_after(2, Fault::done_unreported);
    const auto out = copy(maildir, add_many(maildir, 3), server);
    EXPECT_TRUE(out.finished);
    EXPECT_EQ(out.reported(), 2u);
    EXPECT_EQ(server.size(), 3u);
    for (const auto& batch : out.batches) EXPECT_NE(batch.at(0).index, 1u);
}

TEST_F(MemoryStoreWrites, StoresSharingACounterCountTogether) {
    MemoryStore server(Side::remote);
    MemoryStore maildir(Side::local);
    maildir.share_faults_with(server);
    const auto k = maildir.add(message(1));
    const auto u = server.add(message(2));
    server.fail_after(2);
    EXPECT_TRUE(run_awaitable(m_io, server.describe({u})));
    EXPECT_FALSE(run_awaitable(m_io, maildir.describe({k})));
    EXPECT_EQ(server.operations(), 2u);
    EXPECT_EQ(maildir.operations(), 2u);
}

}  // namespace
}  // namespace mailtwin::test
