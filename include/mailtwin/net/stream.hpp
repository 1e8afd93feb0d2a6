#pragma once
// A byte stream to an IMAP server: plain TCP, or TLS over TCP — implicit (handshake right after
// connect, port 993) or upgraded in place after STARTTLS (same socket, handshake later).
// Bytes only: framing and parsing belong to imap::Parser and the connection above.
//
// Every operation takes a timeout. Boost 1.74 has no cancel_after, so a steady_timer closes the socket
// when it fires: a timed-out stream is dead (the TLS state is unknowable after a cut), and the error is
// NetError::timeout. One read and one write may be in flight at the same time (full duplex, for
// pipelining); two reads or two writes may not.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "mailtwin/net/asio.hpp"
#include "mailtwin/net/tls.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::net {

using Timeout = std::chrono::milliseconds;

class Stream {
public:
    explicit Stream(asio::any_io_executor executor);
    ~Stream();
    Stream(const Stream&) = delete;
    Stream& operator=(const Stream&) = delete;

    // Resolves `host` and connects to the first address that answers (plain TCP).
    // Errors: resolve_failed, connection_refused ("is the server running on host:port?"),
    // connect_failed, timeout.
    asio::awaitable<util::Expected<void>> connect(std::string host, std::uint16_t port, Timeout timeout);

    // TLS client handshake on the connected socket: right after connect for implicit TLS, or after
    // the server's "OK" to STARTTLS (the caller must drop any plaintext it read past that OK line:
    // bytes injected before the handshake must never be taken as server responses). The certificate is verified for
    // `verify_host` (default: the host given to connect). Errors: tls_handshake_failed, certificate_untrusted,
    // certificate_name_mismatch, fingerprint_mismatch, tls_config, timeout.
    asio::awaitable<util::Expected<void>> handshake(const TlsContext& tls, Timeout timeout,
                                                    std::string verify_host = {});

    // Writes every byte of every buffer (in order), or fails (io_failed, closed, timeout).
    asio::awaitable<util::Expected<void>> write_all(std::span<const asio::const_buffer> buffers, Timeout timeout);
    asio::awaitable<util::Expected<void>> write_all(asio::const_buffer buffer, Timeout timeout);

    // At least one byte, or an error: closed (orderly end of stream, also a TLS peer that cut the TCP
    // connection without close_notify), io_failed, timeout.
    asio::awaitable<util::Expected<std::size_t>> read_some(asio::mutable_buffer buffer, Timeout timeout);

    // Closes the socket at once, without close_notify: for a connection found broken or hostile,
    // so that a server that keeps sending is cut off now rather than when the run ends.
    void abort() noexcept;

    // Best-effort TLS close_notify (bounded by `timeout`), then the socket is closed. Never fails.
    asio::awaitable<void> close(Timeout timeout = std::chrono::seconds(2));

    [[nodiscard]] bool is_open() const noexcept { return m_socket.is_open(); }
    [[nodiscard]] bool is_tls() const noexcept { return m_tls_ready; }
    [[nodiscard]] const std::string& host() const noexcept { return m_host; }
    [[nodiscard]] std::uint16_t port() const noexcept { return m_port; }
    [[nodiscard]] std::string peer() const;  // "host:port", for messages
    // After the handshake: the negotiated version ("TLSv1.3") and the server's certificate fingerprint.
    [[nodiscard]] std::string tls_version() const;
    [[nodiscard]] std::optional<Sha256Fingerprint> peer_fingerprint() const;

private:
    util::Error io_error(const boost::system::error_code& ec, bool timed_out, std::string_view what,
                         Timeout timeout) const;

    asio::ip::tcp::socket m_socket;
    std::optional<TlsContext> m_tls_context;  // declared before m_tls: it must outlive it
    // The TLS layer borrows m_socket, so STARTTLS upgrades the very same connection.
    std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket&>> m_tls;
    bool m_tls_ready = false;
    std::string m_host;
    std::uint16_t m_port = 0;
};

}  // namespace mailtwin::net
