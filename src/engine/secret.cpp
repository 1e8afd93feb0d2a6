#include "mailtwin/engine/secret.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <string_view>
#include <vector>

#include "mailtwin/engine/engine_error.hpp"

namespace mailtwin::engine {
namespace {

util::Unexpected secret_failure(const std::string& what) {
    return util::unexpected(EngineError::password_command_failed, what);
}

std::vector<std::string> lines_of(std::string_view text) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        std::string line(text.substr(pos, nl - pos));
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        out.push_back(std::move(line));
        pos = nl + 1;
    }
    return out;
}

// ": <the first line of the command's error output>" for the failure message, or "". A command that
// printed the password on stdout may echo it on stderr too (a "set -x" wrapper, a failing pipeline):
// a line equal to one it printed on stdout, or holding its first line, is never shown.
std::string shown_error_line(std::string_view stderr_text, std::string_view stdout_text) {
    const auto out_lines = lines_of(stdout_text);
    const std::string secret = out_lines.empty() ? std::string() : out_lines.front();
    bool withheld = false;
    for (const auto& line : lines_of(stderr_text)) {
        if (line.empty()) continue;
        const bool echoes = std::find(out_lines.begin(), out_lines.end(), line) != out_lines.end() ||
                            (secret.size() >= 4 && line.find(secret) != std::string::npos);
        if (!echoes) return ": " + line;
        withheld = true;
    }
    return withheld ? " (its error output repeats what it printed as the password, so it is not shown)" : "";
}

}  // namespace

util::Expected<std::string> run_password_command(const std::string& command, std::chrono::milliseconds timeout) {
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return util::unexpected(util::system_error(errno, "pipe for password_cmd"));
    if (::pipe2(err, O_CLOEXEC) != 0) {
        ::close(out[0]);
        ::close(out[1]);
        return util::unexpected(util::system_error(errno, "pipe for password_cmd"));
    }
    pid_t pid = ::fork();
    if (pid < 0) return util::unexpected(util::system_error(errno, "fork for password_cmd"));
    if (pid == 0) {
        ::dup2(out[1], STDOUT_FILENO);
        ::dup2(err[1], STDERR_FILENO);
        int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
        ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(out[1]);
    ::close(err[1]);
    std::string stdout_text, stderr_text;
    std::array<pollfd, 2> fds{pollfd{out[0], POLLIN, 0}, pollfd{err[0], POLLIN, 0}};
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool timed_out = false;
    std::array<char, 4096> buf;
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        int n = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) continue;
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t got = ::read(fds[i].fd, buf.data(), buf.size());
            if (got > 0) {
                std::string& target = i == 0 ? stdout_text : stderr_text;
                if (target.size() < (1 << 20)) target.append(buf.data(), static_cast<std::size_t>(got));
            } else if (got == 0 || errno != EINTR) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
            }
        }
    }
    for (auto& f : fds)
        if (f.fd >= 0) ::close(f.fd);
    if (timed_out) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timed_out)
        return secret_failure("password_cmd \"" + command + "\" did not finish within " +
                              std::to_string(timeout.count() / 1000) + " s (does it wait for input, e.g. a gpg pinentry?)");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return secret_failure("password_cmd \"" + command + "\" failed (exit " +
                              std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) + ")" +
                              shown_error_line(stderr_text, stdout_text));
    return stdout_text;
}

util::Expected<std::string> resolve_secret(const config::Imap& imap, std::chrono::milliseconds timeout) {
    if (imap.password) return *imap.password;
    if (!imap.password_cmd) return secret_failure("no password or password_cmd configured");
    auto out = run_password_command(*imap.password_cmd, timeout);
    if (!out) return out;
    // The first line, like mbsync's PassCmd: "pass show" prints more lines after the password.
    std::string secret = *out;
    auto nl = secret.find('\n');
    if (nl != std::string::npos) secret.resize(nl);
    if (!secret.empty() && secret.back() == '\r') secret.pop_back();
    if (secret.empty()) return secret_failure("password_cmd \"" + *imap.password_cmd + "\" printed nothing");
    return secret;
}

}  // namespace mailtwin::engine
