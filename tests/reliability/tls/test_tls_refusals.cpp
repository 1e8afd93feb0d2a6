// TLS through the real binary: by default mailtwin refuses an expired certificate, a self-signed one
// without a pin, one for another host, and a server that only speaks TLS < 1.2, each with exit 3 and
// an error that says what is wrong; and it refuses a stripped STARTTLS (the server hides it) instead of
// going on in clear text, without ever sending the password. Certificates are made here with openssl;
// the TLS servers are `openssl s_server` children on 127.0.0.1, killed and reaped by their owner.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "support/fake_imap.hpp"
#include "support/proxy.hpp"
#include "support/setup.hpp"

namespace mailtwin::test {
namespace {

namespace fs = std::filesystem;

int sh(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); }

// A key and a certificate in `dir`: self-signed CA:TRUE (it is its own trust anchor), for `san`,
// valid between the two dates (openssl ca -selfsign lets the dates lie in the past).
fs::path make_cert(const fs::path& dir, const std::string& san, const std::string& start, const std::string& end) {
    fs::create_directories(dir);
    std::ofstream(dir / "ca.cnf") << "[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\n"
                                     "default_md = sha256\npolicy = p\ncopy_extensions = copy\n[p]\ncommonName = supplied\n";
    std::ofstream(dir / "index.txt");
    std::ofstream(dir / "serial") << "01\n";
    const std::string d = "cd '" + dir.string() + "' && ";
    if (sh(d + "openssl req -new -newkey rsa:2048 -nodes -keyout key.pem -out req.csr -subj /CN=mailtwin-test "
               "-addext 'subjectAltName=" + san + "' -addext 'basicConstraints=critical,CA:TRUE'") != 0 ||
        sh(d + "openssl ca -batch -config ca.cnf -selfsign -keyfile key.pem -in req.csr -out cert.pem -startdate " +
           start + " -enddate " + end) != 0)
        throw std::runtime_error("openssl could not make a test certificate in " + dir.string());
    return dir;
}

bool accepts(unsigned short port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    const bool ok = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    if (fd >= 0) ::close(fd);
    return ok;
}

// `openssl s_server` on a free loopback port with the given certificate and extra options.
class TlsServer {
public:
    TlsServer(const fs::path& cert_dir, const std::vector<std::string>& extra) {
        int fd = listen_loopback(m_port);
        ::close(fd);  // s_server binds it again at once; nothing else on this host races for it in tests
        std::vector<std::string> args{"openssl", "s_server", "-quiet", "-accept", "127.0.0.1:" + std::to_string(m_port),
                                      "-cert", (cert_dir / "cert.pem").string(), "-key", (cert_dir / "key.pem").string()};
        args.insert(args.end(), extra.begin(), extra.end());
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        m_pid = ::fork();
        if (m_pid == 0) {
            int null = ::open("/dev/null", O_RDWR);
            ::dup2(null, 0);
            ::dup2(null, 1);
            ::dup2(null, 2);
            ::execvp("openssl", argv.data());
            ::_exit(127);
        }
        // Ready when it accepts.
        for (int i = 0; i < 100; ++i) {
            if (accepts(m_port)) break;
            ::usleep(50000);
        }
    }
    ~TlsServer() {
        ::kill(m_pid, SIGKILL);
        ::waitpid(m_pid, nullptr, 0);
    }
    TlsServer(const TlsServer&) = delete;
    TlsServer& operator=(const TlsServer&) = delete;
    [[nodiscard]] unsigned short port() const { return m_port; }

private:
    unsigned short m_port = 0;
    pid_t m_pid = -1;
};

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
    std::string fp;
    {
        FILE* p = ::popen(("openssl x509 -in '" + dovecot().ca_file.string() + "' -noout -fingerprint -sha256").c_str(), "r");
        char buf[256] = {};
        if (p && std::fgets(buf, sizeof buf, p)) fp = buf;
        if (p) ::pclose(p);
    }
    ASSERT_NE(fp.find('='), std::string::npos) << fp;
    e.fingerprint = "sha256:" + fp.substr(fp.find('=') + 1, 95);
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
    EXPECT_TRUE(r.output.find("name") != std::string::npos || r.output.find("host") != std::string::npos) << describe(r);
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
