// A pinned certificate out of its validity period: pinning still decides (the pin matches, so the
// TLS session goes on), and a warning gives the dates. The server is `openssl s_server`, which speaks
// no IMAP: the run then fails after the handshake (s_server hangs up, its stdin being /dev/null).
#include <gtest/gtest.h>

#include "support/setup.hpp"
#include "support/tls_server.hpp"

namespace mailtwin::test {
namespace {

namespace fs = std::filesystem;

// A sync pinned to the certificate of an `openssl s_server` on 127.0.0.1, the certificate valid from
// `start` to `end`.
struct PinnedRun {
    PinnedRun(const std::string& name, const std::string& start, const std::string& end)
        : s(name), cert_dir(make_cert(s.dir() / "cert", "IP:127.0.0.1", start, end)), server(cert_dir, {}) {
        Endpoint e = SyncSetup::direct();
        e.port = server.port();
        e.ca_file.clear();
        e.fingerprint = sha256_fingerprint(cert_dir / "cert.pem");
        EXPECT_FALSE(e.fingerprint.empty());
        const auto config = s.write_config("pinned.toml", e);
        fs::permissions(config, fs::perms::owner_read | fs::perms::owner_write);  // no warning about the password
        ChildOptions o;
        o.timeout = std::chrono::seconds(60);
        r = s.sync({}, o, config);
    }
    [[nodiscard]] std::string server_name() const { return "127.0.0.1:" + std::to_string(server.port()); }
    SyncSetup s;
    fs::path cert_dir;
    TlsServer server;
    ChildResult r;
};

TEST(PinnedCertificateDates, AnExpiredPinnedCertificateIsTrustedWithAWarningGivingTheDates) {
    PinnedRun p("pin-expired", "20200101000000Z", "20200201000000Z");
    const auto& r = p.r;
    EXPECT_NE(r.output.find("mailtwin: warning: the pinned certificate of " + p.server_name() +
                            " expired on 2020-02-01 00:00:00 UTC (valid from 2020-01-01 00:00:00 UTC to 2020-02-01 "
                            "00:00:00 UTC); mailtwin trusts it because it matches fingerprint"),
              std::string::npos)
        << describe(r);
    EXPECT_EQ(r.output.find("not trusted"), std::string::npos) << "the pin decides\n" << describe(r);
    EXPECT_NE(r.output.find("the server " + p.server_name() + " closed the connection"), std::string::npos)
        << "the handshake went through, then the non-IMAP server hung up\n"
        << describe(r);
}

TEST(PinnedCertificateDates, ANotYetValidPinnedCertificateIsTrustedWithAWarningGivingTheDates) {
    PinnedRun p("pin-future", "20990101000000Z", "21000101000000Z");
    const auto& r = p.r;
    EXPECT_NE(r.output.find("mailtwin: warning: the pinned certificate of " + p.server_name() +
                            " is not valid yet: valid from 2099-01-01 00:00:00 UTC to 2100-01-01 00:00:00 UTC"),
              std::string::npos)
        << describe(r);
    EXPECT_NE(r.output.find(" closed the connection"), std::string::npos) << describe(r);
}

TEST(PinnedCertificateDates, ACurrentPinnedCertificateGivesNoWarning) {
    PinnedRun p("pin-current", "20200101000000Z", "20990101000000Z");
    EXPECT_EQ(p.r.output.find("warning"), std::string::npos) << describe(p.r);
}

}  // namespace
}  // namespace mailtwin::test
