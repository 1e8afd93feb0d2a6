#include "mailtwin/util/error.hpp"

#include <cerrno>

namespace mailtwin::util {

std::string Error::describe() const {
    if (!code) return message;
    if (message.empty()) return code.message();
    return message + " (" + code.category().name() + ": " + code.message() + ")";
}

Error system_error(int errno_value, std::string what) {
    return Error{std::error_code(errno_value, std::generic_category()), std::move(what)};
}

}  // namespace mailtwin::util
