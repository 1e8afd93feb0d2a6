// libFuzzer target for the IMAP response parser. Each input is parsed twice with the same small
// limits: once in one piece and once in pseudo-random chunks (chunk sizes drawn from the input's
// first bytes). Both runs must agree exactly on the responses, the streamed bytes and the error,
// which checks split-independence as well as memory safety (ASan/UBSan). Every complete response
// also goes through every typed decoder.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "mailtwin/imap/parser.hpp"
#include "mailtwin/imap/response.hpp"

namespace {

using namespace mailtwin::imap;

class RecordingSink final : public LiteralSink {
public:
    explicit RecordingSink(std::string& log) : m_log(log) {}
    bool begin(const FetchContext& ctx, std::uint64_t total) override {
        if (!ctx.section.empty() && ctx.section != "TEXT") return false;
        m_log += "<begin " + std::to_string(ctx.seq) + " " + std::string(ctx.item) + " " + std::to_string(total) + ">";
        return true;
    }
    void data(std::string_view chunk) override { m_log.append(chunk); }
    void end() override { m_log += "<end>"; }

private:
    std::string& m_log;
};

ParserLimits fuzz_limits() {
    ParserLimits l;
    l.max_line_bytes = 4096;
    l.max_literal_bytes = 2048;
    l.max_streamed_literal_bytes = 1 << 20;
    l.max_depth = 8;
    l.max_response_bytes = 64 * 1024;
    return l;
}

void exercise_decoders(const Response& r) {
    (void)decode_capability(r);
    (void)decode_enabled(r);
    (void)decode_exists(r);
    (void)decode_expunge(r);
    (void)decode_recent(r);
    if (auto f = decode_fetch(r)) {
        for (const auto& b : f->bodies) (void)b.section.size();
    }
    if (auto v = decode_vanished(r)) {
        // Walk at most a few UIDs: ranges are lazy, never expanded.
        int n = 0;
        for (auto uid : v->uids) {
            (void)uid;
            if (++n > 16) break;
        }
        (void)v->uids.normalized().count();
    }
    (void)decode_esearch(r);
    (void)decode_search(r);
    (void)decode_list(r);
    (void)decode_status(r);
    (void)decode_flags(r);
    (void)decode_namespace(r);
    (void)decode_id(r);
    if (r.code) {
        const auto& c = *r.code;
        (void)c.uidvalidity();
        (void)c.uidnext();
        (void)c.unseen();
        (void)c.highestmodseq();
        (void)c.permanent_flags();
        (void)c.copyuid();
        (void)c.appenduid();
        (void)c.modified();
        (void)c.capabilities();
        (void)c.badcharsets();
    }
}

struct Outcome {
    std::string log;
    bool failed = false;
    std::error_code error;
};

Outcome run(std::string_view input, const std::vector<std::size_t>& chunks) {
    Outcome out;
    RecordingSink sink(out.log);
    Parser parser(fuzz_limits());
    parser.set_sink(&sink);
    std::size_t pos = 0;
    std::size_t k = 0;
    while (pos < input.size()) {
        std::size_t len = chunks.empty() ? input.size() - pos : chunks[k++ % chunks.size()];
        if (len > input.size() - pos) len = input.size() - pos;
        std::string_view chunk = input.substr(pos, len);
        pos += len;
        while (!chunk.empty() || parser.failed()) {
            auto r = parser.feed(chunk);
            if (r.consumed > chunk.size()) std::abort();
            chunk.remove_prefix(r.consumed);
            if (r.status == FeedStatus::error) {
                out.failed = true;
                out.error = parser.error().code;
                return out;
            }
            if (r.status == FeedStatus::need_more) {
                if (!chunk.empty()) std::abort();  // need_more must consume everything
                break;
            }
            Response resp = parser.take();
            exercise_decoders(resp);
            out.log += "\n" + dump(resp) + "\n";
        }
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    // First byte: how many chunk sizes follow (0..7); each chunk size is one byte (1..256).
    const std::size_t nchunks = data[0] % 8;
    if (size < 1 + nchunks) return 0;
    std::vector<std::size_t> chunks;
    for (std::size_t i = 0; i < nchunks; ++i) chunks.push_back(std::size_t{data[1 + i]} + 1);
    const std::string_view input(reinterpret_cast<const char*>(data + 1 + nchunks), size - 1 - nchunks);

    const Outcome whole = run(input, {});
    const Outcome split = run(input, chunks.empty() ? std::vector<std::size_t>{1} : chunks);
    if (whole.log != split.log || whole.failed != split.failed || whole.error != split.error) std::abort();
    return 0;
}

// The libraries are built with recoverable UBSan checks; a fuzz run must stop at the first report.
extern "C" const char* __ubsan_default_options() { return "halt_on_error=1:print_stacktrace=1"; }
