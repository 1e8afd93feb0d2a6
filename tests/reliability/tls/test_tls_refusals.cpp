// TLS through the real binary: by default mailtwin refuses an expired certificate, a self-signed one
// without a pin, one for another host, and a server that only speaks TLS < 1.2, each with exit 3 and
// an error that says what is wrong; and it refuses a stripped STARTTLS (the server hides it) instead of
// going on in clear text, without ever sending the password. Certificates are made here with openssl;
// the TLS servers are `openssl s_server` children on 127.0.0.1, killed and reaped by their owner.
#include <gtest/gtest.h>

#include "support/fake_imap.hpp"
#include "support/proxy.hpp"
#include "support/setup.hpp"
#include "support/tls_server.hpp"

namespace mailtwin::test {
namespace {

namespace fs = std::filesystem;

ChildResult sync_with(SyncSetup& s, const Endpoint& e) {
    ChildOptions o;
    o.timeout = std::chrono::seconds(60);
    return s.sync({}, o, s.write_config("tls.toml", e));
}

Endpoint implicit_to(unsigned short port, const std::string& ca_file) {
    Endpoint e = SyncSetup::direct();
    e.port = port;
    e.ca_file = ca_file;
    return e;
}

TEST(TlsRefusals, ExpiredCertificateIsRefused) {
    SyncSetup s("tls-expired");
    auto dir = make_cert(s.dir() / "expired", "IP:127.0.0.1", "20200101000000Z", "20200201000000Z");
    TlsServer server(dir, {});
    auto r = sync_with(s, implicit_to(server.port(), (dir / "cert.pem").string()));
    EXPECT_EQ(r.exit_code, 3) << describe(r);
    EXPECT_NE(r.output.find("expired"), std::string::npos) << describe(r);
    EXPECT_FALSE(fs::exists(s.state_dir() / "state.mdb") && !s.local().empty());
}

TEST(TlsRefusals, SelfSignedCertificateWithoutPinIsRefusedAndAcceptedWithItsPin) {
    SyncSetup s("tls-selfsigned");
    s.server_create("INBOX");
    Endpoint e = SyncSetup::direct();
    e.ca_file.clear();  // the system store does not know the fixture's self-signed certificate
    auto r = sync_with(s, e);
    EXPECT_EQ(r.exit_code, 3) << describe(r);
    EXPECT_NE(r.output.find("certificate"), std::string::npos) << describe(r);
    EXPECT_NE(r.output.find("fingerprint"), std::string::npos) << "the error says how to pin it\n" << describe(r);
    // The positive control: the same certificate, pinned, is accepted.
    e.fingerprint = sha256_fingerprint(dovecot().ca_file);
    ASSERT_FALSE(e.fingerprint.empty()) << "openssl x509 gave no fingerprint of " << dovecot().ca_file;
    auto pinned = sync_with(s, e);
    EXPECT_EQ(pinned.exit_code, 0) << describe(pinned);
}

TEST(TlsRefusals, CertificateForAnotherHostIsRefused) {
    SyncSetup s("tls-wronghost");
    auto dir = make_cert(s.dir() / "wrong", "DNS:wrong.example.org", "20200101000000Z", "20991231000000Z");
    TlsServer server(dir, {});
    auto r = sync_with(s, implicit_to(server.port(), (dir / "cert.pem").string()));
    EXPECT_EQ(r.exit_code, 3) << describe(r);
    EXPECT_NE(r.output.find("127.0.0.1"), std::string::npos) << describe(r);
    EXPECT_TRUE(r.output.find("name") != std::string::npos || r.output.find("host") != std::string::npos)
        << describe(r);
}

TEST(TlsRefusals, ServerLimitedToTls11IsRefused) {
    SyncSetup s("tls-old");
    auto dir = make_cert(s.dir() / "old", "IP:127.0.0.1", "20200101000000Z", "20991231000000Z");
    // SECLEVEL=0: OpenSSL 3 would not even offer TLS 1.1 otherwise.
    TlsServer server(dir, {"-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"});
    auto r = sync_with(s, implicit_to(server.port(), (dir / "cert.pem").string()));
    EXPECT_EQ(r.exit_code, 3) << describe(r);
    EXPECT_NE(r.output.find("TLS"), std::string::npos) << describe(r);
}

TEST(TlsRefusals, StrippedStarttlsIsRefusedAndThePasswordNeverSent) {
    SyncSetup s("tls-strip");
    FakeImapServer fake;  // a man in the middle that removed STARTTLS from the capabilities
    fake.capabilities = "IMAP4rev1 AUTH=PLAIN LOGIN-REFERRALS";
    fake.greeting = "* OK [CAPABILITY " + fake.capabilities + "] ready\r\n";
    Endpoint e = SyncSetup::direct();
    e.port = fake.port();
    e.tls = "starttls";
    e.password = "the-secret-password";
    auto r = sync_with(s, e);
    EXPECT_EQ(r.exit_code, 3) << describe(r);
    EXPECT_NE(r.output.find("STARTTLS"), std::string::npos) << describe(r);
    const std::string said = fake.received();
    EXPECT_EQ(said.find("LOGIN"), std::string::npos) << said;
    EXPECT_EQ(said.find("AUTHENTICATE"), std::string::npos) << said;
    EXPECT_EQ(said.find("the-secret-password"), std::string::npos) << said;
}

TEST(TlsRefusals, StarttlsRefusedByTheServerIsNotADowngrade) {
    SyncSetup s("tls-strip-no");
    FakeImapServer fake;  // offers STARTTLS, then answers it with NO
    fake.capabilities = "IMAP4rev1 STARTTLS AUTH=PLAIN";
    fake.greeting = "* OK [CAPABILITY " + fake.capabilities + "] ready\r\n";
    fake.hook = [](FakeConnection& c, const FakeCommand& cmd) {
        if (cmd.name != "STARTTLS") return false;
        c.send(cmd.tag + " NO not today\r\n");
        return true;
    };
    Endpoint e = SyncSetup::direct();
    e.port = fake.port();
    e.tls = "starttls";
    e.password = "the-secret-password";
    auto r = sync_with(s, e);
    EXPECT_EQ(r.exit_code, 3) << describe(r);
    const std::string said = fake.received();
    EXPECT_EQ(said.find("LOGIN"), std::string::npos) << said;
    EXPECT_EQ(said.find("AUTHENTICATE"), std::string::npos) << said;
    EXPECT_EQ(said.find("the-secret-password"), std::string::npos) << said;
}

}  // namespace
}  // namespace mailtwin::test
