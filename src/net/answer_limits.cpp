#include "mailtwin/net/answer_limits.hpp"

#include "mailtwin/net/session_error.hpp"

namespace mailtwin::net {

util::Error limit_error(const std::string& peer, std::string_view what, std::uint64_t limit, std::string_view name) {
    return util::Error{SessionError::limit_exceeded,
                       peer + " sent more than " + std::to_string(limit) + " " + std::string(what) + " (limit " +
                           std::string(name) +
                           "); mailtwin dropped the connection: the server is broken or "
                           "hostile, or this account is far larger than mailtwin supports"};
}

}  // namespace mailtwin::net
