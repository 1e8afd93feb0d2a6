#include "mailtwin/net/connection.hpp"

#include <algorithm>
#include <array>

#include "connection_text.hpp"
#include "mailtwin/net/error.hpp"
#include "mailtwin/net/session_error.hpp"
#include "mailtwin/util/log.hpp"

namespace mailtwin::net {

using detail::is_bye;
using detail::seconds_text;
using detail::server_text;
using detail::tracing;

namespace {

constexpr std::size_t k_read_buffer_bytes = 256 * 1024;
constexpr std::size_t k_flush_threshold = 64 * 1024;  // batch small commands into one write
constexpr std::size_t k_payload_chunk = 256 * 1024;   // streamed literal bodies are sent in these
constexpr std::string_view k_version = "0.1.0";

std::string_view status_name(imap::Status s) {
    switch (s) {
        case imap::Status::ok:
            return "OK";
        case imap::Status::no:
            return "NO";
        case imap::Status::bad:
            return "BAD";
        case imap::Status::preauth:
            return "PREAUTH";
        case imap::Status::bye:
            return "BYE";
    }
    return "?";
}

}  // namespace

util::Error Reply::to_error() const {
    std::string said = std::string(status_name(status)) + " ";
    if (code) said += "[" + code->name + (code->args.empty() ? "" : " " + code->args) + "] ";
    said += text;
    return util::Error{status == imap::Status::bad ? SessionError::command_rejected : SessionError::command_failed,
                       command + ": the server answered " + said};
}

Connection::Connection(asio::any_io_executor executor, ConnectionSettings settings)
    : m_settings(std::move(settings)),
      m_executor(executor),
      m_stream(std::move(executor)),
      m_parser(m_settings.limits),
      m_read_buffer(k_read_buffer_bytes) {}

Connection::~Connection() = default;

util::Unexpected Connection::broken(util::Error error) {
    m_broken = true;
    m_stream.abort();  // nothing more is read from it; a server still sending is cut off now
    return util::unexpected(std::move(error));
}

void Connection::update_encoder_options() {
    auto& o = m_encoder.options();
    o.literals = imap::literal_mode_for(m_caps.literal_plus(), m_caps.literal_minus());
    o.sasl_ir = m_caps.sasl_ir();
    o.binary = m_caps.binary();
    o.utf8_accept = m_utf8_enabled;
}

// ---------------------------------------------------------------------------------------------------
// Session set-up

asio::awaitable<util::Expected<void>> Connection::open() {
    if (m_settings.security != Security::none) {
        auto tls = TlsContext::create(m_settings.tls);
        if (!tls) co_return util::unexpected(std::move(tls).error());
        m_tls.emplace(std::move(*tls));
    }
    if (tracing())
        util::log_debug("connecting to " + peer() + " (waiting up to " + seconds_text(m_settings.connect_timeout) +
                        ", connect_timeout)");
    if (auto r = co_await m_stream.connect(m_settings.host, m_settings.port, m_settings.connect_timeout); !r)
        co_return r;
    if (m_settings.security == Security::implicit_tls) {
        if (tracing())
            util::log_debug("TLS handshake with " + peer() + " (waiting up to " +
                            seconds_text(m_settings.greeting_timeout) + ", greeting_timeout)");
        if (auto r = co_await m_stream.handshake(*m_tls, m_settings.greeting_timeout); !r) {
            // A plain IMAP port either greets in clear text (the handshake fails at once) or waits for
            // a command (the handshake times out): both mean the other TLS mode.
            auto error = std::move(r).error();
            if (error.code == NetError::timeout)
                error.message = peer() + " did not complete the TLS handshake within " +
                                seconds_text(m_settings.greeting_timeout) + " (greeting_timeout)";
            if (error.code == NetError::timeout || error.message.find("plain IMAP on this port") != std::string::npos)
                error.message += "; if " + peer() +
                                 " speaks plain IMAP or STARTTLS (port 143 usually does), set "
                                 "tls = \"starttls\", or use the server's implicit-TLS port (usually 993)";
            co_return util::unexpected(std::move(error));
        }
    }
    if (auto r = co_await read_greeting(); !r) co_return r;
    if (m_settings.security == Security::starttls)
        if (auto r = co_await start_tls_upgrade(); !r) co_return r;
    if (auto r = co_await authenticate(); !r) co_return r;
    if (auto r = co_await enable_extensions(); !r) co_return r;
    if (m_settings.compress && m_caps.compress_deflate())
        if (auto r = co_await start_compression(); !r) co_return r;
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<void>> Connection::read_greeting() {
    Wait wait{"the greeting", "greeting_timeout", ""};
    // An implicit-TLS port waits for the client's TLS hello and never greets in clear text.
    if (m_settings.security != Security::implicit_tls)
        wait.hint =
            "; if " + peer() + " expects TLS from the first byte (port 993 usually does), set tls = \"implicit\"";
    wait_for(std::move(wait));
    auto greeting = co_await next_response_within(m_settings.greeting_timeout);
    if (!greeting) co_return util::unexpected(std::move(greeting).error());
    m_greeting = server_text(*greeting);
    if (greeting->kind == imap::Response::Kind::bye || greeting->status == imap::Status::bye)
        co_return broken({SessionError::server_bye, peer() + " refused the connection: " + m_greeting});
    if (greeting->kind != imap::Response::Kind::untagged ||
        (greeting->status != imap::Status::ok && greeting->status != imap::Status::preauth))
        co_return broken({SessionError::protocol_violation, peer() + " sent no IMAP greeting (is this an IMAP port?)"});
    if (greeting->code)
        if (auto caps = greeting->code->capabilities()) accept_capabilities(std::move(*caps));
    if (m_answer_error) co_return broken(*m_answer_error);
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<void>> Connection::start_tls_upgrade() {
    if (m_caps.empty()) {
        auto r = co_await execute(m_encoder.capability());
        if (!r) co_return util::unexpected(std::move(r).error());
    }
    // A server (or a man in the middle) that hides STARTTLS must not get the password in clear text.
    if (!m_caps.starttls())
        co_return broken({SessionError::starttls_unavailable,
                          peer() + " does not offer STARTTLS, and tls = \"starttls\" forbids going on without it; "
                                   "use tls = \"implicit\" (port 993) if the server supports it"});
    auto r = co_await execute(m_encoder.starttls());
    if (!r) co_return util::unexpected(std::move(r).error());
    if (!r->ok()) co_return broken(r->to_error());
    // Bytes the server sent after its OK but before the handshake were not protected by TLS: they
    // could be injected (CVE-2011-0411 style). Refuse rather than parse them.
    if (!m_pending.empty() || !m_parser.idle())
        co_return broken(
            {SessionError::protocol_violation, peer() + " sent data after STARTTLS before the TLS handshake"});
    if (tracing())
        util::log_debug("TLS handshake with " + peer() + " after STARTTLS (waiting up to " +
                        seconds_text(m_settings.greeting_timeout) + ", greeting_timeout)");
    if (auto h = co_await m_stream.handshake(*m_tls, m_settings.greeting_timeout); !h) co_return h;
    m_caps = {};  // RFC 3501 §6.2.1: capabilities from before TLS must be discarded
    auto caps = co_await execute(m_encoder.capability());
    if (!caps) co_return util::unexpected(std::move(caps).error());
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<void>> Connection::authenticate() {
    if (m_caps.empty()) {
        auto r = co_await execute(m_encoder.capability());
        if (!r) co_return util::unexpected(std::move(r).error());
    }
    update_encoder_options();
    util::Expected<imap::Command> command = util::unexpected(SessionError::login_disabled, "");
    switch (m_settings.auth) {
        case AuthMechanism::xoauth2:
            if (!m_caps.auth("XOAUTH2"))
                co_return broken({SessionError::capability_missing,
                                  peer() + " does not offer AUTH=XOAUTH2; set auth = \"plain\" or \"login\""});
            command = m_encoder.authenticate_xoauth2(m_settings.user, m_settings.secret);
            break;
        case AuthMechanism::plain:
            if (m_caps.auth("PLAIN")) {
                command = m_encoder.authenticate_plain(m_settings.user, m_settings.secret);
                break;
            }
            [[fallthrough]];  // no AUTH=PLAIN: the LOGIN command carries the same credentials
        case AuthMechanism::login:
            if (m_caps.login_disabled())
                co_return broken({SessionError::login_disabled,
                                  peer() + " does not allow LOGIN on this connection (LOGINDISABLED); use TLS"});
            command = m_encoder.login(m_settings.user, m_settings.secret);
            break;
    }
    if (!command) co_return broken(std::move(command).error());
    auto reply = co_await execute(std::move(*command));
    if (!reply) co_return util::unexpected(std::move(reply).error());
    if (!reply->ok())
        co_return broken({SessionError::auth_failed, "login as " + m_settings.user + " at " + peer() +
                                                         " failed: the server answered " +
                                                         std::string(status_name(reply->status)) + " " +
                                                         (reply->code ? "[" + reply->code->name + "] " : "") +
                                                         reply->text + "; check user and password_cmd"});
    co_return co_await refresh_capabilities(*reply);
}

asio::awaitable<util::Expected<void>> Connection::refresh_capabilities(const Reply& after) {
    // Servers may announce new capabilities after login in the OK's response code; otherwise ask.
    if (after.code && after.code->kind == imap::CodeKind::capability)
        if (auto caps = after.code->capabilities()) {
            m_caps = imap::Capabilities(*caps);
            update_encoder_options();
            co_return util::Expected<void>{};
        }
    auto r = co_await execute(m_encoder.capability());
    if (!r) co_return util::unexpected(std::move(r).error());
    update_encoder_options();
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<void>> Connection::enable_extensions() {
    std::vector<imap::Command> batch;
    std::vector<std::string_view> extensions;
    if (m_settings.enable_qresync && m_caps.enable()) {
        if (m_caps.qresync())
            extensions.push_back("QRESYNC");  // implies CONDSTORE (RFC 7162 §3.2.3)
        else if (m_caps.condstore())
            extensions.push_back("CONDSTORE");
    }
    if (m_caps.enable() && m_caps.utf8_accept()) extensions.push_back("UTF8=ACCEPT");
    if (!extensions.empty()) {
        auto cmd = m_encoder.enable(extensions);
        if (!cmd) co_return util::unexpected(std::move(cmd).error());
        batch.push_back(std::move(*cmd));
    }
    if (m_settings.send_id && m_caps.id()) {
        const std::pair<std::string, std::string> fields[] = {{"name", "mailtwin"},
                                                              {"version", std::string(k_version)}};
        auto cmd = m_encoder.id(fields);
        if (!cmd) co_return util::unexpected(std::move(cmd).error());
        batch.push_back(std::move(*cmd));
    }
    if (batch.empty()) {
        m_condstore_enabled = m_caps.condstore();  // CONDSTORE works without ENABLE, on first use
        co_return util::Expected<void>{};
    }
    auto replies = co_await pipeline(std::move(batch), [this](imap::Response& r) {
        if (auto enabled = imap::decode_enabled(r)) {
            for (const auto& e : *enabled) {
                imap::Capabilities one({e});
                if (one.has("QRESYNC")) m_qresync_enabled = m_condstore_enabled = true;
                if (one.has("CONDSTORE")) m_condstore_enabled = true;
                if (one.utf8_accept()) m_utf8_enabled = true;
            }
        }
    });
    if (!replies) co_return util::unexpected(std::move(replies).error());
    if (!m_condstore_enabled) m_condstore_enabled = m_caps.condstore();
    update_encoder_options();
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<void>> Connection::start_compression() {
    auto reply = co_await execute(m_encoder.compress_deflate());
    if (!reply) co_return util::unexpected(std::move(reply).error());
    if (!reply->ok()) {
        util::log_debug("COMPRESS refused by " + peer() + ": " + reply->text + "; going on uncompressed");
        co_return util::Expected<void>{};
    }
    // From the byte after the server's OK on, both directions are deflated (RFC 4978 §3).
    m_deflater = std::make_unique<Deflater>();
    m_inflater = std::make_unique<Inflater>();
    std::string_view rest = m_pending;
    m_pending = {};
    if (!rest.empty())
        if (auto r = m_inflater->decompress(rest, m_inflated); !r) co_return broken(std::move(r).error());
    co_return util::Expected<void>{};
}

// ---------------------------------------------------------------------------------------------------
// Commands

asio::awaitable<util::Expected<Reply>> Connection::execute(imap::Command command, const UntaggedHandler& on_untagged) {
    std::vector<imap::Command> one;
    one.push_back(std::move(command));
    auto replies = co_await pipeline(std::move(one), on_untagged);
    if (!replies) co_return util::unexpected(std::move(replies).error());
    co_return std::move(replies->front());
}

struct Connection::InFlight {
    imap::Command command;
    std::size_t next_segment = 1;  // segment 0 goes out when the command is sent
    bool done = false;
};

// One pipeline() call: its commands and their replies, and how far sending and answering are.
struct Connection::PipelineRun {
    explicit PipelineRun(std::vector<imap::Command> commands) {
        slots.reserve(commands.size());
        for (auto& c : commands) slots.push_back(InFlight{std::move(c)});
        replies.resize(slots.size());
        announced = slots.size();
    }

    // What may be sent next: nothing waits on a "+" continuation and the window has room.
    [[nodiscard]] bool sendable(std::size_t max_in_flight) const {
        return next_to_send < slots.size() && !waiting_continuation && outstanding < max_in_flight;
    }

    std::vector<InFlight> slots;
    std::vector<Reply> replies;
    std::size_t next_to_send = 0, outstanding = 0, completed = 0;
    std::size_t first_pending = 0;  // the oldest command not completed: what the wait is for
    std::size_t announced = 0;
    std::size_t untagged = 0;
    std::uint64_t untagged_bytes = 0;
    std::optional<std::size_t> waiting_continuation;  // the one command whose next segment awaits "+"
};

asio::awaitable<util::Expected<std::vector<Reply>>> Connection::pipeline(std::vector<imap::Command> commands,
                                                                         const UntaggedHandler& on_untagged) {
    if (m_broken)
        co_return util::unexpected(SessionError::protocol_violation, "connection to " + peer() + " is broken");
    PipelineRun run(std::move(commands));
    m_answer_error.reset();

    while (run.completed < run.slots.size()) {
        if (auto r = co_await send_window(run); !r) co_return util::unexpected(std::move(r).error());
        announce_wait(run);
        auto response = co_await next_response();
        if (!response) co_return util::unexpected(std::move(response).error());
        imap::Response& resp = *response;

        switch (resp.kind) {
            case imap::Response::Kind::continuation:
                if (auto r = co_await answer_continuation(run); !r) co_return util::unexpected(std::move(r).error());
                break;
            case imap::Response::Kind::tagged:
                if (auto r = complete_command(run, resp); !r) co_return util::unexpected(std::move(r).error());
                break;
            case imap::Response::Kind::bye:
            case imap::Response::Kind::untagged:
                observe(resp);
                if (is_bye(resp)) {
                    if (auto r = co_await end_on_bye(run); !r) co_return util::unexpected(std::move(r).error());
                    co_return std::move(run.replies);
                }
                if (auto r = take_untagged(run, resp, on_untagged); !r)
                    co_return util::unexpected(std::move(r).error());
                break;
        }
    }
    co_return std::move(run.replies);
}

asio::awaitable<util::Expected<void>> Connection::send_window(PipelineRun& run) {
    while (run.sendable(m_settings.max_in_flight)) {
        InFlight& slot = run.slots[run.next_to_send];
        if (tracing()) util::log_debug("C: " + slot.command.redacted);
        if (auto r = co_await send_segment(slot.command.segments.at(0)); !r)
            co_return util::unexpected(std::move(r).error());
        if (slot.command.segments.size() > 1) run.waiting_continuation = run.next_to_send;
        ++run.next_to_send;
        ++run.outstanding;
    }
    auto flushed = co_await flush();
    co_return flushed;
}

void Connection::announce_wait(PipelineRun& run) {
    while (run.first_pending < run.slots.size() && run.slots[run.first_pending].done) ++run.first_pending;
    if (run.first_pending >= run.slots.size() || run.first_pending == run.announced) return;
    run.announced = run.first_pending;
    wait_for({"the answer to " + run.slots[run.first_pending].command.name, "command_timeout", ""});
    if (tracing())
        util::log_debug("waiting for " + m_wait.what + " from " + peer() + " (a silence of " +
                        seconds_text(m_settings.io_timeout) + " fails, command_timeout)");
}

asio::awaitable<util::Expected<void>> Connection::answer_continuation(PipelineRun& run) {
    if (!run.waiting_continuation) {
        // A SASL challenge after the last segment (XOAUTH2 error details): answer with an
        // empty line so that the server sends its tagged NO (RFC 7628 §3.2.3).
        auto answered = co_await send_bytes("\r\n");
        co_return answered;
    }
    InFlight& slot = run.slots[*run.waiting_continuation];
    if (auto r = co_await send_segment(slot.command.segments.at(slot.next_segment)); !r)
        co_return util::unexpected(std::move(r).error());
    if (++slot.next_segment >= slot.command.segments.size()) run.waiting_continuation.reset();
    co_return util::Expected<void>{};
}

util::Expected<void> Connection::complete_command(PipelineRun& run, imap::Response& resp) {
    const auto sent_end = run.slots.begin() + static_cast<std::ptrdiff_t>(run.next_to_send);
    auto it = std::find_if(run.slots.begin(), sent_end,
                           [&](const InFlight& s) { return !s.done && s.command.tag == resp.tag; });
    if (it == sent_end)
        return broken({SessionError::protocol_violation,
                       peer() + " completed a command it was not given (tag " + resp.tag + ")"});
    if (tracing())
        util::log_debug("S: " + resp.tag + " " + std::string(status_name(resp.status.value_or(imap::Status::bad))) +
                        " " + server_text(resp));
    std::size_t index = static_cast<std::size_t>(it - run.slots.begin());
    it->done = true;
    if (run.waiting_continuation == index) run.waiting_continuation.reset();  // NO instead of "+"
    Reply& reply = run.replies[index];
    reply.tag = resp.tag;
    reply.command = it->command.name;
    reply.status = resp.status.value_or(imap::Status::bad);
    reply.code = std::move(resp.code);
    reply.text = std::move(resp.text);
    if (reply.code && reply.code->kind == imap::CodeKind::capability)
        if (auto caps = reply.code->capabilities()) accept_capabilities(std::move(*caps));
    if (m_answer_error) return broken(*m_answer_error);
    --run.outstanding;
    ++run.completed;
    return {};
}

asio::awaitable<util::Expected<void>> Connection::end_on_bye(const PipelineRun& run) {
    // The server ends the session: nothing more will come, so waiting for the tag
    // would only wait for a timeout (the socket may stay open). LOGOUT expects it.
    const bool logging_out =
        std::any_of(run.slots.begin(), run.slots.end(), [](const InFlight& s) { return s.command.name == "LOGOUT"; });
    if (logging_out) {
        co_await m_stream.close();
        m_broken = true;
        co_return util::Expected<void>{};
    }
    co_return broken({SessionError::server_bye, peer() + " ended the session: " + m_bye.value_or("")});
}

util::Expected<void> Connection::take_untagged(PipelineRun& run, imap::Response& resp,
                                               const UntaggedHandler& on_untagged) {
    const std::string& answering = run.slots[std::min(run.first_pending, run.slots.size() - 1)].command.name;
    if (auto problem = untagged_problem(resp, answering, run.untagged, run.untagged_bytes))
        return broken(std::move(*problem));
    if (on_untagged && resp.kind == imap::Response::Kind::untagged) on_untagged(resp);
    if (m_answer_error) return broken(*m_answer_error);
    return {};
}

void Connection::observe(const imap::Response& r) {
    if (is_bye(r)) {
        m_bye = server_text(r);
        return;
    }
    if (auto caps = imap::decode_capability(r)) {
        accept_capabilities(std::move(*caps));
        return;
    }
    if (r.code && r.code->kind == imap::CodeKind::alert)
        util::log_warning("server alert from " + peer() + ": " + r.text);
}

asio::awaitable<void> Connection::logout() {
    if (is_open()) {
        auto r = co_await execute(m_encoder.logout());
        (void)r;  // the server may close at once after BYE; nothing to do about a failure here
    }
    co_await m_stream.close();
}

// ---------------------------------------------------------------------------------------------------
// Bytes

asio::awaitable<util::Expected<void>> Connection::send_bytes(std::string_view bytes) {
    if (m_deflater) {
        if (auto r = m_deflater->compress(bytes, false, m_out); !r) co_return broken(std::move(r).error());
    } else {
        m_out.append(bytes);
    }
    if (m_out.size() >= k_flush_threshold) co_return co_await flush();
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<void>> Connection::send_segment(const imap::Segment& segment) {
    for (const auto& piece : segment.pieces) {
        if (const auto* text = std::get_if<std::string>(&piece)) {
            if (auto r = co_await send_bytes(*text); !r) co_return r;
            continue;
        }
        const imap::PayloadPtr& payload = std::get<imap::PayloadPtr>(piece);
        if (auto whole = payload->contiguous()) {
            // Large bodies skip the batching buffer: flush what is queued, then write the body itself.
            if (!m_deflater && whole->size() >= k_flush_threshold) {
                if (auto r = co_await flush(); !r) co_return r;
                if (auto r =
                        co_await m_stream.write_all(asio::buffer(whole->data(), whole->size()), m_settings.io_timeout);
                    !r)
                    co_return broken(std::move(r).error());
                m_bytes_sent += whole->size();
                continue;
            }
            if (auto r = co_await send_bytes(*whole); !r) co_return r;
            continue;
        }
        std::vector<char> chunk(k_payload_chunk);
        for (std::uint64_t offset = 0; offset < payload->size();) {
            auto n = payload->read(offset, std::span<char>(chunk.data(), chunk.size()));
            if (!n) co_return broken(std::move(n).error());  // the literal header is out: the stream is lost
            if (*n == 0)
                co_return broken(
                    {SessionError::protocol_violation, "a message body ended early while it was being sent"});
            if (auto r = co_await send_bytes(std::string_view(chunk.data(), *n)); !r) co_return r;
            offset += *n;
        }
    }
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<void>> Connection::flush() {
    if (m_deflater) {
        if (auto r = m_deflater->compress({}, true, m_out); !r) co_return broken(std::move(r).error());
    }
    if (m_out.empty()) co_return util::Expected<void>{};
    auto r = co_await m_stream.write_all(asio::buffer(m_out), m_settings.io_timeout);
    if (!r) co_return broken(std::move(r).error());
    m_bytes_sent += m_out.size();
    m_out.clear();
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<imap::Response>> Connection::next_response() {
    co_return co_await next_response_within(m_settings.io_timeout);
}

asio::awaitable<util::Expected<imap::Response>> Connection::next_response_within(Timeout timeout) {
    for (;;) {
        // Parse what is buffered first: one read may hold many responses.
        std::string_view source = m_inflater ? std::string_view(m_inflated).substr(m_inflated_offset) : m_pending;
        if (!source.empty()) {
            auto r = m_parser.feed(source);
            if (m_inflater)
                m_inflated_offset += r.consumed;
            else
                m_pending.remove_prefix(r.consumed);
            if (r.status == imap::FeedStatus::response) co_return m_parser.take();
            if (r.status == imap::FeedStatus::error)
                co_return broken(
                    {m_parser.error().code, "unreadable response from " + peer() + ": " + m_parser.error().message});
            continue;
        }
        if (m_inflater) {
            m_inflated.clear();
            m_inflated_offset = 0;
        }
        auto n = co_await m_stream.read_some(asio::buffer(m_read_buffer), timeout);
        if (!n) {
            if (m_bye) co_return broken({SessionError::server_bye, peer() + " closed the session: " + *m_bye});
            auto error = std::move(n).error();
            if (error.code == NetError::timeout && !m_wait.what.empty())
                error.message = peer() + " sent nothing for " + seconds_text(timeout) + " while mailtwin waited for " +
                                m_wait.what + " (" + m_wait.setting + "); the connection was closed" + m_wait.hint;
            co_return broken(std::move(error));
        }
        m_bytes_received += *n;
        std::string_view got(m_read_buffer.data(), *n);
        if (m_inflater) {
            if (auto r = m_inflater->decompress(got, m_inflated); !r) co_return broken(std::move(r).error());
        } else {
            m_pending = got;
        }
    }
}

}  // namespace mailtwin::net
