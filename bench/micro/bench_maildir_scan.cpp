// Maildir scan and delivery rates (module maildir).
//   first_full_scan   the first listing of a folder of 100k messages written by the setup (the page
//                     cache cannot be dropped here, so "cold" means first scan, not cold disk)
//   full_scan         repeated full listings (stamp not passed)
//   full_scan_stat    the same folder layout without ",S=" in the names: one stat() per file
//   unchanged         the mtime short-circuit: two stat() calls, no readdir
//   deliver_8k_fsync  streamed delivery of 8 KB messages through tmp/, fsync, rename, dir fsync
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "mailtwin/maildir/delivery.hpp"
#include "mailtwin/maildir/folder.hpp"
#include "mailtwin/maildir/scan.hpp"

namespace {

using namespace mailtwin::maildir;
namespace fs = std::filesystem;

constexpr int k_messages = 100'000;

class BenchDir {
public:
    BenchDir() {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base && *base ? base : "/tmp") + "/mailtwin-bench.XXXXXX";
        std::vector<char> buf(pattern.begin(), pattern.end());
        buf.push_back('\0');
        if (!mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
        m_path = buf.data();
    }
    ~BenchDir() {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    BenchDir(const BenchDir&) = delete;
    BenchDir& operator=(const BenchDir&) = delete;
    const fs::path& path() const { return m_path; }

private:
    fs::path m_path;
};

BenchDir& bench_dir() {
    static BenchDir dir;
    return dir;
}

// A folder of k_messages: one in ten in new/, the rest in cur/ with flags, as after a first sync.
fs::path make_folder(const std::string& name, bool size_in_key) {
    const auto folder = bench_dir().path() / name;
    if (fs::exists(folder)) return folder;
    if (!create_folder(folder)) throw std::runtime_error("cannot create " + folder.string());
    const std::string body(2048, 'b');
    for (int i = 0; i < k_messages; ++i) {
        std::string key = std::to_string(1'700'000'000 + i) + ".M" + std::to_string(i % 1'000'000) + "P4242Q" +
                          std::to_string(i) + ".bench.example";
        if (size_in_key) key += ",S=2048";
        const bool in_new = i % 10 == 0;
        const auto path = folder / (in_new ? "new" : "cur") / (in_new ? key : key + ":2,S");
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0 || ::write(fd, body.data(), body.size()) != static_cast<ssize_t>(body.size()))
            throw std::runtime_error("cannot write " + path.string());
        ::close(fd);
    }
    // Age the directories so the remembered stamp is trusted (not within the same-tick window).
    const timespec t[2] = {{::time(nullptr) - 3600, 0}, {::time(nullptr) - 3600, 0}};
    for (auto sub : {"new", "cur"}) ::utimensat(AT_FDCWD, (folder / sub).c_str(), t, 0);
    return folder;
}

void report(benchmark::State& state, const ScanResult& r) {
    state.counters["messages"] = static_cast<double>(r.messages.size());
    state.counters["readdir_calls"] = static_cast<double>(r.stats.readdir_calls);
    state.counters["stat_calls"] = static_cast<double>(r.stats.stat_calls);
}

void scan_full(benchmark::State& state, const fs::path& folder) {
    ScanResult last;
    for (auto _ : state) {
        auto r = scan_folder(folder);
        if (!r) {
            state.SkipWithError(r.error().describe().c_str());
            return;
        }
        last = std::move(*r);
        benchmark::DoNotOptimize(last.messages.data());
    }
    report(state, last);
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(last.messages.size()));
}

void BM_first_full_scan(benchmark::State& state) { scan_full(state, make_folder("first", true)); }
BENCHMARK(BM_first_full_scan)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_full_scan(benchmark::State& state) { scan_full(state, make_folder("sized", true)); }
BENCHMARK(BM_full_scan)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_full_scan_stat(benchmark::State& state) { scan_full(state, make_folder("unsized", false)); }
BENCHMARK(BM_full_scan_stat)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_unchanged(benchmark::State& state) {
    const auto folder = make_folder("sized", true);
    auto first = scan_folder(folder);
    if (!first || first->stamp.racy) {
        state.SkipWithError("setup scan failed or stamp racy");
        return;
    }
    ScanOptions options{.remembered = first->stamp};
    ScanResult last;
    for (auto _ : state) {
        auto r = scan_folder(folder, options);
        if (!r || !r->unchanged) {
            state.SkipWithError("folder not reported unchanged");
            return;
        }
        last = std::move(*r);
    }
    report(state, last);
}
BENCHMARK(BM_unchanged)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_deliver_8k_fsync(benchmark::State& state) {
    const auto folder = bench_dir().path() / "deliver";
    if (!create_folder(folder)) {
        state.SkipWithError("cannot create folder");
        return;
    }
    const std::string chunk(1024, 'd');  // streamed in 1 KB pieces, as from the IMAP parser
    for (auto _ : state) {
        auto w = MessageWriter::open(folder);
        if (!w) {
            state.SkipWithError(w.error().describe().c_str());
            return;
        }
        for (int i = 0; i < 8; ++i) (void)w->write(chunk);
        auto d = w->commit({.flags = MaildirFlags::from_letters("S")});
        if (!d) {
            state.SkipWithError(d.error().describe().c_str());
            return;
        }
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * 8192);
}
BENCHMARK(BM_deliver_8k_fsync)->UseRealTime()->Unit(benchmark::kMicrosecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
