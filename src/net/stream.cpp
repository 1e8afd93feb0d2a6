#include "mailtwin/net/stream.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>

#include "mailtwin/net/error.hpp"

namespace mailtwin::net {
namespace {

// Closes or cancels something when a deadline passes, unless the guarded operation finished first.
// The shared state outlives the frame, so a timer handler that is already queued when the operation
// completes sees `done` and does nothing.
class Watchdog {
public:
    template <typename OnExpire>
    Watchdog(const asio::any_io_executor& executor, Timeout timeout, OnExpire on_expire)
        : m_timer(executor, timeout), m_state(std::make_shared<State>()) {
        m_timer.async_wait([state = m_state, f = std::move(on_expire)](const boost::system::error_code& ec) mutable {
            if (ec || state->done) return;
            state->fired = true;
            f();
        });
    }
    ~Watchdog() {
        m_state->done = true;
        m_timer.cancel();
    }
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

    [[nodiscard]] bool fired() const noexcept { return m_state->fired; }

private:
    struct State {
        bool done = false;
        bool fired = false;
    };
    asio::steady_timer m_timer;
    std::shared_ptr<State> m_state;
};

std::string describe_timeout(Timeout t) {
    const auto ms = t.count();
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
    return std::to_string(ms) + " ms";
}

util::Unexpected net_failure(NetError e, std::string message) {
    return util::unexpected(make_error_code(e), std::move(message));
}

bool is_end_of_stream(const boost::system::error_code& ec) {
    return ec == asio::error::eof || ec == asio::ssl::error::stream_truncated || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe;
}

}  // namespace

Stream::Stream(asio::any_io_executor executor) : m_socket(std::move(executor)) {}

Stream::~Stream() = default;

std::string Stream::peer() const {
    // IPv6 literals are bracketed so that the port stays readable.
    const bool v6 = m_host.find(':') != std::string::npos;
    return (v6 ? "[" + m_host + "]" : m_host) + ":" + std::to_string(m_port);
}

util::Error Stream::io_error(const boost::system::error_code& ec, bool timed_out, std::string_view what,
                             Timeout timeout) const {
    if (timed_out)
        return util::Error{make_error_code(NetError::timeout), std::string(what) + " " + peer() + " timed out after " +
                                                                   describe_timeout(timeout) +
                                                                   "; the connection was closed"};
    if (is_end_of_stream(ec))
        return util::Error{make_error_code(NetError::closed), "the server " + peer() + " closed the connection"};
    if (ec == asio::error::bad_descriptor || ec == asio::error::not_connected)
        return util::Error{make_error_code(NetError::closed), "the connection to " + peer() + " is closed"};
    return util::Error{make_error_code(NetError::io_failed),
                       std::string(what) + " " + peer() + " failed: " + ec.message()};
}

asio::awaitable<util::Expected<void>> Stream::connect(std::string host, std::uint16_t port, Timeout timeout) {
    m_host = std::move(host);
    m_port = port;
    m_tls.reset();
    m_tls_ready = false;
    boost::system::error_code ignored;
    if (m_socket.is_open()) m_socket.close(ignored);

    const asio::any_io_executor executor = m_socket.get_executor();
    boost::system::error_code ec;
    asio::ip::tcp::resolver resolver(executor);
    asio::ip::tcp::resolver::results_type endpoints;
    {
        Watchdog watchdog(executor, timeout, [&resolver] { resolver.cancel(); });
        endpoints =
            co_await resolver.async_resolve(m_host, std::to_string(port), asio::ip::resolver_base::numeric_service,
                                            asio::redirect_error(asio::use_awaitable, ec));
        if (watchdog.fired())
            co_return net_failure(NetError::timeout, "resolving \"" + m_host + "\" timed out after " +
                                                         describe_timeout(timeout) + "; check DNS");
    }
    if (ec)
        co_return net_failure(NetError::resolve_failed, "cannot resolve host name \"" + m_host + "\": " + ec.message() +
                                                            "; check the host setting");

    {
        Watchdog watchdog(executor, timeout, [this] {
            boost::system::error_code e;
            m_socket.close(e);
        });
        co_await asio::async_connect(m_socket, endpoints, asio::redirect_error(asio::use_awaitable, ec));
        if (watchdog.fired()) {
            m_socket.close(ignored);
            co_return net_failure(NetError::timeout, "connecting to " + peer() + " timed out after " +
                                                         describe_timeout(timeout) +
                                                         "; is the host reachable and the port open (firewall)?");
        }
    }
    if (ec == asio::error::connection_refused)
        co_return net_failure(NetError::connection_refused,
                              "connection refused: is the server running on " + peer() + "?");
    if (ec) co_return net_failure(NetError::connect_failed, "cannot connect to " + peer() + ": " + ec.message());
    // IMAP is a dialogue of small commands: Nagle would only add latency.
    m_socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<void>> Stream::handshake(const TlsContext& tls, Timeout timeout,
                                                        std::string verify_host) {
    if (!m_socket.is_open())
        co_return net_failure(NetError::closed, "cannot start TLS with " + peer() + ": not connected");
    if (m_tls_ready) co_return net_failure(NetError::tls_handshake_failed, "TLS is already active on " + peer());
    m_tls.reset();
    m_tls_context = tls;
    m_tls = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(m_socket, m_tls_context->native());

    PeerVerifier verifier(tls, verify_host.empty() ? m_host : std::move(verify_host), peer());
    if (auto prepared = verifier.prepare(*m_tls); !prepared) co_return prepared;

    boost::system::error_code ec;
    boost::system::error_code ignored;
    {
        Watchdog watchdog(m_socket.get_executor(), timeout, [this] {
            boost::system::error_code e;
            m_socket.close(e);
        });
        co_await m_tls->async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
        if (watchdog.fired()) co_return util::unexpected(io_error(ec, true, "TLS handshake with", timeout));
    }
    if (ec) {
        m_socket.close(ignored);
        if (is_end_of_stream(ec))
            co_return net_failure(NetError::tls_handshake_failed,
                                  "TLS handshake with " + peer() +
                                      " failed: the server closed the connection "
                                      "(is this a plain IMAP port, or does the server refuse TLS 1.2 and newer?)");
        co_return util::unexpected(verifier.handshake_error(ec));
    }
    if (auto checked = verifier.after_handshake(*m_tls); !checked) {
        m_socket.close(ignored);
        co_return checked;
    }
    m_tls_ready = true;
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<void>> Stream::write_all(std::span<const asio::const_buffer> buffers, Timeout timeout) {
    boost::system::error_code ec;
    Watchdog watchdog(m_socket.get_executor(), timeout, [this] {
        boost::system::error_code e;
        m_socket.close(e);
    });
    if (m_tls_ready)
        co_await asio::async_write(*m_tls, buffers, asio::redirect_error(asio::use_awaitable, ec));
    else
        co_await asio::async_write(m_socket, buffers, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || watchdog.fired()) co_return util::unexpected(io_error(ec, watchdog.fired(), "writing to", timeout));
    co_return util::Expected<void>{};
}

asio::awaitable<util::Expected<void>> Stream::write_all(asio::const_buffer buffer, Timeout timeout) {
    const std::array<asio::const_buffer, 1> one{buffer};
    co_return co_await write_all(std::span<const asio::const_buffer>(one), timeout);
}

asio::awaitable<util::Expected<std::size_t>> Stream::read_some(asio::mutable_buffer buffer, Timeout timeout) {
    boost::system::error_code ec;
    std::size_t n = 0;
    Watchdog watchdog(m_socket.get_executor(), timeout, [this] {
        boost::system::error_code e;
        m_socket.close(e);
    });
    if (m_tls_ready)
        n = co_await m_tls->async_read_some(buffer, asio::redirect_error(asio::use_awaitable, ec));
    else
        n = co_await m_socket.async_read_some(buffer, asio::redirect_error(asio::use_awaitable, ec));
    if (watchdog.fired()) co_return util::unexpected(io_error(ec, true, "reading from", timeout));
    if (ec) co_return util::unexpected(io_error(ec, false, "reading from", timeout));
    co_return n;
}

void Stream::abort() noexcept {
    boost::system::error_code ignored;
    m_tls_ready = false;
    if (m_socket.is_open()) m_socket.close(ignored);
}

asio::awaitable<void> Stream::close(Timeout timeout) {
    boost::system::error_code ignored;
    if (m_tls_ready && m_socket.is_open()) {
        // close_notify tells the server the end is intended; waiting for its answer is bounded.
        Watchdog watchdog(m_socket.get_executor(), timeout, [this] {
            boost::system::error_code e;
            m_socket.close(e);
        });
        co_await m_tls->async_shutdown(asio::redirect_error(asio::use_awaitable, ignored));
    }
    m_tls_ready = false;
    if (m_socket.is_open()) {
        m_socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        m_socket.close(ignored);
    }
}

std::string Stream::tls_version() const {
    if (!m_tls_ready) return {};
    return SSL_get_version(m_tls->native_handle());
}

std::optional<Sha256Fingerprint> Stream::peer_fingerprint() const {
    if (!m_tls_ready) return std::nullopt;
    X509* cert = SSL_get1_peer_certificate(m_tls->native_handle());
    if (cert == nullptr) return std::nullopt;
    Sha256Fingerprint fp;
    unsigned int len = 0;
    const bool ok = X509_digest(cert, EVP_sha256(), fp.bytes.data(), &len) == 1 && len == fp.bytes.size();
    X509_free(cert);
    if (!ok) return std::nullopt;
    return fp;
}

}  // namespace mailtwin::net
