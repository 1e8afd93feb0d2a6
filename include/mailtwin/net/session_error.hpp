#pragma once
// Errors of an IMAP session above the transport: what the server answered, and protocol breaches.
// Each says which command it concerns and quotes what the server said.
#include <string>
#include <system_error>
#include <type_traits>

namespace mailtwin::net {

enum class SessionError {
    auth_failed = 1,       // the server rejected the credentials (exit code 3)
    login_disabled,        // LOGINDISABLED / no usable mechanism on this connection
    starttls_unavailable,  // tls = "starttls" but the server does not offer STARTTLS: refused, never downgraded
    server_bye,            // the server said BYE (greeting or later)
    command_failed,        // NO: the server refused a command
    command_rejected,      // BAD: the server did not understand a command (a bug or a server quirk)
    protocol_violation,    // a response that cannot be: unknown tag, unexpected continuation, ...
    compression_failed,    // COMPRESS=DEFLATE stream error
    capability_missing,    // an operation needs an extension the server lacks and has no fallback
    limit_exceeded,        // an answer passed one of net::AnswerLimits: the connection was dropped
    invalid_uid,           // a UID of 0 or beyond 2^32-1, or UIDVALIDITY 0: the folder cannot be synced
};

const std::error_category& session_error_category() noexcept;

inline std::error_code make_error_code(SessionError e) noexcept {
    return {static_cast<int>(e), session_error_category()};
}

}  // namespace mailtwin::net

template <>
struct std::is_error_code_enum<mailtwin::net::SessionError> : std::true_type {};
