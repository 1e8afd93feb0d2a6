#include "mailtwin/net/tls.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <optional>
#include <thread>
#include <vector>

#include "fixtures/dovecot_server.hpp"
#include "mailtwin/net/error.hpp"
#include "mailtwin/net/stream.hpp"

namespace mailtwin::net {
namespace {

using namespace std::chrono_literals;

constexpr Timeout k_timeout = 10s;

// The fixture certificate's SHA-256, computed here with OpenSSL independently of net/tls.cpp.
Sha256Fingerprint fixture_fingerprint() {
    const std::string path = test::dovecot().ca_file.string();
    std::FILE* f = std::fopen(path.c_str(), "r");
    if (f == nullptr) throw std::runtime_error("cannot open " + path);
    X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    if (cert == nullptr) throw std::runtime_error("cannot parse " + path);
    Sha256Fingerprint fp;
    unsigned int len = 0;
    X509_digest(cert, EVP_sha256(), fp.bytes.data(), &len);
    X509_free(cert);
    return fp;
}

std::string lowercase_hex_without_colons(const Sha256Fingerprint& fp) {
    std::string out;
    char buf[3];
    for (const auto b : fp.bytes) {
        std::snprintf(buf, sizeof buf, "%02x", b);
        out += buf;
    }
    return out;
}

class TlsTest : public ::testing::Test {
protected:
    // Runs one coroutine to completion on the test's io_context.
    template <typename T>
    T run(asio::awaitable<T> op) {
        std::optional<T> result;
        std::exception_ptr error;
        asio::co_spawn(m_io, std::move(op), [&](std::exception_ptr e, T value) {
            error = e;
            if (!e) result.emplace(std::move(value));
        });
        m_io.restart();
        m_io.run();
        if (error) std::rethrow_exception(error);
        if (!result) throw std::runtime_error("coroutine did not complete");
        return std::move(*result);
    }
    void run_void(asio::awaitable<void> op) {
        std::exception_ptr error;
        bool done = false;
        asio::co_spawn(m_io, std::move(op), [&](std::exception_ptr e) {
            error = e;
            done = true;
        });
        m_io.restart();
        m_io.run();
        if (error) std::rethrow_exception(error);
        ASSERT_TRUE(done);
    }

    static TlsContext context(TlsSettings settings) {
        auto ctx = TlsContext::create(settings);
        if (!ctx) throw std::runtime_error(ctx.error().describe());
        return std::move(ctx).value();
    }
    static TlsSettings with_ca() {
        TlsSettings s;
        s.ca_file = test::dovecot().ca_file;
        return s;
    }

    // Reads until the buffer holds a line starting with `prefix`; returns everything up to and
    // including that line and keeps the rest buffered.
    std::string read_through_line(Stream& stream, std::string_view prefix) {
        while (true) {
            std::size_t start = 0;
            while (true) {
                const std::size_t eol = m_buffer.find("\r\n", start);
                if (eol == std::string::npos) break;
                if (std::string_view(m_buffer).substr(start).starts_with(prefix)) {
                    std::string out = m_buffer.substr(0, eol + 2);
                    m_buffer.erase(0, eol + 2);
                    return out;
                }
                start = eol + 2;
            }
            char chunk[4096];
            auto n = run(stream.read_some(asio::buffer(chunk), k_timeout));
            if (!n) throw std::runtime_error("read failed: " + n.error().describe());
            m_buffer.append(chunk, *n);
        }
    }

    void send(Stream& stream, std::string_view line) {
        auto written = run(stream.write_all(asio::buffer(line.data(), line.size()), k_timeout));
        ASSERT_TRUE(written) << written.error().describe();
    }

    asio::io_context m_io;
    std::string m_buffer;
};

TEST_F(TlsTest, ImplicitTlsWithCaFileReadsTheGreeting) {
    const auto& server = test::dovecot();
    const TlsContext tls = context(with_ca());
    Stream stream(m_io.get_executor());
    auto connected = run(stream.connect(server.host, server.tls_port, k_timeout));
    ASSERT_TRUE(connected) << connected.error().describe();
    EXPECT_FALSE(stream.is_tls());
    auto shaken = run(stream.handshake(tls, k_timeout));
    ASSERT_TRUE(shaken) << shaken.error().describe();
    EXPECT_TRUE(stream.is_tls());
    EXPECT_TRUE(stream.tls_version() == "TLSv1.2" || stream.tls_version() == "TLSv1.3") << stream.tls_version();
    EXPECT_EQ(stream.peer_fingerprint(), fixture_fingerprint());
    EXPECT_EQ(stream.peer(), "127.0.0.1:" + std::to_string(server.tls_port));

    const std::string greeting = read_through_line(stream, "* OK");
    EXPECT_EQ(greeting.rfind("* OK", 0), 0u) << greeting;

    send(stream, "a1 LOGOUT\r\n");
    const std::string bye = read_through_line(stream, "a1 ");
    EXPECT_NE(bye.find("* BYE"), std::string::npos) << bye;
    EXPECT_NE(bye.find("a1 OK"), std::string::npos) << bye;
    run_void(stream.close());
    EXPECT_FALSE(stream.is_open());
}

TEST_F(TlsTest, StartTlsUpgradesThePlainConnectionInPlace) {
    const auto& server = test::dovecot();
    Stream stream(m_io.get_executor());
    auto connected = run(stream.connect(server.host, server.port, k_timeout));
    ASSERT_TRUE(connected) << connected.error().describe();
    const std::string greeting = read_through_line(stream, "* OK");
    EXPECT_NE(greeting.find("STARTTLS"), std::string::npos) << greeting;

    send(stream, "a1 STARTTLS\r\n");
    const std::string ok = read_through_line(stream, "a1 ");
    EXPECT_NE(ok.find("a1 OK"), std::string::npos) << ok;
    // Nothing may be buffered past the OK: it would be plaintext injected before the handshake.
    ASSERT_TRUE(m_buffer.empty());

    auto shaken = run(stream.handshake(context(with_ca()), k_timeout));
    ASSERT_TRUE(shaken) << shaken.error().describe();
    EXPECT_TRUE(stream.is_tls());

    send(stream, "a2 CAPABILITY\r\n");
    const std::string caps = read_through_line(stream, "a2 ");
    EXPECT_NE(caps.find("* CAPABILITY"), std::string::npos) << caps;
    EXPECT_NE(caps.find("a2 OK"), std::string::npos) << caps;
    // After TLS the server no longer offers STARTTLS (RFC 3501 §6.2.1).
    EXPECT_EQ(caps.find("STARTTLS"), std::string::npos) << caps;
    run_void(stream.close());
}

TEST_F(TlsTest, UnknownCaIsRefusedWithAdvice) {
    const auto& server = test::dovecot();
    Stream stream(m_io.get_executor());
    ASSERT_TRUE(run(stream.connect(server.host, server.tls_port, k_timeout)));
    auto shaken = run(stream.handshake(context(TlsSettings{}), k_timeout));  // system store only
    ASSERT_FALSE(shaken);
    RecordProperty("message", shaken.error().describe());
    EXPECT_EQ(shaken.error().code, NetError::certificate_untrusted);
    const std::string& msg = shaken.error().message;
    EXPECT_NE(msg.find("certificate for 127.0.0.1 is not trusted: self-signed certificate"), std::string::npos) << msg;
    EXPECT_NE(msg.find("set ca_file or fingerprint = \"" + fixture_fingerprint().to_string() + "\""), std::string::npos)
        << msg;
    EXPECT_NE(msg.find("(the server's is " + fixture_fingerprint().to_string() + ")"), std::string::npos) << msg;
    EXPECT_FALSE(stream.is_tls());
    EXPECT_FALSE(stream.is_open());
}

TEST_F(TlsTest, WrongHostNameIsRefused) {
    const auto& server = test::dovecot();
    Stream stream(m_io.get_executor());
    ASSERT_TRUE(run(stream.connect(server.host, server.tls_port, k_timeout)));
    auto shaken = run(stream.handshake(context(with_ca()), k_timeout, "wrong.example"));
    ASSERT_FALSE(shaken);
    RecordProperty("message", shaken.error().describe());
    EXPECT_EQ(shaken.error().code, NetError::certificate_name_mismatch);
    const std::string& msg = shaken.error().message;
    EXPECT_NE(msg.find("\"wrong.example\""), std::string::npos) << msg;
    EXPECT_NE(msg.find("(it names 127.0.0.1, localhost)"), std::string::npos) << msg;  // what it does name
    EXPECT_NE(msg.find("127.0.0.1"), std::string::npos) << msg;
}

TEST_F(TlsTest, HostNameInTheCertificateVerifies) {
    // Same certificate, verified as the DNS name it carries (with SNI sent).
    const auto& server = test::dovecot();
    Stream stream(m_io.get_executor());
    ASSERT_TRUE(run(stream.connect(server.host, server.tls_port, k_timeout)));
    auto shaken = run(stream.handshake(context(with_ca()), k_timeout, "localhost"));
    ASSERT_TRUE(shaken) << shaken.error().describe();
    EXPECT_EQ(read_through_line(stream, "* OK").rfind("* OK", 0), 0u);
}

TEST_F(TlsTest, WrongPinIsRefused) {
    const auto& server = test::dovecot();
    TlsSettings settings = with_ca();  // even a trusted chain does not override a pin
    settings.fingerprint = "sha256:" + std::string(64, '0');
    Stream stream(m_io.get_executor());
    ASSERT_TRUE(run(stream.connect(server.host, server.tls_port, k_timeout)));
    auto shaken = run(stream.handshake(context(settings), k_timeout));
    ASSERT_FALSE(shaken);
    RecordProperty("message", shaken.error().describe());
    EXPECT_EQ(shaken.error().code, NetError::fingerprint_mismatch);
    const std::string& msg = shaken.error().message;
    EXPECT_NE(msg.find("the server's is " + fixture_fingerprint().to_string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("expected sha256:00:00"), std::string::npos) << msg;
    EXPECT_FALSE(stream.is_tls());
}

TEST_F(TlsTest, RightPinWithoutCaFileIsAccepted) {
    const auto& server = test::dovecot();
    TlsSettings settings;  // system store: the self-signed certificate alone is not trusted
    settings.fingerprint = lowercase_hex_without_colons(fixture_fingerprint());
    Stream stream(m_io.get_executor());
    ASSERT_TRUE(run(stream.connect(server.host, server.tls_port, k_timeout)));
    auto shaken = run(stream.handshake(context(settings), k_timeout));
    ASSERT_TRUE(shaken) << shaken.error().describe();
    EXPECT_EQ(read_through_line(stream, "* OK").rfind("* OK", 0), 0u);
    run_void(stream.close());
}

TEST_F(TlsTest, RightPinAlsoCoversANameTheCertificateLacks) {
    // The pin is the trust decision: the user vouched for this exact certificate.
    const auto& server = test::dovecot();
    TlsSettings settings;
    settings.fingerprint = fixture_fingerprint().to_string();
    Stream stream(m_io.get_executor());
    ASSERT_TRUE(run(stream.connect(server.host, server.tls_port, k_timeout)));
    auto shaken = run(stream.handshake(context(settings), k_timeout, "wrong.example"));
    ASSERT_TRUE(shaken) << shaken.error().describe();
}

TEST_F(TlsTest, ClientCappedAtTls11IsRefused) {
    const auto& server = test::dovecot();
    TlsSettings settings = with_ca();
    settings.min_version = TlsVersion::tls1_0;  // raised to 1.2 by TlsContext
    settings.max_version = TlsVersion::tls1_1;
    Stream stream(m_io.get_executor());
    ASSERT_TRUE(run(stream.connect(server.host, server.tls_port, k_timeout)));
    auto shaken = run(stream.handshake(context(settings), k_timeout));
    ASSERT_FALSE(shaken);
    RecordProperty("message", shaken.error().describe());
    EXPECT_EQ(shaken.error().code, NetError::tls_handshake_failed);
    EXPECT_NE(shaken.error().message.find("TLS 1.2"), std::string::npos) << shaken.error().message;
}

TEST_F(TlsTest, ServerRefusesATls11OnlyClient) {
    // Bypass our minimum on purpose to see the server's own refusal (Dovecot: ssl_min_protocol).
    const auto& server = test::dovecot();
    TlsContext tls = context(with_ca());
    SSL_CTX* native = tls.native().native_handle();
    ASSERT_EQ(SSL_CTX_ctrl(native, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_1_VERSION, nullptr), 1);
    ASSERT_EQ(SSL_CTX_ctrl(native, SSL_CTRL_SET_MAX_PROTO_VERSION, TLS1_1_VERSION, nullptr), 1);
    SSL_CTX_set_security_level(native, 0);  // OpenSSL 3 refuses TLS 1.1 itself above level 0
    ASSERT_EQ(SSL_CTX_set_cipher_list(native, "DEFAULT:@SECLEVEL=0"), 1);
    Stream stream(m_io.get_executor());
    ASSERT_TRUE(run(stream.connect(server.host, server.tls_port, k_timeout)));
    auto shaken = run(stream.handshake(tls, k_timeout));
    ASSERT_FALSE(shaken);
    RecordProperty("message", shaken.error().describe());
    EXPECT_EQ(shaken.error().code, NetError::tls_handshake_failed) << shaken.error().describe();
}

TEST_F(TlsTest, TlsOnThePlainPortFailsClearly) {
    const auto& server = test::dovecot();
    Stream stream(m_io.get_executor());
    ASSERT_TRUE(run(stream.connect(server.host, server.port, k_timeout)));
    auto shaken = run(stream.handshake(context(with_ca()), k_timeout));
    ASSERT_FALSE(shaken);
    RecordProperty("message", shaken.error().describe());
    EXPECT_EQ(shaken.error().code, NetError::tls_handshake_failed);
    EXPECT_NE(shaken.error().message.find(std::to_string(server.port)), std::string::npos) << shaken.error().message;
    EXPECT_NE(shaken.error().message.find("STARTTLS"), std::string::npos) << shaken.error().message;
}

TEST_F(TlsTest, RefusedPortGivesAClearError) {
    unsigned short port = 0;
    {
        asio::ip::tcp::acceptor probe(m_io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        port = probe.local_endpoint().port();
    }  // closed again: nothing listens there now
    Stream stream(m_io.get_executor());
    auto connected = run(stream.connect("127.0.0.1", port, k_timeout));
    ASSERT_FALSE(connected);
    RecordProperty("message", connected.error().describe());
    EXPECT_EQ(connected.error().code, NetError::connection_refused);
    EXPECT_EQ(connected.error().message,
              "connection refused: is the server running on 127.0.0.1:" + std::to_string(port) + "?");
}

TEST_F(TlsTest, UnresolvableHostGivesAClearError) {
    Stream stream(m_io.get_executor());
    auto connected = run(stream.connect("no-such-host.invalid", 993, k_timeout));
    ASSERT_FALSE(connected);
    EXPECT_TRUE(connected.error().code == NetError::resolve_failed || connected.error().code == NetError::timeout)
        << connected.error().describe();
    EXPECT_NE(connected.error().message.find("no-such-host.invalid"), std::string::npos);
}

TEST_F(TlsTest, ConnectTimesOutWhenTheServerNeverAccepts) {
    // A listener with a full accept queue: Linux drops further SYNs, so connect() hangs.
    asio::ip::tcp::acceptor full(m_io);
    full.open(asio::ip::tcp::v4());
    full.bind(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    full.listen(0);
    const unsigned short port = full.local_endpoint().port();
    // Non-blocking POSIX connects: asio's synchronous connect would wait for each to complete.
    std::vector<int> fillers;
    for (int i = 0; i < 4; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        ASSERT_GE(fd, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        (void)::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
        fillers.push_back(fd);
    }
    struct CloseAll {
        std::vector<int>& fds;
        ~CloseAll() {
            for (const int fd : fds) ::close(fd);
        }
    } close_all{fillers};
    // Give the kernel a moment to complete the handshakes that fill the queue.
    std::this_thread::sleep_for(100ms);
    Stream stream(m_io.get_executor());
    const auto start = std::chrono::steady_clock::now();
    auto connected = run(stream.connect("127.0.0.1", port, 300ms));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(connected);
    RecordProperty("message", connected.error().describe());
    EXPECT_EQ(connected.error().code, NetError::timeout) << connected.error().describe();
    EXPECT_NE(
        connected.error().message.find("connecting to 127.0.0.1:" + std::to_string(port) + " timed out after 300 ms"),
        std::string::npos)
        << connected.error().message;
    EXPECT_LT(elapsed, 5s);
}

TEST_F(TlsTest, SilentServerTimesOutReadsAndHandshakes) {
    asio::ip::tcp::acceptor silent(m_io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const unsigned short port = silent.local_endpoint().port();
    {
        Stream stream(m_io.get_executor());
        ASSERT_TRUE(run(stream.connect("127.0.0.1", port, k_timeout)));
        char buf[16];
        auto n = run(stream.read_some(asio::buffer(buf), 200ms));
        ASSERT_FALSE(n);
        EXPECT_EQ(n.error().code, NetError::timeout);
        EXPECT_NE(n.error().message.find("reading from 127.0.0.1:" + std::to_string(port) + " timed out after 200 ms"),
                  std::string::npos)
            << n.error().message;
        EXPECT_FALSE(stream.is_open());  // a timeout is fatal
        auto again = run(stream.read_some(asio::buffer(buf), 200ms));
        ASSERT_FALSE(again);
        EXPECT_EQ(again.error().code, NetError::closed) << again.error().describe();
    }
    {
        Stream stream(m_io.get_executor());
        ASSERT_TRUE(run(stream.connect("127.0.0.1", port, k_timeout)));
        auto shaken = run(stream.handshake(context(with_ca()), 200ms));
        ASSERT_FALSE(shaken);
        EXPECT_EQ(shaken.error().code, NetError::timeout) << shaken.error().describe();
    }
}

TEST_F(TlsTest, ServerClosingIsReportedAsClosed) {
    const auto& server = test::dovecot();
    Stream stream(m_io.get_executor());
    ASSERT_TRUE(run(stream.connect(server.host, server.port, k_timeout)));
    read_through_line(stream, "* OK");
    send(stream, "a1 LOGOUT\r\n");
    read_through_line(stream, "a1 ");
    char buf[256];
    util::Expected<std::size_t> n = run(stream.read_some(asio::buffer(buf), k_timeout));
    while (n) n = run(stream.read_some(asio::buffer(buf), k_timeout));
    EXPECT_EQ(n.error().code, NetError::closed) << n.error().describe();
}

TEST(TlsSettingsTest, FingerprintFormats) {
    auto a = parse_fingerprint(
        "sha256:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
        "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff");
    ASSERT_TRUE(a) << a.error().describe();
    auto b = parse_fingerprint("SHA256:00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF");
    ASSERT_TRUE(b) << b.error().describe();
    auto c = parse_fingerprint("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    ASSERT_TRUE(c);
    EXPECT_EQ(*a, *b);
    EXPECT_EQ(*a, *c);
    EXPECT_EQ(a->to_string(),
              "sha256:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF");
    EXPECT_EQ(parse_fingerprint(a->to_string()).value(), *a);
    EXPECT_FALSE(parse_fingerprint("sha256:" + std::string(66, 'a')));  // 33 bytes
    auto short_fp = parse_fingerprint("sha256:AB:CD");
    ASSERT_FALSE(short_fp);
    EXPECT_EQ(short_fp.error().code, NetError::tls_config);
    EXPECT_FALSE(parse_fingerprint("sha1:00112233445566778899aabbccddeeff00112233"));
    EXPECT_FALSE(parse_fingerprint("sha256:zz112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"));
}

TEST(TlsSettingsTest, UnreadableCaFileIsAConfigError) {
    TlsSettings settings;
    settings.ca_file = "/nonexistent/ca.pem";
    auto ctx = TlsContext::create(settings);
    ASSERT_FALSE(ctx);
    EXPECT_EQ(ctx.error().code, NetError::tls_config);
    EXPECT_NE(ctx.error().message.find("/nonexistent/ca.pem"), std::string::npos);
    settings.ca_file.clear();
    settings.fingerprint = "nonsense";
    auto bad_pin = TlsContext::create(settings);
    ASSERT_FALSE(bad_pin);
    EXPECT_EQ(bad_pin.error().code, NetError::tls_config);
}

}  // namespace
}  // namespace mailtwin::net
