// The IMAP connection against the fixture Dovecot: TLS modes, authentication, capabilities, ENABLE,
// COMPRESS, refusals with clear errors.
#include "mailtwin/net/connection.hpp"

#include <gtest/gtest.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>

#include "fixtures/dovecot_server.hpp"
#include "fixtures/imap_test_util.hpp"
#include "fixtures/run_awaitable.hpp"
#include "mailtwin/net/error.hpp"
#include "mailtwin/net/session.hpp"
#include "mailtwin/net/session_error.hpp"

namespace mailtwin::test {
namespace {

namespace asio = boost::asio;

class ConnectionTest : public ::testing::Test {
protected:
    asio::io_context io;

    util::Expected<void> open(net::Connection& c) { return run_awaitable(io, c.open()); }
};

TEST_F(ConnectionTest, ImplicitTlsLoginEnablesQresync) {
    net::Connection c(io.get_executor(), settings_for(dovecot()));
    auto r = open(c);
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_TRUE(c.stream().is_tls());
    EXPECT_TRUE(c.capabilities().has("CONDSTORE"));
    EXPECT_TRUE(c.capabilities().has("QRESYNC"));
    EXPECT_TRUE(c.qresync_enabled());
    EXPECT_TRUE(c.condstore_enabled());
    EXPECT_NE(c.greeting().find("ready"), std::string::npos) << c.greeting();
    run_awaitable(io, c.logout());
    EXPECT_FALSE(c.is_open());
}

TEST_F(ConnectionTest, StarttlsUpgradesThePlainPort) {
    net::Connection c(io.get_executor(), settings_for(dovecot(), Port::starttls));
    auto r = open(c);
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_TRUE(c.stream().is_tls());
    EXPECT_TRUE(c.qresync_enabled());
    run_awaitable(io, c.logout());
}

TEST_F(ConnectionTest, PlaintextOnlyWhenAsked) {
    net::Connection c(io.get_executor(), settings_for(dovecot(), Port::plain));
    auto r = open(c);
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_FALSE(c.stream().is_tls());
    run_awaitable(io, c.logout());
}

TEST_F(ConnectionTest, LoginCommandAndAuthenticatePlainBothWork) {
    auto s = settings_for(dovecot());
    s.auth = net::AuthMechanism::login;
    net::Connection c(io.get_executor(), s);
    auto r = open(c);
    ASSERT_TRUE(r) << r.error().describe();
    run_awaitable(io, c.logout());
}

TEST_F(ConnectionTest, WrongPasswordIsAClearAuthenticationError) {
    auto s = settings_for(dovecot());
    s.secret = "not-the-password";
    net::Connection c(io.get_executor(), s);
    auto r = open(c);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, net::SessionError::auth_failed);
    EXPECT_NE(r.error().message.find("login as alice"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("check user and password_cmd"), std::string::npos);
    EXPECT_EQ(r.error().message.find("not-the-password"), std::string::npos) << "password leaked into an error";
}

TEST_F(ConnectionTest, Xoauth2NeedsTheServerToOfferIt) {
    auto s = settings_for(dovecot());
    s.auth = net::AuthMechanism::xoauth2;
    net::Connection c(io.get_executor(), s);
    auto r = open(c);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, net::SessionError::capability_missing);
}

TEST_F(ConnectionTest, RefusesAWrongHostName) {
    auto s = settings_for(dovecot());
    s.host = "localhost";  // the certificate names 127.0.0.1 and localhost: still fine
    {
        net::Connection ok(io.get_executor(), s);
        auto r = open(ok);
        ASSERT_TRUE(r) << r.error().describe();
        run_awaitable(io, ok.logout());
    }
    // Connect by IP, but the certificate is checked for a name it does not carry.
    auto wrong = settings_for(dovecot());
    net::Stream stream(io.get_executor());
    ASSERT_TRUE(run_awaitable(io, stream.connect(wrong.host, wrong.port, std::chrono::seconds(5))));
    auto tls = net::TlsContext::create(wrong.tls);
    ASSERT_TRUE(tls);
    auto h = run_awaitable(io, stream.handshake(*tls, std::chrono::seconds(5), "imap.example.com"));
    ASSERT_FALSE(h);
    EXPECT_EQ(h.error().code, net::NetError::certificate_name_mismatch) << h.error().describe();
}

TEST_F(ConnectionTest, RefusesAnUnknownCa) {
    auto s = settings_for(dovecot());
    s.tls.ca_file.clear();  // the system store does not know the fixture's self-signed certificate
    net::Connection c(io.get_executor(), s);
    auto r = open(c);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, net::NetError::certificate_untrusted) << r.error().describe();
    EXPECT_NE(r.error().message.find("sha256:"), std::string::npos) << "the error should offer the fingerprint";
}

std::string fixture_fingerprint() {
    FILE* f = std::fopen(dovecot().ca_file.c_str(), "r");
    X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    unsigned char md[32];
    unsigned int len = 0;
    X509_digest(cert, EVP_sha256(), md, &len);
    X509_free(cert);
    std::string out = "sha256:";
    char hex[4];
    for (unsigned i = 0; i < len; ++i) {
        std::snprintf(hex, sizeof hex, "%02X", md[i]);
        out += hex;
        if (i + 1 < len) out += ':';
    }
    return out;
}

TEST_F(ConnectionTest, PinnedFingerprintAcceptsItsCertificateAndRefusesOthers) {
    auto s = settings_for(dovecot());
    s.tls.ca_file.clear();
    s.tls.fingerprint = fixture_fingerprint();
    {
        net::Connection c(io.get_executor(), s);
        auto r = open(c);
        ASSERT_TRUE(r) << r.error().describe();
        run_awaitable(io, c.logout());
    }
    std::string wrong = "sha256:";
    for (int i = 0; i < 32; ++i) wrong += std::string(i ? ":" : "") + "AB";
    s.tls.fingerprint = wrong;
    net::Connection c(io.get_executor(), s);
    auto r = open(c);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, net::NetError::fingerprint_mismatch) << r.error().describe();
}

TEST_F(ConnectionTest, ConnectionRefusedSaysWhere) {
    auto s = settings_for(dovecot());
    s.port = 1;  // nothing listens on port 1 of loopback
    net::Connection c(io.get_executor(), s);
    auto r = open(c);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, net::NetError::connection_refused);
    EXPECT_NE(r.error().message.find("127.0.0.1:1"), std::string::npos) << r.error().message;
}

TEST_F(ConnectionTest, CompressDeflateCarriesTheSession) {
    auto s = settings_for(dovecot());
    s.compress = true;
    net::Connection c(io.get_executor(), s);
    auto r = open(c);
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_TRUE(c.compressed());
    net::Session session(c);
    auto folders = run_awaitable(io, session.list_folders());
    ASSERT_TRUE(folders) << folders.error().describe();
    EXPECT_FALSE(folders->empty());
    auto sel = run_awaitable(io, session.select("INBOX"));
    ASSERT_TRUE(sel) << sel.error().describe();
    run_awaitable(io, c.logout());
}

TEST_F(ConnectionTest, PipelinesManyCommandsAndMatchesRepliesByTag) {
    net::Connection c(io.get_executor(), settings_for(dovecot()));
    ASSERT_TRUE(open(c));
    std::vector<imap::Command> batch;
    for (int i = 0; i < 300; ++i) batch.push_back(c.encoder().noop());
    batch.push_back(*c.encoder().examine("NoSuchFolder-xyz"));  // a NO in the middle of the pipeline
    for (int i = 0; i < 10; ++i) batch.push_back(c.encoder().noop());
    auto tags = std::vector<std::string>();
    for (const auto& cmd : batch) tags.push_back(cmd.tag);
    auto replies = run_awaitable(io, c.pipeline(std::move(batch)));
    ASSERT_TRUE(replies) << replies.error().describe();
    ASSERT_EQ(replies->size(), 311u);
    for (std::size_t i = 0; i < replies->size(); ++i) EXPECT_EQ((*replies)[i].tag, tags[i]);
    EXPECT_FALSE((*replies)[300].ok());
    EXPECT_EQ((*replies)[300].status, imap::Status::no);
    EXPECT_TRUE((*replies)[310].ok());
    EXPECT_TRUE(c.is_open());
    run_awaitable(io, c.logout());
}

}  // namespace
}  // namespace mailtwin::test
