#include "support/child.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace mailtwin::test {

ChildResult run_mailtwin(const std::vector<std::string>& args, const ChildOptions& options) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    // Built before fork: the child may only call async-signal-safe functions.
    // MAILTWIN_TEST_BINARY runs another build (an installed binary, a copy kept stable during a long run).
    const char* binary = std::getenv("MAILTWIN_TEST_BINARY");
    std::vector<std::string> argv_storage{binary && *binary ? binary : MAILTWIN_BINARY};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_storage;
    for (char** e = environ; *e; ++e) env_storage.emplace_back(*e);
    env_storage.insert(env_storage.end(), options.env.begin(), options.env.end());
    std::vector<char*> envp;
    for (auto& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);

    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        ::setpgid(0, 0);
        ::dup2(fds[1], 1);
        ::dup2(fds[1], 2);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::setpgid(pid, pid);  // also from the parent: no race with the kill below
    ::close(fds[1]);
    ::fcntl(fds[0], F_SETFL, O_NONBLOCK);

    ChildResult r;
    const auto deadline = start + options.timeout;
    const auto kill_at = options.kill_after ? std::optional(start + *options.kill_after) : std::nullopt;
    std::array<char, 8192> buf;
    int status = 0;
    rusage usage{};
    bool reaped = false;
    bool pipe_open = true;
    while (!reaped) {
        const auto now = std::chrono::steady_clock::now();
        if (kill_at && now >= *kill_at && !r.killed_on_purpose && !r.timed_out) {
            ::kill(-pid, SIGKILL);
            r.killed_on_purpose = true;
        }
        if (now >= deadline && !r.timed_out && !r.killed_on_purpose) {
            ::kill(-pid, SIGKILL);
            r.timed_out = true;
        }
        auto wait_ms = std::chrono::milliseconds(20);
        if (kill_at && !r.killed_on_purpose)
            wait_ms = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(*kill_at - now),
                                 std::chrono::milliseconds(0), wait_ms);
        if (pipe_open) {
            pollfd p{fds[0], POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(wait_ms.count())) > 0) {
                ssize_t n = ::read(fds[0], buf.data(), buf.size());
                if (n > 0)
                    r.output.append(buf.data(), static_cast<std::size_t>(n));
                else if (n == 0)
                    pipe_open = false;
            }
        } else {
            ::usleep(static_cast<useconds_t>(wait_ms.count() * 1000));
        }
        // The pipe may stay open after the child died (a grandchild holds it): the child's own exit,
        // not EOF, ends the run.
        const pid_t w = ::wait4(pid, &status, WNOHANG, &usage);
        if (w == pid) reaped = true;
    }
    // Whatever the child left running in its group goes too.
    ::kill(-pid, SIGKILL);
    for (;;) {
        ssize_t n = ::read(fds[0], buf.data(), buf.size());
        if (n <= 0) break;
        r.output.append(buf.data(), static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    r.max_rss_kb = usage.ru_maxrss;
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
    return r;
}

std::string describe(const ChildResult& r) {
    std::string s = "exit " + std::to_string(r.exit_code) + ", signal " + std::to_string(r.signal) +
                    (r.timed_out ? " (TIMED OUT)" : "") + ", peak RSS " + std::to_string(r.max_rss_kb / 1024) +
                    " MB, " + std::to_string(r.elapsed.count()) + " ms\n";
    constexpr std::size_t k_tail = 4000;
    s += r.output.size() > k_tail ? "...\n" + r.output.substr(r.output.size() - k_tail) : r.output;
    return s;
}

}  // namespace mailtwin::test
