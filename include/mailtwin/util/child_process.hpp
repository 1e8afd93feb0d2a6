#pragma once
// Runs a program as a child process: standard input /dev/null, its output and its error output
// collected (each up to a limit), killed when it outlives a timeout. The engine's one fork/exec/poll
// loop, for password_cmd (through /bin/sh) and the notmuch command line (notmuch_cli.hpp).
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "mailtwin/util/expected.hpp"

namespace mailtwin::util {

struct ChildResult {
    int exit_code = -1;  // its exit status; 128 + the signal number when a signal ended it
    bool timed_out = false;
    std::string out;  // standard output, cut at max_output bytes
    std::string err;  // error output, cut at max_output bytes
    [[nodiscard]] bool succeeded() const noexcept { return !timed_out && exit_code == 0; }
};

// argv[0] is looked up in PATH. Fails when no child could be started, or when argv[0] could not be
// executed (the error keeps exec's errno: ENOENT for a program that is not installed).
util::Expected<ChildResult> run_child(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                                      std::size_t max_output = std::size_t{1} << 20);

}  // namespace mailtwin::util
