#pragma once
// Test certificates made with openssl, and `openssl s_server` as a TLS server on 127.0.0.1: for the
// TLS tests that need a certificate the fixture Dovecot does not have (expired, for another host,
// not valid yet) or a TLS version it does not offer. The server is a child process, killed and
// reaped by its owner.
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace mailtwin::test {

// A key (key.pem) and a certificate (cert.pem) in `dir`: self-signed CA:TRUE (it is its own trust
// anchor), for `san` ("IP:127.0.0.1", "DNS:host"), valid between the two dates (openssl's
// YYYYMMDDHHMMSSZ; openssl ca -selfsign lets the dates lie in the past). Returns `dir`.
std::filesystem::path make_cert(const std::filesystem::path& dir, const std::string& san, const std::string& start,
                                const std::string& end);

// "sha256:AB:CD:..." of the certificate in the PEM file `cert` (the form of the fingerprint key), or ""
// when openssl cannot read it.
std::string sha256_fingerprint(const std::filesystem::path& cert);

// `openssl s_server` on a free loopback port with the certificate of `cert_dir` and `extra` options;
// ready (accepting) when the constructor returns.
class TlsServer {
public:
    TlsServer(const std::filesystem::path& cert_dir, const std::vector<std::string>& extra);
    ~TlsServer();
    TlsServer(const TlsServer&) = delete;
    TlsServer& operator=(const TlsServer&) = delete;
    [[nodiscard]] unsigned short port() const { return m_port; }

private:
    unsigned short m_port = 0;
    pid_t m_pid = -1;
};

}  // namespace mailtwin::test
