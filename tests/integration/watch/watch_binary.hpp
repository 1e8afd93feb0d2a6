#pragma once
// The real mailtwin binary in watch mode, as a user, a shell pipeline or systemd runs it: stdout on a
// pipe, stderr on a pipe, on a pipe that $JOURNAL_STREAM names (as systemd's StandardError=journal
// does), or on a pseudo-terminal; both read as they come by a thread of this process.
#include <sys/types.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mailtwin::test {

class WatchBinary {
public:
    enum class Stderr { pipe, journal, terminal };

    // Starts `mailtwin ARGS`; $JOURNAL_STREAM is set only for Stderr::journal.
    WatchBinary(const std::vector<std::string>& args, Stderr stderr_to);
    ~WatchBinary();  // kills the child if it still runs
    WatchBinary(const WatchBinary&) = delete;
    WatchBinary& operator=(const WatchBinary&) = delete;

    [[nodiscard]] std::string out() const;
    // Carriage returns a terminal adds before each newline removed.
    [[nodiscard]] std::string err() const;
    void signal(int signal_number) const;
    // The exit code, or -1 if it is still running after `timeout`.
    int wait_exit(std::chrono::milliseconds timeout);

private:
    void read_until_closed(int out_fd, int err_fd);

    pid_t m_child = -1;
    int m_exit_code = -1;
    mutable std::mutex m_mutex;
    std::string m_out;
    std::string m_err;
    std::thread m_reader;
};

// `text` split at newlines (a last line without one included).
std::vector<std::string> lines_of(const std::string& text);

}  // namespace mailtwin::test
