// Connection: IDLE (RFC 2177) with its deadline, and DONE. The I/O loop is in connection.cpp.
#include "connection_text.hpp"
#include "mailtwin/net/connection.hpp"
#include "mailtwin/net/session_error.hpp"

namespace mailtwin::net {

using detail::is_bye;
using detail::seconds_text;
using detail::server_text;
using detail::tracing;

namespace {

// Shared between idle() and its deadline coroutine; single-threaded, so plain flags suffice.
struct IdleState {
    explicit IdleState(const asio::any_io_executor& ex) : timer(ex) {}
    asio::steady_timer timer;
    bool finished = false;         // idle() returned: the deadline coroutine must not touch the connection
    bool idling = false;           // "+ idling" received: DONE may be sent
    bool deadline_passed = false;  // the deadline came before "+": send DONE as soon as it arrives
    bool done_sent = false;
    std::optional<util::Error> write_error;
};

}  // namespace

asio::awaitable<util::Expected<void>> Connection::send_done() {
    if (tracing()) util::log_debug("C: DONE");
    if (auto r = co_await send_bytes("DONE\r\n"); !r) co_return r;
    co_return co_await flush();
}

asio::awaitable<util::Expected<void>> Connection::idle(Timeout max_idle,
                                                       const std::function<bool(imap::Response&)>& wake) {
    if (m_broken)
        co_return util::unexpected(SessionError::protocol_violation, "connection to " + peer() + " is broken");
    if (!m_caps.idle()) co_return util::unexpected(SessionError::capability_missing, peer() + " does not support IDLE");
    imap::Command command = m_encoder.idle();
    const std::string tag = command.tag;
    if (tracing()) util::log_debug("C: " + command.redacted);
    if (auto r = co_await send_segment(command.segments.at(0)); !r) co_return r;
    if (auto r = co_await flush(); !r) co_return r;

    // The deadline runs beside the read loop: a read timeout would close the stream, so the timer
    // writes DONE instead (Stream allows one read and one write at a time).
    auto state = std::make_shared<IdleState>(m_executor);
    state->timer.expires_after(max_idle);
    asio::co_spawn(
        m_executor,
        [this, state]() -> asio::awaitable<void> {
            boost::system::error_code ec;
            co_await state->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            if (ec || state->finished || state->done_sent) co_return;
            if (!state->idling) {
                state->deadline_passed = true;
                co_return;
            }
            state->done_sent = true;
            if (auto r = co_await send_done(); !r) state->write_error = std::move(r).error();
        },
        asio::detached);
    auto finish = [&state] {
        state->finished = true;
        state->timer.cancel();
    };

    wait_for({"news while idling (IDLE)", "command_timeout", ""});
    if (tracing())
        util::log_debug("idling on " + peer() + " for up to " + seconds_text(max_idle) + ", then " +
                        seconds_text(m_settings.io_timeout) + " for the end of IDLE (command_timeout)");
    std::size_t untagged = 0;
    std::uint64_t untagged_bytes = 0;
    m_answer_error.reset();
    for (;;) {
        auto response = co_await next_response_within(max_idle + m_settings.io_timeout);
        if (state->write_error) {
            finish();
            co_return util::unexpected(*state->write_error);
        }
        if (!response) {
            finish();
            co_return util::unexpected(std::move(response).error());
        }
        imap::Response& resp = *response;
        bool send_done_now = false;
        if (resp.kind == imap::Response::Kind::continuation) {
            state->idling = true;
            send_done_now = state->deadline_passed;
        } else if (resp.kind == imap::Response::Kind::tagged && resp.tag == tag) {
            finish();
            if (resp.status != imap::Status::ok)
                co_return util::unexpected(SessionError::command_failed,
                                           "IDLE: the server answered " + server_text(resp));
            co_return util::Expected<void>{};
        } else {
            observe(resp);
            if (is_bye(resp)) {
                finish();
                co_return broken({SessionError::server_bye, peer() + " ended the session: " + m_bye.value_or("")});
            }
            if (!count_untagged(untagged, untagged_bytes)) {
                finish();
                co_return broken(*m_answer_error);
            }
            send_done_now = resp.kind == imap::Response::Kind::untagged && wake && wake(resp) && state->idling;
        }
        if (send_done_now && !state->done_sent) {
            state->done_sent = true;
            state->timer.cancel();
            if (auto r = co_await send_done(); !r) {
                finish();
                co_return r;
            }
        }
    }
}

}  // namespace mailtwin::net
