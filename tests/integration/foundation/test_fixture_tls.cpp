// The foundation check: the fixture's private Dovecot answers over implicit TLS (OpenSSL through
// Boost.Asio, certificate and host name verified) and advertises the extensions the sync relies on.
#include <gtest/gtest.h>

#include <string>

#include "fixtures/dovecot_server.hpp"
#include "mailtwin/net/asio.hpp"

namespace mailtwin::test {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using Stream = ssl::stream<asio::ip::tcp::socket>;

std::string read_line(Stream& s, asio::streambuf& buf) {
    asio::read_until(s, buf, "\r\n");
    std::istream in(&buf);
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

// Reads untagged lines until the tagged completion of `tag`; returns all of them.
std::vector<std::string> read_until_tagged(Stream& s, asio::streambuf& buf, const std::string& tag) {
    std::vector<std::string> lines;
    for (;;) {
        lines.push_back(read_line(s, buf));
        if (lines.back().rfind(tag + " ", 0) == 0) return lines;
    }
}

class FixtureTls : public ::testing::Test {
protected:
    asio::io_context io;
    ssl::context ctx{ssl::context::tls_client};

    void SetUp() override {
        ctx.set_verify_mode(ssl::verify_peer);
        ctx.load_verify_file(dovecot().ca_file.string());
    }

    std::unique_ptr<Stream> connect(const std::string& verify_as) {
        auto s = std::make_unique<Stream>(io, ctx);
        asio::ip::tcp::endpoint ep(asio::ip::make_address(dovecot().host), dovecot().tls_port);
        s->lowest_layer().connect(ep);
        s->set_verify_callback(ssl::host_name_verification(verify_as));
        s->handshake(ssl::stream_base::client);
        return s;
    }
};

TEST_F(FixtureTls, LogsInOverImplicitTlsAndSeesCondstoreAndQresync) {
    auto s = connect(dovecot().host);
    asio::streambuf buf;
    EXPECT_EQ(read_line(*s, buf).rfind("* OK", 0), 0u);

    std::string login = "a1 LOGIN " + dovecot().user + " " + dovecot().password + "\r\n";
    asio::write(*s, asio::buffer(login));
    auto reply = read_until_tagged(*s, buf, "a1");
    ASSERT_EQ(reply.back().rfind("a1 OK", 0), 0u) << reply.back();

    asio::write(*s, asio::buffer(std::string("a2 CAPABILITY\r\n")));
    auto caps = read_until_tagged(*s, buf, "a2");
    ASSERT_EQ(caps.back().rfind("a2 OK", 0), 0u);
    ASSERT_GE(caps.size(), 2u);
    const std::string& line = caps.front();
    EXPECT_EQ(line.rfind("* CAPABILITY ", 0), 0u) << line;
    for (const char* want : {" CONDSTORE", " QRESYNC", " MOVE", " UIDPLUS", " LIST-STATUS"})
        EXPECT_NE(line.find(want), std::string::npos) << want << " missing in: " << line;

    asio::write(*s, asio::buffer(std::string("a3 LOGOUT\r\n")));
    auto bye = read_until_tagged(*s, buf, "a3");
    EXPECT_EQ(bye.back().rfind("a3 OK", 0), 0u);
}

TEST_F(FixtureTls, RefusesACertificateForAnotherHostName) {
    EXPECT_THROW(connect("imap.example.com"), boost::system::system_error);
}

TEST(FixtureServer, DoveadmReachesTheInstance) {
    EXPECT_EQ(dovecot_server().doveadm("mailbox list -u alice >/dev/null"), 0);
}

}  // namespace
}  // namespace mailtwin::test
