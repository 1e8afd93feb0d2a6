#pragma once
// An exception that escaped a coroutine, as the error the engine reports. Asio hands a coroutine's
// exception to its completion handler as a std::exception_ptr; every handler turns it into this one
// error instead of letting it unwind out of io_context::run().
#include <exception>
#include <optional>
#include <string_view>

#include "mailtwin/util/error.hpp"

namespace mailtwin::engine {

// Nothing for a null `failure` (the coroutine finished). Otherwise EngineError::unexpected with a
// message that names what was being done (`doing`, e.g. "listing the server's folders"), what the
// exception said (its what(), or that it was no std::exception), and that this is a bug to report.
[[nodiscard]] std::optional<util::Error> internal_error(const std::exception_ptr& failure, std::string_view doing);

}  // namespace mailtwin::engine
