#include "mailtwin/util/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace mailtwin::util {
namespace {

// Closes the descriptors it holds when it goes out of scope.
struct Pipe {
    std::array<int, 2> fd{-1, -1};
    ~Pipe() {
        for (int f : fd)
            if (f >= 0) ::close(f);
    }
    bool open() { return ::pipe2(fd.data(), O_CLOEXEC) == 0; }
    void close_end(int end) {
        ::close(fd[end]);
        fd[end] = -1;
    }
};

// Reads both pipes until they close or the deadline passes; true when the deadline passed.
bool collect(Pipe& out, Pipe& err, ChildResult& r, std::chrono::milliseconds timeout, std::size_t max_output) {
    std::array<pollfd, 2> fds{pollfd{out.fd[0], POLLIN, 0}, pollfd{err.fd[0], POLLIN, 0}};
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::array<char, 65536> buf;
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return true;
        int n = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
        if (n <= 0) continue;  // EINTR or the deadline: the loop's head decides
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t got = ::read(fds[i].fd, buf.data(), buf.size());
            if (got > 0) {
                std::string& target = i == 0 ? r.out : r.err;
                if (target.size() < max_output) target.append(buf.data(), static_cast<std::size_t>(got));
            } else if (got == 0 || errno != EINTR) {
                fds[i].fd = -1;  // closed by Pipe
            }
        }
    }
    return false;
}

}  // namespace

util::Expected<ChildResult> run_child(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                                      std::size_t max_output) {
    const std::string program = argv.empty() ? std::string() : argv.front();
    Pipe out, err, exec_status;
    if (!out.open() || !err.open() || !exec_status.open())
        return util::unexpected(util::system_error(errno, "cannot create a pipe to run " + program));
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid < 0) return util::unexpected(util::system_error(errno, "cannot start " + program));
    if (pid == 0) {
        ::dup2(out.fd[1], STDOUT_FILENO);
        ::dup2(err.fd[1], STDERR_FILENO);
        int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
        ::execvp(args.front(), args.data());
        // Only reached when exec failed: the parent reads errno from the pipe that exec would close.
        const int e = errno;
        (void)!::write(exec_status.fd[1], &e, sizeof e);
        ::_exit(127);
    }
    out.close_end(1);
    err.close_end(1);
    exec_status.close_end(1);
    ChildResult r;
    r.timed_out = collect(out, err, r, timeout, max_output);
    if (r.timed_out) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    int exec_errno = 0;
    if (::read(exec_status.fd[0], &exec_errno, sizeof exec_errno) == sizeof exec_errno)
        return util::unexpected(util::system_error(exec_errno, "cannot run " + program));
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

}  // namespace mailtwin::util
