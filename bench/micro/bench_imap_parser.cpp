// Throughput of the IMAP response parser on a large FETCH stream: 1000 messages of 40 KB, each
// "* n FETCH (UID u FLAGS (...) MODSEQ (m) BODY[] {40960}\r\n...)", fed in 16 KiB chunks with the
// bodies streamed to a discarding sink (the literal path is one sink call per chunk).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "mailtwin/imap/parser.hpp"

namespace {

using namespace mailtwin::imap;

// Copies every chunk into a scratch buffer and drops it: the cost a real sink (a file write
// buffer) cannot avoid, without measuring the disk.
class DiscardSink final : public LiteralSink {
public:
    std::uint64_t bytes = 0;
    bool begin(const FetchContext& ctx, std::uint64_t) override { return ctx.section.empty(); }
    void data(std::string_view chunk) override {
        while (!chunk.empty()) {
            const std::size_t n = std::min(chunk.size(), sizeof(m_scratch));
            std::memcpy(m_scratch, chunk.data(), n);
            benchmark::DoNotOptimize(m_scratch);
            chunk.remove_prefix(n);
            bytes += n;
        }
    }
    void end() override {}

private:
    char m_scratch[64 * 1024];
};

std::string make_stream(std::size_t messages, std::size_t body_size) {
    std::string body;
    body.reserve(body_size);
    body += "From: alice@example.org\r\nTo: bob@example.org\r\nSubject: benchmark\r\n\r\n";
    while (body.size() + 78 <= body_size) body += std::string(76, 'x') + "\r\n";
    body.resize(body_size, 'y');
    std::string out;
    out.reserve(messages * (body_size + 128));
    for (std::size_t i = 1; i <= messages; ++i) {
        out += "* " + std::to_string(i) + " FETCH (UID " + std::to_string(1000 + i) +
               " FLAGS (\\Seen $Forwarded) MODSEQ (" + std::to_string(90000 + i) + ") BODY[] {" +
               std::to_string(body.size()) + "}\r\n";
        out += body;
        out += ")\r\n";
    }
    out += "A1 OK Fetch completed.\r\n";
    return out;
}

void run_stream(benchmark::State& state, std::size_t body_size) {
    const std::string stream = make_stream(1000, body_size);
    const std::size_t chunk = 16 * 1024;
    std::size_t responses = 0;
    for (auto _ : state) {
        static DiscardSink sink;  // 64 KiB: keep it off the stack
        Parser parser;
        parser.set_sink(&sink);
        for (std::size_t pos = 0; pos < stream.size(); pos += chunk) {
            std::string_view piece = std::string_view(stream).substr(pos, chunk);
            while (!piece.empty()) {
                auto r = parser.feed(piece);
                piece.remove_prefix(r.consumed);
                if (r.status == FeedStatus::error) {
                    state.SkipWithError(parser.error().message.c_str());
                    return;
                }
                if (r.status == FeedStatus::response) {
                    Response resp = parser.take();
                    benchmark::DoNotOptimize(resp);
                    ++responses;
                }
            }
        }
        benchmark::DoNotOptimize(sink.bytes);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
    state.counters["responses"] =
        benchmark::Counter(static_cast<double>(responses), benchmark::Counter::kAvgIterations);
}

void BM_FetchBodies40K(benchmark::State& state) { run_stream(state, 40 * 1024); }
BENCHMARK(BM_FetchBodies40K)->Unit(benchmark::kMillisecond);

// Small bodies weigh the per-response work (line tokenising, Value tree, take()).
void BM_FetchBodies1K(benchmark::State& state) { run_stream(state, 1024); }
BENCHMARK(BM_FetchBodies1K)->Unit(benchmark::kMillisecond);

// Flag-only FETCH lines, as in a CONDSTORE resync: pure line parsing.
void BM_FetchFlagsOnly(benchmark::State& state) {
    std::string stream;
    for (int i = 1; i <= 20000; ++i)
        stream += "* " + std::to_string(i) + " FETCH (UID " + std::to_string(i + 5000) +
                  " FLAGS (\\Seen \\Answered $label1) MODSEQ (" + std::to_string(700000 + i) + "))\r\n";
    for (auto _ : state) {
        Parser parser;
        auto r = feed_all(parser, stream, [](Response&& resp) { benchmark::DoNotOptimize(resp); });
        if (!r) state.SkipWithError("parse failed");
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
}
BENCHMARK(BM_FetchFlagsOnly)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
