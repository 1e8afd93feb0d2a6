#pragma once
// Sans-I/O incremental parser for IMAP server responses (RFC 3501 / RFC 9051, with RFC 3516 literal8).
//
// Usage (the connection's read loop):
//
//     Parser parser;                 // or Parser{limits}
//     parser.set_sink(&maildir_sink); // optional: FETCH bodies go there instead of memory
//     while (!buf.empty()) {
//         auto r = parser.feed(buf);
//         buf.remove_prefix(r.consumed);
//         if (r.status == FeedStatus::response) handle(parser.take());
//         else if (r.status == FeedStatus::error) drop_connection(parser.error());
//         // need_more: every byte was consumed (kept inside the parser); read more
//     }
//
// feed() consumes bytes up to the end of at most one complete response. Bytes it consumed are never
// passed again: partial lines are kept internally, literal bytes are copied into the response or sent
// to the sink. The result is the same for any split of the input (each state has a resume position).
//
// Line ends: RFC 3501 requires CRLF. A bare LF is also accepted as a line end (some proxies and test
// servers emit it; it can never be ambiguous since a literal carries its own length); a CR that is not
// followed by LF, and NUL outside literals, are errors.
//
// Streaming: a literal that is the value of a FETCH body item (BODY[...], BINARY[...], RFC822,
// RFC822.HEADER, RFC822.TEXT) is offered to the LiteralSink; if the sink accepts it, its bytes go to
// the sink in the chunks they arrive in and the response keeps only a ValueKind::streamed placeholder
// with the size. Otherwise the literal is kept in memory, up to ParserLimits::max_literal_bytes.
//
// Errors are fatal: the parser stays failed, every later feed() returns error with nothing consumed
// and error() keeps the first cause, since the byte stream can no longer be trusted.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailtwin/imap/error.hpp"
#include "mailtwin/imap/response.hpp"
#include "mailtwin/model/ids.hpp"
#include "mailtwin/util/error.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::imap {

// Every bound on what a server can make the parser hold or do. One error per violation.
struct ParserLimits {
    // One line outside literals, CRLF included. Large enough for SEARCH / VANISHED / ESEARCH results of
    // mailboxes with ~100k messages, which servers send as a single line.
    std::size_t max_line_bytes = 1024 * 1024;
    // One literal kept in memory (mailbox names, header fields, ENVELOPE strings, ID values).
    std::size_t max_literal_bytes = 1024 * 1024;
    // One literal sent to a LiteralSink (a message body). Larger announcements fail before any byte
    // is read or any memory is reserved.
    std::uint64_t max_streamed_literal_bytes = std::uint64_t{2} * 1024 * 1024 * 1024;
    // Parenthesised list nesting (BODYSTRUCTURE of deeply nested MIME stays far below).
    std::size_t max_depth = 64;
    // Everything one response holds in memory: its lines, in-memory literals, and k_value_cost per
    // Value node (so "() () () ..." cannot allocate far more than it sends).
    std::size_t max_response_bytes = 32 * 1024 * 1024;
};

// Where a streamed literal comes from, given to LiteralSink::begin.
struct FetchContext {
    std::uint32_t seq = 0;          // message sequence number of "* seq FETCH"
    std::optional<model::Uid> uid;  // the UID item, if the server sent it before this one
    std::string_view item;          // item name as sent: "BODY[]", "BINARY[1]<0>", "RFC822"
    std::string_view section;       // between the brackets: "" for BODY[]; empty for RFC822*
    bool binary = false;            // BINARY[...] or a literal8 (~{n})
};

// Receives FETCH body literals. Calls for one literal: begin, then data zero or more times (chunks in
// arrival order, concatenating to exactly `total` bytes), then end. The views (including those in
// FetchContext) are valid only during the call. Must not throw. If the stream stops in the middle of
// a literal (connection lost), end() is never called: the sink's owner discards the partial body.
class LiteralSink {
public:
    virtual ~LiteralSink() = default;
    // Return true to take this literal; false keeps it in memory (subject to max_literal_bytes).
    // Only called when total <= max_streamed_literal_bytes.
    virtual bool begin(const FetchContext& ctx, std::uint64_t total) = 0;
    virtual void data(std::string_view chunk) = 0;
    virtual void end() = 0;
};

// What one feed() call achieved.
enum class FeedStatus : std::uint8_t {
    need_more,  // every byte was consumed; the response is not complete yet
    response,   // a response is complete: take() it; bytes after `consumed` were not looked at
    error,      // the stream is malformed or exceeds a limit: see error(); drop the connection
};

class Parser {
public:
    struct Result {
        std::size_t consumed = 0;
        FeedStatus status = FeedStatus::need_more;
    };

    // Bytes of memory charged against max_response_bytes for each Value node.
    static constexpr std::size_t k_value_cost = sizeof(Value);

    explicit Parser(ParserLimits limits = {});

    // The sink for FETCH body literals; nullptr (the default) keeps every literal in memory.
    void set_sink(LiteralSink* sink) noexcept { m_sink = sink; }
    [[nodiscard]] const ParserLimits& limits() const noexcept { return m_limits; }

    Result feed(std::string_view bytes);

    // The response completed by the last feed() that returned FeedStatus::response.
    [[nodiscard]] Response take();

    [[nodiscard]] bool failed() const noexcept { return m_state == State::failed; }
    [[nodiscard]] const util::Error& error() const noexcept { return m_error; }
    // Total bytes consumed since construction: the offset named in error messages.
    [[nodiscard]] std::uint64_t offset() const noexcept { return m_offset; }
    // Bytes of the response last taken that it held in memory: its lines and in-memory literals, not
    // the literals streamed to a sink. What callers count when responses accumulate.
    [[nodiscard]] std::size_t last_response_bytes() const noexcept { return m_last_response_bytes; }
    // True between responses (nothing partial buffered): a clean place to close the connection.
    [[nodiscard]] bool idle() const noexcept;

private:
    enum class State : std::uint8_t { line, literal, streamed, failed };

    Result fail(std::size_t consumed, Errc code, std::string what, std::uint64_t at);
    // Processes one complete physical line (without its line end). These return true when the
    // response is complete, false when it continues (a literal follows) or on error (state failed).
    bool on_line(std::string_view line, std::uint64_t line_offset);
    bool parse_header(std::string_view line, std::size_t& pos, std::uint64_t line_offset);
    bool parse_values(std::string_view line, std::size_t pos, std::uint64_t line_offset);
    // Returns false always ("response not complete"); on error the state is failed.
    bool start_literal(std::uint64_t size, bool binary, std::uint64_t at);
    void finish_literal();
    bool charge(std::size_t bytes, std::uint64_t at);
    void set_error(Errc code, std::string what, std::uint64_t at);
    void reset_response();

    ParserLimits m_limits;
    LiteralSink* m_sink = nullptr;
    LiteralSink* m_active_sink = nullptr;  // the sink of the literal being streamed
    State m_state = State::line;
    util::Error m_error;
    std::uint64_t m_offset = 0;

    // Resume position for a partial line: the bytes so far (only used when a line spans feeds).
    std::string m_line;
    // Literal being read: bytes left; in-memory literals accumulate in m_literal.
    std::uint64_t m_literal_left = 0;
    std::string m_literal;

    // The response being built. m_stack[0] is the top-level argument list; each open "(" pushes one.
    Response m_response;
    std::vector<std::vector<Value>> m_stack;
    bool m_first_line = true;
    bool m_after_literal = false;  // the previous segment ended with a literal: a separator is due
    bool m_complete = false;
    std::size_t m_response_bytes = 0;
    std::size_t m_response_wire_bytes = 0;  // lines and in-memory literals of the response being built
    std::size_t m_last_response_bytes = 0;
};

// Feeds all of `bytes`, calling on_response(Response&&) for each complete response. Returns the error
// if the parser fails. Convenient for tests and for callers that already hold whole buffers.
template <typename F>
util::Expected<void> feed_all(Parser& parser, std::string_view bytes, F&& on_response) {
    for (;;) {
        auto r = parser.feed(bytes);
        bytes.remove_prefix(r.consumed);
        if (r.status == FeedStatus::error) return util::unexpected(parser.error());
        if (r.status == FeedStatus::need_more) return {};  // every byte was consumed
        on_response(parser.take());
    }
}

// Parses a string of values outside a connection (response-code arguments): atoms, quoted strings,
// NIL and lists; no literals. nullopt if malformed.
std::optional<std::vector<Value>> parse_value_list(std::string_view text);

}  // namespace mailtwin::imap
