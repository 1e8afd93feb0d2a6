#pragma once
// TLS client settings and peer verification (design habit 11: verify host names, send SNI).
//
// Trust comes from one of two places:
//   - a CA: the system store (set_default_verify_paths) or `ca_file`; the certificate must then also
//     name the host: DNS names via X509_VERIFY_PARAM_set1_host, IP literals against IP SANs via
//     X509_VERIFY_PARAM_set1_ip_asc (OpenSSL never matches an IP against DNS SANs or the CN);
//   - a pin: the SHA-256 of the server's leaf certificate ("sha256:AB:CD:..."). With a pin the chain
//     and name checks are recorded but not enforced: a self-signed certificate that matches the pin
//     is exactly what pinning is for; a mismatch is always refused.
// TLS 1.2 is the minimum: older versions are refused whatever the settings say.
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "mailtwin/net/asio.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::net {

enum class TlsVersion { tls1_0, tls1_1, tls1_2, tls1_3 };

struct TlsSettings {
    std::filesystem::path ca_file;                // PEM CA bundle; empty: the system store
    std::string fingerprint;                      // "sha256:AB:CD:..." (case-insensitive, colons optional); empty: none
    TlsVersion min_version = TlsVersion::tls1_2;  // values below TLS 1.2 are raised to it
    // Upper bound, for tests that play an old client; normally unset (the library's best).
    std::optional<TlsVersion> max_version{};
};

struct Sha256Fingerprint {
    std::array<std::uint8_t, 32> bytes{};
    // "sha256:AB:CD:..." — the form users paste into the config.
    [[nodiscard]] std::string to_string() const;
    friend bool operator==(const Sha256Fingerprint&, const Sha256Fingerprint&) = default;
};

// Parses "sha256:AB:CD:..." / "SHA256:abcd..." / bare 64 hex digits (NetError::tls_config otherwise).
[[nodiscard]] util::Expected<Sha256Fingerprint> parse_fingerprint(std::string_view text);

// A client context built once per account and shared by its connections.
class TlsContext {
public:
    [[nodiscard]] static util::Expected<TlsContext> create(const TlsSettings& settings);

    [[nodiscard]] asio::ssl::context& native() const noexcept { return *m_context; }
    [[nodiscard]] const std::optional<Sha256Fingerprint>& pin() const noexcept { return m_pin; }
    [[nodiscard]] bool uses_system_store() const noexcept { return m_system_store; }

private:
    TlsContext() = default;
    std::shared_ptr<asio::ssl::context> m_context;
    std::optional<Sha256Fingerprint> m_pin;
    bool m_system_store = true;
};

// Verification of one handshake: installs SNI and the name check on the SSL object, records the
// first chain or name failure and the leaf certificate from the verify callback, then gives the
// verdict, with a message that says what to change.
class PeerVerifier {
public:
    PeerVerifier(const TlsContext& context, std::string host, std::string peer);

    // Before the handshake: SNI (not for IP literals), host/IP check, verify callback.
    [[nodiscard]] util::Expected<void> prepare(asio::ssl::stream<asio::ip::tcp::socket&>& stream);
    // After a successful handshake: the pin check (or nothing to add).
    [[nodiscard]] util::Expected<void> after_handshake(asio::ssl::stream<asio::ip::tcp::socket&>& stream);
    // The error for a failed handshake: a certificate problem with advice, or the TLS reason.
    [[nodiscard]] util::Error handshake_error(const boost::system::error_code& ec) const;

    struct State;

private:
    std::optional<Sha256Fingerprint> m_pin;
    std::string m_host;
    std::string m_peer;  // "host:port" for messages
    std::shared_ptr<State> m_state;
};

}  // namespace mailtwin::net
