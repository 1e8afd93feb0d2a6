#include "mailtwin/net/tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <vector>

#include "mailtwin/net/error.hpp"
#include "mailtwin/util/log.hpp"

namespace mailtwin::net {

struct PeerVerifier::State {
    int first_error = X509_V_OK;  // the first chain/name failure seen by the verify callback
    int first_error_depth = 0;
    std::optional<Sha256Fingerprint> leaf;  // the server's certificate, for messages and the pin
    std::vector<std::string> leaf_names;    // its subjectAltName entries, for name-mismatch advice
};

namespace {

util::Unexpected tls_config_error(std::string message) {
    return util::unexpected(make_error_code(NetError::tls_config), std::move(message));
}

int openssl_version(TlsVersion v) {
    switch (v) {
        case TlsVersion::tls1_0:
            return TLS1_VERSION;
        case TlsVersion::tls1_1:
            return TLS1_1_VERSION;
        case TlsVersion::tls1_2:
            return TLS1_2_VERSION;
        case TlsVersion::tls1_3:
            return TLS1_3_VERSION;
    }
    return TLS1_2_VERSION;
}

bool is_ip_literal(const std::string& host) {
    boost::system::error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

std::optional<Sha256Fingerprint> fingerprint_of(X509* cert) {
    if (cert == nullptr) return std::nullopt;
    Sha256Fingerprint fp;
    unsigned int len = 0;
    if (X509_digest(cert, EVP_sha256(), fp.bytes.data(), &len) != 1 || len != fp.bytes.size()) return std::nullopt;
    return fp;
}

std::vector<std::string> subject_alt_names(X509* cert) {
    std::vector<std::string> names;
    auto* sans = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (sans == nullptr) return names;
    const int n = sk_GENERAL_NAME_num(sans);
    for (int i = 0; i < n; ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(sans, i);
        if (name->type == GEN_DNS) {
            const unsigned char* data = ASN1_STRING_get0_data(name->d.dNSName);
            names.emplace_back(reinterpret_cast<const char*>(data),
                               static_cast<std::size_t>(ASN1_STRING_length(name->d.dNSName)));
        } else if (name->type == GEN_IPADD) {
            const unsigned char* data = ASN1_STRING_get0_data(name->d.iPAddress);
            const int len = ASN1_STRING_length(name->d.iPAddress);
            if (len == 4) {
                asio::ip::address_v4::bytes_type b;
                std::copy(data, data + 4, b.begin());
                names.push_back(asio::ip::address_v4(b).to_string());
            } else if (len == 16) {
                asio::ip::address_v6::bytes_type b;
                std::copy(data, data + 16, b.begin());
                names.push_back(asio::ip::address_v6(b).to_string());
            }
        }
    }
    GENERAL_NAMES_free(sans);
    // Certificates often list an address both as IP and as DNS SAN: show it once.
    std::vector<std::string> unique;
    for (auto& entry : names)
        if (std::find(unique.begin(), unique.end(), entry) == unique.end()) unique.push_back(std::move(entry));
    return unique;
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) {
        if (!out.empty()) out += ", ";
        out += s;
    }
    return out;
}

bool is_name_error(int error) {
    return error == X509_V_ERR_HOSTNAME_MISMATCH || error == X509_V_ERR_IP_ADDRESS_MISMATCH;
}

}  // namespace

std::string Sha256Fingerprint::to_string() const {
    static constexpr char k_hex[] = "0123456789ABCDEF";
    std::string out = "sha256:";
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i != 0) out += ':';
        out += k_hex[bytes[i] >> 4];
        out += k_hex[bytes[i] & 0xF];
    }
    return out;
}

util::Expected<Sha256Fingerprint> parse_fingerprint(std::string_view text) {
    std::string_view rest = text;
    if (rest.size() >= 7) {
        std::string prefix(rest.substr(0, 7));
        for (auto& c : prefix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (prefix == "sha256:") rest.remove_prefix(7);
    }
    std::string hex;
    for (const char c : rest) {
        if (c == ':') continue;
        if (!std::isxdigit(static_cast<unsigned char>(c)))
            return tls_config_error("fingerprint \"" + std::string(text) +
                                    "\" is not a SHA-256 fingerprint: expected \"sha256:\" and 32 hex bytes");
        hex += c;
    }
    if (hex.size() != 64)
        return tls_config_error("fingerprint \"" + std::string(text) + "\" has " + std::to_string(hex.size() / 2) +
                                " bytes; a SHA-256 fingerprint has 32 (\"sha256:AB:CD:...\")");
    const auto nibble = [](char c) {
        return static_cast<std::uint8_t>(std::isdigit(static_cast<unsigned char>(c))
                                             ? c - '0'
                                             : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
    };
    Sha256Fingerprint fp;
    for (std::size_t i = 0; i < fp.bytes.size(); ++i)
        fp.bytes[i] = static_cast<std::uint8_t>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
    return fp;
}

util::Expected<TlsContext> TlsContext::create(const TlsSettings& settings) {
    TlsContext result;
    result.m_context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    asio::ssl::context& ctx = *result.m_context;
    SSL_CTX* native = ctx.native_handle();

    const TlsVersion min = settings.min_version < TlsVersion::tls1_2 ? TlsVersion::tls1_2 : settings.min_version;
    // SSL_CTX_set_min/max_proto_version are macros over SSL_CTX_ctrl.
    if (SSL_CTX_ctrl(native, SSL_CTRL_SET_MIN_PROTO_VERSION, openssl_version(min), nullptr) != 1)
        return tls_config_error("cannot set the minimum TLS version");
    if (settings.max_version &&
        SSL_CTX_ctrl(native, SSL_CTRL_SET_MAX_PROTO_VERSION, openssl_version(*settings.max_version), nullptr) != 1)
        return tls_config_error("cannot set the maximum TLS version");
    ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_compression);

    boost::system::error_code ec;
    if (!settings.ca_file.empty()) {
        result.m_system_store = false;
        ctx.load_verify_file(settings.ca_file.string(), ec);
        if (ec)
            return tls_config_error("cannot load ca_file " + settings.ca_file.string() + ": " + ec.message() +
                                    " (it must be a readable PEM file with one or more certificates)");
    } else {
        ctx.set_default_verify_paths(ec);
        if (ec) return tls_config_error("cannot load the system certificate store: " + ec.message());
    }
    ctx.set_verify_mode(asio::ssl::verify_peer, ec);
    if (ec) return tls_config_error("cannot enable certificate verification: " + ec.message());

    if (!settings.fingerprint.empty()) {
        auto pin = parse_fingerprint(settings.fingerprint);
        if (!pin) return util::unexpected(std::move(pin).error());
        result.m_pin = *pin;
    }
    return result;
}

PeerVerifier::PeerVerifier(const TlsContext& context, std::string host, std::string peer)
    : m_pin(context.pin()), m_host(std::move(host)), m_peer(std::move(peer)), m_state(std::make_shared<State>()) {}

util::Expected<void> PeerVerifier::prepare(asio::ssl::stream<asio::ip::tcp::socket&>& stream) {
    SSL* ssl = stream.native_handle();
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (is_ip_literal(m_host)) {
        // RFC 6066 §3: SNI carries host names only, never IP literals.
        if (X509_VERIFY_PARAM_set1_ip_asc(param, m_host.c_str()) != 1)
            return tls_config_error("cannot verify the certificate against the address " + m_host);
    } else {
        if (SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(m_host.c_str())) !=
            1)
            return tls_config_error("cannot send the server name " + m_host + " (SNI)");
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        if (X509_VERIFY_PARAM_set1_host(param, m_host.c_str(), m_host.size()) != 1)
            return tls_config_error("cannot verify the certificate against the host name " + m_host);
    }
    const bool pinned = m_pin.has_value();
    stream.set_verify_callback([state = m_state, pinned](bool preverified, asio::ssl::verify_context& vc) {
        X509_STORE_CTX* store = vc.native_handle();
        if (!state->leaf) {
            X509* leaf = X509_STORE_CTX_get0_cert(store);
            state->leaf = fingerprint_of(leaf);
            if (leaf != nullptr) state->leaf_names = subject_alt_names(leaf);
        }
        if (preverified) return true;
        if (state->first_error == X509_V_OK) {
            state->first_error = X509_STORE_CTX_get_error(store);
            state->first_error_depth = X509_STORE_CTX_get_error_depth(store);
        }
        // With a pin, the decision waits for the pin comparison after the handshake.
        return pinned;
    });
    return {};
}

namespace {

// "2024-03-01 12:00:00 UTC", or "?" for a time OpenSSL cannot read.
std::string utc_text(const ASN1_TIME* t) {
    std::tm tm{};
    if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return "?";
    char out[32];
    if (std::strftime(out, sizeof out, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0) return "?";
    return out;
}

// A pin decides trust whatever the dates say (that is what pinning a self-signed certificate is
// for), but a user should hear that the certificate is out of its validity period.
void warn_if_out_of_date(X509* cert, const std::string& peer) {
    if (cert == nullptr) return;
    const ASN1_TIME* not_before = X509_get0_notBefore(cert);
    const ASN1_TIME* not_after = X509_get0_notAfter(cert);
    const std::string period = "valid from " + utc_text(not_before) + " to " + utc_text(not_after);
    if (X509_cmp_current_time(not_after) < 0)
        util::log_warning("the pinned certificate of " + peer + " expired on " + utc_text(not_after) + " (" + period +
                          "); mailtwin trusts it because it matches fingerprint, but the server needs a new "
                          "certificate (then update fingerprint)");
    else if (X509_cmp_current_time(not_before) > 0)
        util::log_warning("the pinned certificate of " + peer + " is not valid yet: " + period +
                          "; mailtwin trusts it because it matches fingerprint, but check the clocks of this "
                          "machine and of the server");
}

}  // namespace

util::Expected<void> PeerVerifier::after_handshake(asio::ssl::stream<asio::ip::tcp::socket&>& stream) {
    if (!m_pin) return {};
    X509* cert = SSL_get1_peer_certificate(stream.native_handle());
    const std::optional<Sha256Fingerprint> actual = fingerprint_of(cert);
    const bool matches = actual && *actual == *m_pin;
    if (matches) warn_if_out_of_date(cert, m_peer);
    X509_free(cert);
    if (matches) return {};
    return util::unexpected(make_error_code(NetError::fingerprint_mismatch),
                            "certificate of " + m_peer + " does not match the pinned fingerprint: expected " +
                                m_pin->to_string() + ", the server's is " +
                                (actual ? actual->to_string() : std::string("unavailable")) +
                                "; if the server's certificate was replaced on purpose, update fingerprint");
}

util::Error PeerVerifier::handshake_error(const boost::system::error_code& ec) const {
    const State& s = *m_state;
    const std::string server_fp = s.leaf ? s.leaf->to_string() : std::string("unknown");
    if (s.first_error != X509_V_OK && is_name_error(s.first_error)) {
        return util::Error{make_error_code(NetError::certificate_name_mismatch),
                           "certificate of " + m_peer + " is not valid for \"" + m_host + "\"" +
                               (s.leaf_names.empty() ? std::string() : " (it names " + join(s.leaf_names) + ")") +
                               "; connect with a name the certificate lists, or set fingerprint = \"" + server_fp +
                               "\" to trust this certificate"};
    }
    if (s.first_error != X509_V_OK) {
        return util::Error{
            make_error_code(NetError::certificate_untrusted),
            "certificate for " + m_host + " is not trusted: " + X509_verify_cert_error_string(s.first_error) +
                "; set ca_file or fingerprint = \"" + server_fp + "\" (the server's is " + server_fp + ")"};
    }
    std::string reason = ec.message();
    if (ec.category() == asio::error::get_ssl_category()) {
        const unsigned long code = static_cast<unsigned long>(ec.value());
        const int lib_reason = ERR_GET_REASON(code);
        if (lib_reason == SSL_R_WRONG_VERSION_NUMBER)
            reason += " (the server did not answer in TLS: it speaks plain IMAP on this port, perhaps with STARTTLS)";
        else if (lib_reason == SSL_R_UNSUPPORTED_PROTOCOL || lib_reason == SSL_R_TLSV1_ALERT_PROTOCOL_VERSION ||
                 lib_reason == SSL_R_NO_PROTOCOLS_AVAILABLE)
            reason += " (mailtwin requires TLS 1.2 or newer; the server may only offer older versions)";
    }
    return util::Error{make_error_code(NetError::tls_handshake_failed),
                       "TLS handshake with " + m_peer + " failed: " + reason};
}

}  // namespace mailtwin::net
