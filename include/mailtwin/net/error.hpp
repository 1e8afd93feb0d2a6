#pragma once
// Errors of the net module (transport: resolve, connect, TLS, read/write, timeouts), compared by
// value. Messages carry host:port and the OS or TLS reason; the code says which class of failure.
#include <string>
#include <system_error>
#include <type_traits>

namespace mailtwin::net {

enum class NetError {
    resolve_failed = 1,         // the host name does not resolve
    connection_refused,         // nothing listens on host:port
    connect_failed,             // any other connect failure (unreachable, reset, ...)
    timeout,                    // an operation exceeded its deadline; the connection is closed
    tls_config,                 // bad TLS settings: unreadable ca_file, malformed fingerprint
    tls_handshake_failed,       // protocol-level failure (versions, ciphers, alerts)
    certificate_untrusted,      // the chain does not lead to a trusted CA
    certificate_name_mismatch,  // the certificate is not for the host we connect to
    fingerprint_mismatch,       // a pinned fingerprint does not match the server's certificate
    closed,                     // the peer closed the connection
    io_failed,                  // a read or write failed
};

namespace detail {
class NetErrorCategory final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "net"; }
    [[nodiscard]] std::string message(int ev) const override {
        switch (static_cast<NetError>(ev)) {
            case NetError::resolve_failed:
                return "host name not resolved";
            case NetError::connection_refused:
                return "connection refused";
            case NetError::connect_failed:
                return "cannot connect";
            case NetError::timeout:
                return "timed out";
            case NetError::tls_config:
                return "invalid TLS settings";
            case NetError::tls_handshake_failed:
                return "TLS handshake failed";
            case NetError::certificate_untrusted:
                return "certificate not trusted";
            case NetError::certificate_name_mismatch:
                return "certificate host name mismatch";
            case NetError::fingerprint_mismatch:
                return "certificate fingerprint mismatch";
            case NetError::closed:
                return "connection closed by the server";
            case NetError::io_failed:
                return "network I/O failed";
        }
        return "unknown net error";
    }
};
}  // namespace detail

inline const std::error_category& net_error_category() noexcept {
    static const detail::NetErrorCategory category;
    return category;
}

inline std::error_code make_error_code(NetError e) noexcept { return {static_cast<int>(e), net_error_category()}; }

}  // namespace mailtwin::net

template <>
struct std::is_error_code_enum<mailtwin::net::NetError> : std::true_type {};
