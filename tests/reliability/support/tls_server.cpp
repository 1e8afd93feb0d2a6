#include "support/tls_server.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "support/proxy.hpp"

namespace mailtwin::test {

namespace fs = std::filesystem;

namespace {

int sh(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); }

bool accepts(unsigned short port) {
    const int fd = connect_loopback(port);
    if (fd >= 0) ::close(fd);
    return fd >= 0;
}

}  // namespace

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

std::string sha256_fingerprint(const fs::path& cert) {
    std::string fp;
    FILE* p = ::popen(("openssl x509 -in '" + cert.string() + "' -noout -fingerprint -sha256").c_str(), "r");
    char buf[256] = {};
    if (p && std::fgets(buf, sizeof buf, p)) fp = buf;
    if (p) ::pclose(p);
    return fp.find('=') == std::string::npos ? "" : "sha256:" + fp.substr(fp.find('=') + 1, 95);
}

TlsServer::TlsServer(const fs::path& cert_dir, const std::vector<std::string>& extra) {
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

TlsServer::~TlsServer() {
    ::kill(m_pid, SIGKILL);
    ::waitpid(m_pid, nullptr, 0);
}

}  // namespace mailtwin::test
