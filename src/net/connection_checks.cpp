// Connection: the checks every answer passes (answer_limits.hpp, uid_check.hpp), and what the
// connection waits for (for -v and for timeout messages). The I/O loop is in connection.cpp.
#include "mailtwin/net/answer_limits.hpp"
#include "mailtwin/net/connection.hpp"
#include "mailtwin/net/session_error.hpp"
#include "mailtwin/net/uid_check.hpp"

namespace mailtwin::net {

bool Connection::within_limit(std::uint64_t count, std::uint64_t limit, std::string_view what, std::string_view name) {
    if (count <= limit) return true;
    if (!m_answer_error) m_answer_error = limit_error(peer(), what, limit, name);
    return false;
}

bool Connection::count_untagged(std::size_t& responses, std::uint64_t& bytes) {
    const auto& limits = m_settings.answer_limits;
    bytes += m_parser.last_response_bytes();
    return within_limit(++responses, limits.max_untagged, "untagged responses to one command", "max_untagged") &&
           within_limit(bytes, limits.max_untagged_bytes, "bytes of untagged responses to one command",
                        "max_untagged_bytes");
}

std::optional<util::Error> Connection::untagged_problem(const imap::Response& response, const std::string& command,
                                                        std::size_t& responses, std::uint64_t& bytes) {
    if (!count_untagged(responses, bytes)) return m_answer_error;
    if (auto bad = invalid_uid_in(response))
        return util::Error{SessionError::invalid_uid,
                           "the server sent an invalid UID: " + peer() + " answered " + command + " with \"" + *bad +
                               "\" (UIDs run from 1 to 4294967295 and UIDVALIDITY is never 0); the folder was not "
                               "synced"};
    return std::nullopt;
}

void Connection::accept_capabilities(std::vector<std::string> atoms) {
    if (!within_limit(atoms.size(), m_settings.answer_limits.max_capabilities, "capabilities", "max_capabilities"))
        return;
    m_caps = imap::Capabilities(atoms);
}

void Connection::reject_answer(util::Error error) {
    if (!m_answer_error) m_answer_error = std::move(error);
}

void Connection::wait_for(Wait wait) { m_wait = std::move(wait); }

}  // namespace mailtwin::net
