#pragma once
// One error value for recoverable failures: a code (compared by value, with a category per module)
// plus a human-readable message that says what happened and, where possible, what to do.
#include <string>
#include <system_error>
#include <utility>

namespace mailtwin::util {

struct Error {
    std::error_code code;
    std::string message;

    Error() = default;
    Error(std::error_code c, std::string msg) : code(c), message(std::move(msg)) {}

    // "message (category: code text)" — the form printed to users.
    [[nodiscard]] std::string describe() const;
};

// Errors from the operating system, with errno preserved in the code.
[[nodiscard]] Error system_error(int errno_value, std::string what);

}  // namespace mailtwin::util
