#include "watch_harness.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "fixtures/child_exit.hpp"
#include "fixtures/imap_test_util.hpp"
#include "fixtures/run_awaitable.hpp"
#include "mailtwin/config/loader.hpp"
#include "mailtwin/maildir/delivery.hpp"
#include "mailtwin/maildir/message_info.hpp"
#include "mailtwin/util/log.hpp"

namespace mailtwin::test {
namespace {

std::string message_text(const std::string& id) {
    return "From: Alice <alice@example.org>\nTo: bob@example.org\nSubject: " + id + "\nMessage-ID: <" + id +
           "@watch.test>\nDate: Tue, 3 Jan 2023 10:00:00 +0000\n\nhello\n";
}

template <typename T>
T must(util::Expected<T> r) {
    if (!r) throw std::runtime_error(r.error().describe());
    return std::move(*r);
}

void must(const util::Expected<void>& r) {
    if (!r) throw std::runtime_error(r.error().describe());
}

}  // namespace

WatchHarness::WatchHarness(const std::string& name) : m_prefix("W-" + name), m_dir("mailtwin-watch") {
    m_maildir = m_dir / "Mail";
    m_config = m_dir / "config.toml";
    m_log = m_dir / "watch.log";
    const auto& d = dovecot();
    std::ofstream(m_config) << "[general]\nstate_dir = \"" << (m_dir / "state").string()
                            << "\"\nmax_connections = 2\n\n"
                            << "[accounts.test]\nmaildir = \"" << m_maildir.string() << "\"\n\n"
                            << "[accounts.test.imap]\nhost = \"127.0.0.1\"\nport = " << d.tls_port
                            << "\ntls = \"implicit\"\nuser = \"" << d.user << "\"\npassword = \"" << d.password
                            << "\"\nca_file = \"" << d.ca_file.string() << "\"\n\n"
                            << "[accounts.test.sync]\nfolders = [\"" << m_prefix << "/*\"]\n";
    connect();
    auto folders = must(run_awaitable(m_io, m_session->list_folders(false)));
    for (auto it = folders.rbegin(); it != folders.rend(); ++it)
        if (it->name.rfind(m_prefix, 0) == 0) (void)run_awaitable(m_io, m_session->delete_folder(it->name));
}

WatchHarness::~WatchHarness() {
    if (m_child > 0) {
        ::kill(m_child, SIGKILL);
        ::waitpid(m_child, nullptr, 0);
    }
    if (m_conn) run_awaitable(m_io, m_conn->logout());
}

void WatchHarness::connect() {
    m_conn = std::make_unique<net::Connection>(m_io.get_executor(), settings_for(dovecot()));
    must(run_awaitable(m_io, m_conn->open()));
    m_session = std::make_unique<net::Session>(*m_conn);
}

void WatchHarness::start(const engine::WatchOptions& options) {
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        // The child: its own log file, then the watcher; _exit skips the parent's destructors (its
        // IMAP connection and temp dir belong to the parent).
        const int fd = ::open(m_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd >= 0) ::dup2(fd, STDERR_FILENO);
        int rc = 70;
        try {
            util::set_log_level(util::LogLevel::debug);
            const config::Config cfg = config::load_file(m_config);
            rc = engine::run_watch(cfg, {&cfg.accounts.at(0)}, options);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "child: %s\n", e.what());
        }
        std::fflush(stderr);
        ::_exit(rc);
    }
    m_child = pid;
}

void WatchHarness::signal(int signal_number) const {
    if (m_child > 0) ::kill(m_child, signal_number);
}

bool WatchHarness::running() {
    if (m_child <= 0) return false;
    (void)wait_exit(std::chrono::milliseconds(0));
    return m_child > 0;
}

int WatchHarness::wait_exit(std::chrono::milliseconds timeout) {
    return wait_child_exit(m_child, m_exit_code, timeout);
}

std::string WatchHarness::log() const {
    std::ifstream in(m_log);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

bool WatchHarness::eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (condition()) return true;
        if (std::chrono::steady_clock::now() >= until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

void WatchHarness::server_create(const std::string& leaf) {
    must(run_awaitable(m_io, m_session->create_folder(folder(leaf))));
}

void WatchHarness::server_append(const std::string& leaf, const std::string& id) {
    std::vector<net::AppendItem> items(1);
    std::string crlf;
    for (char c : message_text(id)) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    items[0].message.body = imap::make_payload(crlf);
    items[0].message.internal_date = imap::AppendDate{1672740000, 0};
    (void)must(run_awaitable(m_io, m_session->append(folder(leaf), std::move(items))));
}

bool WatchHarness::server_has(const std::string& leaf, const std::string& id) {
    (void)must(run_awaitable(m_io, m_session->select(folder(leaf))));
    auto found = must(run_awaitable(m_io, m_session->search_message_id("<" + id + "@watch.test>")));
    return !found.empty();
}

void WatchHarness::local_deliver(const std::string& leaf, const std::string& id) const {
    maildir::CommitOptions options;
    options.internal_date = std::chrono::system_clock::from_time_t(1672740000);
    (void)must(maildir::deliver(local_dir(leaf), message_text(id), options));
}

bool WatchHarness::local_has(const std::string& leaf, const std::string& id) const {
    for (const char* sub : {"cur", "new"}) {
        std::error_code ec;
        for (const auto& e : std::filesystem::directory_iterator(local_dir(leaf) / sub, ec)) {
            maildir::MessageInfo info(e.path());
            auto mid = info.message_id();
            if (mid && *mid && **mid == "<" + id + "@watch.test>") return true;
        }
    }
    return false;
}

}  // namespace mailtwin::test
