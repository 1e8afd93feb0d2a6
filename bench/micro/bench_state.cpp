// State DB micro-benchmarks: lookups by uid and by local key on a 100k-message folder, a full
// for_each_message scan, and commit latency of one-record and 1000-record write steps with LMDB's
// default durable sync (fsync on commit). The database lives under $TMPDIR (default /tmp).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "mailtwin/state/state_db.hpp"

namespace {

using namespace mailtwin;
using state::MessageRecord;
using state::StateDb;
using state::WriteTxn;

constexpr model::Uid k_messages = 100'000;

MessageRecord make_message(model::Uid uid) {
    MessageRecord m;
    m.uid = uid;
    m.local_key = "1700000000.M" + std::to_string(uid) + "P4242Q1.host.example";
    m.remote_flags.set(model::Flag::seen);
    m.local_flags.set(model::Flag::seen);
    m.size = 4000 + uid % 1000;
    state::MessageIdHash h{};
    for (std::size_t i = 0; i < h.size(); ++i) h[i] = static_cast<std::uint8_t>(uid >> ((i % 4) * 8));
    m.message_id_hash = h;
    return m;
}

// One database with a 100k-message INBOX, built once per process and removed at exit.
struct Fixture {
    std::filesystem::path dir;
    std::unique_ptr<StateDb> db;

    Fixture() {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base && *base ? base : "/tmp") + "/mailtwin-bench-state.XXXXXX";
        if (!mkdtemp(pattern.data())) std::abort();
        dir = pattern;
        auto opened = StateDb::open(dir / "state.mdb");
        if (!opened) std::abort();
        db = std::make_unique<StateDb>(std::move(*opened));
        for (model::Uid start = 1; start <= k_messages; start += 10'000) {
            auto r = db->write([&](WriteTxn& txn) -> state::Expected<void> {
                for (model::Uid uid = start; uid < start + 10'000; ++uid)
                    if (auto p = db->put_message(txn, "acc", "INBOX", make_message(uid)); !p) return p;
                return {};
            });
            if (!r) std::abort();
        }
    }
    ~Fixture() {
        db.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

// A cheap deterministic spread of uids over the folder.
model::Uid next_uid(std::uint64_t& x) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<model::Uid>((x >> 33) % k_messages) + 1;
}

void BM_GetByUid(benchmark::State& st) {
    auto& f = fixture();
    auto txn = f.db->begin_read();
    std::uint64_t x = 1;
    for (auto _ : st) {
        auto r = f.db->get_by_uid(*txn, "acc", "INBOX", next_uid(x));
        benchmark::DoNotOptimize(r);
    }
    st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_GetByUid);

void BM_GetByLocalKey(benchmark::State& st) {
    auto& f = fixture();
    std::vector<std::string> keys;
    for (model::Uid uid = 1; uid <= 4096; ++uid) keys.push_back(make_message(uid * 24).local_key);
    auto txn = f.db->begin_read();
    std::size_t i = 0;
    for (auto _ : st) {
        auto r = f.db->get_by_local_key(*txn, "acc", "INBOX", keys[i++ & 4095]);
        benchmark::DoNotOptimize(r);
    }
    st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_GetByLocalKey);

void BM_ForEachMessage100k(benchmark::State& st) {
    auto& f = fixture();
    for (auto _ : st) {
        std::uint64_t total = 0;
        auto r = f.db->for_each_message("acc", "INBOX", [&](const MessageRecord& m) {
            total += m.size;
            return true;
        });
        benchmark::DoNotOptimize(r);
        benchmark::DoNotOptimize(total);
    }
    st.SetItemsProcessed(st.iterations() * k_messages);
}
BENCHMARK(BM_ForEachMessage100k)->Unit(benchmark::kMillisecond);

// One committed step with one record: the engine's per-action cost (durable: fsync per commit).
void BM_CommitOneRecord(benchmark::State& st) {
    auto& f = fixture();
    model::Uid uid = 1;
    for (auto _ : st) {
        auto r = f.db->write([&](WriteTxn& txn) { return f.db->put_message(txn, "acc", "Writes", make_message(uid)); });
        if (!r) st.SkipWithError(r.error().describe().c_str());
        ++uid;
    }
    st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_CommitOneRecord)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_CommitBatch1000(benchmark::State& st) {
    auto& f = fixture();
    model::Uid base = 1;
    for (auto _ : st) {
        auto r = f.db->write([&](WriteTxn& txn) -> state::Expected<void> {
            for (model::Uid uid = base; uid < base + 1000; ++uid)
                if (auto p = f.db->put_message(txn, "acc", "Batches", make_message(uid)); !p) return p;
            return {};
        });
        if (!r) st.SkipWithError(r.error().describe().c_str());
        base += 1000;
    }
    st.SetItemsProcessed(st.iterations() * 1000);
}
BENCHMARK(BM_CommitBatch1000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
