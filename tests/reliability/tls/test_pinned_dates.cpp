// A pinned certificate out of its validity period: pinning still decides (the pin matches, so the
// TLS session goes on), and a warning gives the dates. The server is `openssl s_server`, which speaks
// no IMAP: the run then fails after the handshake (s_server hangs up, its stdin being /dev/null).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

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
    std::ofstream(dir / "ca.cnf")
        << "[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\n"
           "default_md = sha256\npolicy = p\ncopy_extensions = copy\n[p]\ncommonName = supplied\n";
    std::ofstream(dir / "index.txt");
    std::ofstream(dir / "serial") << "01\n";
    const std::string d = "cd '" + dir.string() + "' && ";
    if (sh(d +
           "openssl req -new -newkey rsa:2048 -nodes -keyout key.pem -out req.csr -subj /CN=mailtwin-test "
           "-addext 'subjectAltName=" +
           san + "' -addext 'basicConstraints=critical,CA:TRUE'") != 0 ||
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
        std::vector<std::string> args{"openssl",
                                      "s_server",
                                      "-quiet",
                                      "-accept",
                                      "127.0.0.1:" + std::to_string(m_port),
                                      "-cert",
                                      (cert_dir / "cert.pem").string(),
                                      "-key",
                                      (cert_dir / "key.pem").string()};
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

std::string fingerprint_of(const fs::path& cert) {
    std::string fp;
    FILE* p = ::popen(("openssl x509 -in '" + cert.string() + "' -noout -fingerprint -sha256").c_str(), "r");
    char buf[256] = {};
    if (p && std::fgets(buf, sizeof buf, p)) fp = buf;
    if (p) ::pclose(p);
    return fp.find('=') == std::string::npos ? "" : "sha256:" + fp.substr(fp.find('=') + 1, 95);
}

ChildResult pinned_sync(SyncSetup& s, const fs::path& cert_dir, unsigned short port) {
    Endpoint e = SyncSetup::direct();
    e.port = port;
    e.ca_file.clear();
    e.fingerprint = fingerprint_of(cert_dir / "cert.pem");
    EXPECT_FALSE(e.fingerprint.empty());
    const auto config = s.write_config("pinned.toml", e);
    fs::permissions(config, fs::perms::owner_read | fs::perms::owner_write);  // no warning about the password
    ChildOptions o;
    o.timeout = std::chrono::seconds(60);
    return s.sync({}, o, config);
}

TEST(PinnedCertificateDates, AnExpiredPinnedCertificateIsTrustedWithAWarningGivingTheDates) {
    SyncSetup s("pin-expired");
    auto dir = make_cert(s.dir() / "expired", "IP:127.0.0.1", "20200101000000Z", "20200201000000Z");
    TlsServer server(dir, {});
    auto r = pinned_sync(s, dir, server.port());
    EXPECT_NE(r.output.find("mailtwin: warning: the pinned certificate of 127.0.0.1:" + std::to_string(server.port()) +
                            " expired on 2020-02-01 00:00:00 UTC (valid from 2020-01-01 00:00:00 UTC to 2020-02-01 "
                            "00:00:00 UTC); mailtwin trusts it because it matches fingerprint"),
              std::string::npos)
        << describe(r);
    EXPECT_EQ(r.output.find("not trusted"), std::string::npos) << "the pin decides\n" << describe(r);
    EXPECT_NE(r.output.find("the server 127.0.0.1:" + std::to_string(server.port()) + " closed the connection"),
              std::string::npos)
        << "the handshake went through, then the non-IMAP server hung up\n"
        << describe(r);
}

TEST(PinnedCertificateDates, ANotYetValidPinnedCertificateIsTrustedWithAWarningGivingTheDates) {
    SyncSetup s("pin-future");
    auto dir = make_cert(s.dir() / "future", "IP:127.0.0.1", "20990101000000Z", "21000101000000Z");
    TlsServer server(dir, {});
    auto r = pinned_sync(s, dir, server.port());
    EXPECT_NE(r.output.find("mailtwin: warning: the pinned certificate of 127.0.0.1:" + std::to_string(server.port()) +
                            " is not valid yet: valid from 2099-01-01 00:00:00 UTC to 2100-01-01 00:00:00 UTC"),
              std::string::npos)
        << describe(r);
    EXPECT_NE(r.output.find(" closed the connection"), std::string::npos) << describe(r);
}

TEST(PinnedCertificateDates, ACurrentPinnedCertificateGivesNoWarning) {
    SyncSetup s("pin-current");
    auto dir = make_cert(s.dir() / "current", "IP:127.0.0.1", "20200101000000Z", "20990101000000Z");
    TlsServer server(dir, {});
    auto r = pinned_sync(s, dir, server.port());
    EXPECT_EQ(r.output.find("warning"), std::string::npos) << describe(r);
}

}  // namespace
}  // namespace mailtwin::test
