#pragma once
// One IMAP connection: drives imap::Parser and imap::Encoder over a net::Stream.
//
// Pull model, one coroutine at a time per connection: a caller sends commands and reads responses
// itself (execute, pipeline), so there is no background reader and no shared state to race on.
// Pipelining: pipeline() keeps up to `max_in_flight` commands outstanding. One predicate decides what
// may be sent next (sendable(): nothing waits on a "+" continuation and the window has room); untagged
// responses go to the caller's handler in arrival order, tagged ones complete their command by tag.
// The window also prevents the classic deadlock of writing commands while the server is blocked
// writing responses nobody reads.
//
// Wire traces (log level debug) use Command::redacted: passwords and SASL payloads are "***" and
// literal bodies are "{n bytes}"; message bodies are never logged.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mailtwin/imap/capabilities.hpp"
#include "mailtwin/imap/encoder.hpp"
#include "mailtwin/imap/parser.hpp"
#include "mailtwin/net/answer_limits.hpp"
#include "mailtwin/net/asio.hpp"
#include "mailtwin/net/deflate.hpp"
#include "mailtwin/net/stream.hpp"
#include "mailtwin/net/tls.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::net {

enum class Security { implicit_tls, starttls, none };
enum class AuthMechanism { plain, login, xoauth2 };

struct ConnectionSettings {
    std::string host;
    std::uint16_t port = 993;
    Security security = Security::implicit_tls;
    TlsSettings tls{};
    std::string user;
    std::string secret;  // password, or an OAuth2 access token for xoauth2; never logged
    AuthMechanism auth = AuthMechanism::plain;
    bool compress = false;       // COMPRESS=DEFLATE when the server offers it
    bool enable_qresync = true;  // ENABLE QRESYNC (or CONDSTORE) when offered
    bool send_id = true;         // ID ("name" "mailtwin" ...) when offered
    // The three waits (config: connect_timeout, greeting_timeout, command_timeout). Each is the
    // longest silence tolerated, so a dead peer costs at most one of them per step, never more.
    Timeout connect_timeout = std::chrono::seconds(10);  // resolving the host and the TCP connect
    Timeout greeting_timeout = std::chrono::seconds(5);  // the greeting, and each TLS handshake
    Timeout io_timeout = std::chrono::seconds(60);       // command_timeout: silence while a command runs
    std::size_t max_in_flight = 64;                      // pipelined commands outstanding
    imap::ParserLimits limits{};
    AnswerLimits answer_limits{};
};

// The completion of one command.
struct Reply {
    std::string tag;
    std::string command;  // "UID MOVE"
    imap::Status status = imap::Status::ok;
    std::optional<imap::ResponseCode> code;
    std::string text;

    [[nodiscard]] bool ok() const noexcept { return status == imap::Status::ok; }
    // command_failed (NO) or command_rejected (BAD), quoting the server: "UID MOVE: NO [TRYCREATE] ...".
    [[nodiscard]] util::Error to_error() const;
};

// Receives every untagged response (FETCH, EXISTS, VANISHED, LIST, ...) during a command.
using UntaggedHandler = std::function<void(imap::Response&)>;

class Connection {
public:
    Connection(asio::any_io_executor executor, ConnectionSettings settings);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Connect, read the greeting, STARTTLS if asked (refused, never downgraded, when the server does
    // not offer it), authenticate, re-read CAPABILITY, ENABLE QRESYNC/CONDSTORE, ID, COMPRESS.
    // Errors: net::NetError (connect, TLS), SessionError::auth_failed, ::starttls_unavailable, ...
    asio::awaitable<util::Expected<void>> open();

    // One command; NO/BAD come back as a Reply (not an error): only transport and protocol failures
    // are errors, after which the connection is unusable.
    asio::awaitable<util::Expected<Reply>> execute(imap::Command command, const UntaggedHandler& on_untagged = {});
    // Many commands, pipelined; replies in the order of `commands`.
    asio::awaitable<util::Expected<std::vector<Reply>>> pipeline(std::vector<imap::Command> commands,
                                                                 const UntaggedHandler& on_untagged = {});

    // IDLE (RFC 2177) until `wake` returns true for an untagged response or `max_idle` passes; then
    // DONE and the tagged completion. Untagged responses all go to `wake`.
    asio::awaitable<util::Expected<void>> idle(Timeout max_idle, const std::function<bool(imap::Response&)>& wake);

    // Marks the connection unusable (a response was left half-read); later commands fail at once.
    void abandon() noexcept { m_broken = true; }

    // For untagged handlers that accumulate: true while `count` <= `limit`; past it, the command
    // running now fails with limit_error(...) naming `what` and the limit `name`, and the connection
    // is dropped (see answer_limits.hpp).
    bool within_limit(std::uint64_t count, std::uint64_t limit, std::string_view what, std::string_view name);
    [[nodiscard]] const AnswerLimits& answer_limits() const noexcept { return m_settings.answer_limits; }
    // For untagged handlers that find an answer unusable (an invalid UID): the command running now
    // fails with `error` once the handler returns, and the connection is dropped.
    void reject_answer(util::Error error);

    // LOGOUT and close; never fails.
    asio::awaitable<void> logout();

    [[nodiscard]] imap::Encoder& encoder() noexcept { return m_encoder; }
    [[nodiscard]] imap::Parser& parser() noexcept { return m_parser; }
    [[nodiscard]] const imap::Capabilities& capabilities() const noexcept { return m_caps; }
    [[nodiscard]] const ConnectionSettings& settings() const noexcept { return m_settings; }
    [[nodiscard]] bool is_open() const noexcept { return m_stream.is_open() && !m_broken; }
    [[nodiscard]] bool compressed() const noexcept { return m_deflater != nullptr; }
    [[nodiscard]] bool qresync_enabled() const noexcept { return m_qresync_enabled; }
    [[nodiscard]] bool condstore_enabled() const noexcept { return m_condstore_enabled; }
    [[nodiscard]] bool utf8_enabled() const noexcept { return m_utf8_enabled; }
    [[nodiscard]] const std::string& greeting() const noexcept { return m_greeting; }
    [[nodiscard]] const Stream& stream() const noexcept { return m_stream; }
    [[nodiscard]] std::uint64_t bytes_received() const noexcept { return m_bytes_received; }
    [[nodiscard]] std::uint64_t bytes_sent() const noexcept { return m_bytes_sent; }
    [[nodiscard]] std::string peer() const { return m_settings.host + ":" + std::to_string(m_settings.port); }

private:
    struct InFlight;
    struct PipelineRun;

    // pipeline()'s steps. Sends the commands the window has room for, then flushes.
    asio::awaitable<util::Expected<void>> send_window(PipelineRun& run);
    // Names the oldest command not completed as what the connection waits for (once per command).
    void announce_wait(PipelineRun& run);
    // A "+": the next segment of the command waiting for it (or an empty line after a SASL challenge).
    asio::awaitable<util::Expected<void>> answer_continuation(PipelineRun& run);
    // A tagged response: completes its command's reply; a tag not sent breaks the connection.
    util::Expected<void> complete_command(PipelineRun& run, imap::Response& resp);
    // A BYE: the expected end of a LOGOUT (the stream is closed), otherwise an error.
    asio::awaitable<util::Expected<void>> end_on_bye(const PipelineRun& run);
    // An untagged response: checked against the answer limits, then given to `on_untagged`.
    util::Expected<void> take_untagged(PipelineRun& run, imap::Response& resp, const UntaggedHandler& on_untagged);

    asio::awaitable<util::Expected<void>> read_greeting();
    asio::awaitable<util::Expected<void>> start_tls_upgrade();
    asio::awaitable<util::Expected<void>> authenticate();
    asio::awaitable<util::Expected<void>> refresh_capabilities(const Reply& after);
    asio::awaitable<util::Expected<void>> enable_extensions();
    asio::awaitable<util::Expected<void>> start_compression();

    // What the connection waits for, for -v and for the message when the wait times out.
    struct Wait {
        std::string what;     // "the greeting", "the answer to UID FETCH"
        std::string setting;  // the config key that sets the timeout
        std::string hint;     // appended to the timeout message: what to change
    };
    void wait_for(Wait wait);

    // The next complete response from the server; a silence longer than the timeout is an error.
    asio::awaitable<util::Expected<imap::Response>> next_response();
    asio::awaitable<util::Expected<imap::Response>> next_response_within(Timeout timeout);
    // Counts one untagged response of the command running now against AnswerLimits::max_untagged*.
    bool count_untagged(std::size_t& responses, std::uint64_t& bytes);
    // The error an untagged response to `command` makes fatal: a limit passed, an invalid UID.
    std::optional<util::Error> untagged_problem(const imap::Response& response, const std::string& command,
                                                std::size_t& responses, std::uint64_t& bytes);
    // Sets m_caps from a CAPABILITY list, unless it passes AnswerLimits::max_capabilities.
    void accept_capabilities(std::vector<std::string> atoms);
    asio::awaitable<util::Expected<void>> send_done();
    // Sends one segment of a command (text and streamed payloads), buffered until flush().
    asio::awaitable<util::Expected<void>> send_segment(const imap::Segment& segment);
    asio::awaitable<util::Expected<void>> send_bytes(std::string_view bytes);
    asio::awaitable<util::Expected<void>> flush();
    // Responses every command sees: CAPABILITY updates, ALERTs, BYE.
    void observe(const imap::Response& response);
    util::Unexpected broken(util::Error error);
    void update_encoder_options();

    ConnectionSettings m_settings;
    asio::any_io_executor m_executor;
    Stream m_stream;
    std::optional<TlsContext> m_tls;
    imap::Parser m_parser;
    imap::Encoder m_encoder;
    imap::Capabilities m_caps;
    std::unique_ptr<Deflater> m_deflater;
    std::unique_ptr<Inflater> m_inflater;

    std::vector<char> m_read_buffer;
    std::string m_inflated;  // decompressed bytes not yet parsed (compressed sessions)
    std::size_t m_inflated_offset = 0;
    std::string_view m_pending;  // raw bytes read but not yet parsed (plain sessions)
    std::string m_out;           // bytes to send (compressed already, when compressing)

    std::string m_greeting;
    std::optional<std::string> m_bye;           // text of an untagged BYE, once received
    std::optional<util::Error> m_answer_error;  // a limit passed or an answer rejected during this command
    Wait m_wait;
    bool m_broken = false;
    bool m_qresync_enabled = false;
    bool m_condstore_enabled = false;
    bool m_utf8_enabled = false;
    std::uint64_t m_bytes_received = 0;
    std::uint64_t m_bytes_sent = 0;
};

}  // namespace mailtwin::net
