#include "mailtwin/results/internal_error.hpp"

#include <string>
#include <utility>

#include "mailtwin/results/engine_error.hpp"

namespace mailtwin::engine {
namespace {

// What the exception says about itself; only a std::exception says anything.
std::string what_of(const std::exception_ptr& failure) {
    try {
        std::rethrow_exception(failure);
    } catch (const std::exception& ex) {
        return ex.what();
    } catch (...) {
        return "an exception that is no std::exception";
    }
}

}  // namespace

std::optional<util::Error> internal_error(const std::exception_ptr& failure, std::string_view doing) {
    if (!failure) return std::nullopt;
    std::string message = "internal error while ";
    message.append(doing);
    message.append(": ");
    message.append(what_of(failure));
    message.append(" (a bug in mailtwin: please report it)");
    return util::Error{EngineError::unexpected, std::move(message)};
}

}  // namespace mailtwin::engine
