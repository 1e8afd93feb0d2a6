#include "mailtwin/net/session_error.hpp"

namespace mailtwin::net {
namespace {

class SessionErrorCategory final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "imap-session"; }
    [[nodiscard]] std::string message(int ev) const override {
        switch (static_cast<SessionError>(ev)) {
            case SessionError::auth_failed:
                return "authentication failed";
            case SessionError::login_disabled:
                return "login not allowed on this connection";
            case SessionError::starttls_unavailable:
                return "server does not offer STARTTLS";
            case SessionError::server_bye:
                return "server closed the session";
            case SessionError::command_failed:
                return "server refused the command";
            case SessionError::command_rejected:
                return "server rejected the command as invalid";
            case SessionError::protocol_violation:
                return "IMAP protocol violation";
            case SessionError::compression_failed:
                return "compression failed";
            case SessionError::capability_missing:
                return "server lacks a needed extension";
            case SessionError::limit_exceeded:
                return "server answer too large";
            case SessionError::invalid_uid:
                return "server sent an invalid UID";
        }
        return "unknown session error";
    }
};

}  // namespace

const std::error_category& session_error_category() noexcept {
    static const SessionErrorCategory category;
    return category;
}

}  // namespace mailtwin::net
