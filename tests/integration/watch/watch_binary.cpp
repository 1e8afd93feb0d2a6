#include "watch_binary.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "fixtures/child_exit.hpp"
#include "fixtures/run_command.hpp"

extern char** environ;

namespace mailtwin::test {
namespace {

// The child's environment: ours without JOURNAL_STREAM (the test runner may itself run under
// systemd), plus `journal_stream` when it is not empty, and a UTF-8 locale (the expected lines have
// arrows; CI runs with no LANG at all, where mailtwin prints words instead).
std::vector<std::string> child_environment(const std::string& journal_stream) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e)
        if (std::strncmp(*e, "JOURNAL_STREAM=", 15) != 0 && std::strncmp(*e, "LC_ALL=", 7) != 0) env.emplace_back(*e);
    if (!journal_stream.empty()) env.push_back("JOURNAL_STREAM=" + journal_stream);
    env.emplace_back(k_utf8_locale);
    return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

}  // namespace

WatchBinary::WatchBinary(const std::vector<std::string>& args, Stderr stderr_to) {
    int out_pipe[2];
    int err_pipe[2];  // for a terminal: [0] the pseudo-terminal's master, [1] its slave
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    if (stderr_to == Stderr::terminal) {
        err_pipe[0] = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (err_pipe[0] < 0 || ::grantpt(err_pipe[0]) != 0 || ::unlockpt(err_pipe[0]) != 0)
            throw std::runtime_error("no pseudo-terminal");
        err_pipe[1] = ::open(::ptsname(err_pipe[0]), O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (err_pipe[1] < 0) throw std::runtime_error("cannot open the pseudo-terminal");
    } else if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe failed");
    }
    std::string journal_stream;
    if (stderr_to == Stderr::journal) {
        // What systemd puts there for StandardError=journal: the device and inode of the stream.
        struct stat st {};
        ::fstat(err_pipe[1], &st);
        journal_stream = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
    }
    std::vector<std::string> argv_strings{MAILTWIN_BINARY};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    auto env_strings = child_environment(journal_stream);
    auto argv = c_strings(argv_strings);
    auto envp = c_strings(env_strings);

    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::dup2(out_pipe[1], STDOUT_FILENO);
        ::dup2(err_pipe[1], STDERR_FILENO);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    m_child = pid;
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    m_reader = std::thread([this, out = out_pipe[0], err = err_pipe[0]] { read_until_closed(out, err); });
}

WatchBinary::~WatchBinary() {
    if (m_child > 0) {
        ::kill(m_child, SIGKILL);
        ::waitpid(m_child, nullptr, 0);
    }
    if (m_reader.joinable()) m_reader.join();
}

void WatchBinary::read_until_closed(int out_fd, int err_fd) {
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    std::string* sinks[2] = {&m_out, &m_err};
    int open_fds = 2;
    while (open_fds > 0) {
        if (::poll(fds, 2, -1) < 0) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            char buf[4096];
            const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n <= 0) {
                // End of a pipe, or EIO from a pseudo-terminal whose last slave closed.
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
                continue;
            }
            std::lock_guard lock(m_mutex);
            sinks[i]->append(buf, static_cast<std::size_t>(n));
        }
    }
}

std::string WatchBinary::out() const {
    std::lock_guard lock(m_mutex);
    return m_out;
}

std::string WatchBinary::err() const {
    std::lock_guard lock(m_mutex);
    std::string text;
    for (char c : m_err)
        if (c != '\r') text += c;
    return text;
}

void WatchBinary::signal(int signal_number) const {
    if (m_child > 0) ::kill(m_child, signal_number);
}

int WatchBinary::wait_exit(std::chrono::milliseconds timeout) { return wait_child_exit(m_child, m_exit_code, timeout); }

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

}  // namespace mailtwin::test
