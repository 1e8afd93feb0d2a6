#include "mailtwin/settings/secret.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

#include "mailtwin/results/engine_error.hpp"
#include "mailtwin/util/child_process.hpp"

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
    auto child = util::run_child({"/bin/sh", "-c", command}, timeout);
    if (!child) return util::unexpected(std::move(child).error());
    if (child->timed_out)
        return secret_failure("password_cmd \"" + command + "\" did not finish within " +
                              std::to_string(timeout.count() / 1000) +
                              " s (does it wait for input, e.g. a gpg pinentry?)");
    if (child->exit_code != 0)
        return secret_failure("password_cmd \"" + command + "\" failed (exit " + std::to_string(child->exit_code) +
                              ")" + shown_error_line(child->err, child->out));
    return std::move(child->out);
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
