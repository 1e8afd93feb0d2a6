#pragma once
// The imap module's error codes: one enum, one std::error_category ("imap"), compared by value
// (Beast's http/error.hpp habit). Parser errors are fatal for the connection: the byte stream can no
// longer be trusted, so the caller drops it. New values are appended; existing values never change.
#include <system_error>

namespace mailtwin::imap {

enum class Errc {
    // Parser: a named limit from ParserLimits was exceeded.
    line_too_long = 1,           // ParserLimits::max_line_bytes
    literal_too_large,           // ParserLimits::max_literal_bytes (literal kept in memory)
    streamed_literal_too_large,  // ParserLimits::max_streamed_literal_bytes (literal sent to a sink)
    nesting_too_deep,            // ParserLimits::max_depth
    response_too_large,          // ParserLimits::max_response_bytes
    // Parser: the bytes are not a valid response.
    syntax,             // unexpected byte where the grammar allows something else
    bad_literal,        // malformed "{n}" / "~{n}" announcement, or one not at the end of a line
    bad_number,         // a number that is malformed or overflows its type
    unbalanced_parens,  // ")" without "(", or a line ending inside a list
    bad_quoted,         // unterminated quoted string, or a backslash not before DQUOTE or backslash
    bad_char,           // NUL or a bare CR outside a literal
};

const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(Errc e) noexcept { return {static_cast<int>(e), error_category()}; }

}  // namespace mailtwin::imap

template <>
struct std::is_error_code_enum<mailtwin::imap::Errc> : std::true_type {};
