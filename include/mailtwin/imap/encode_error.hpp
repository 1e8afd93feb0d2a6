#pragma once
// Errors of the command-building half of the imap module (seqset, utf7, encoder). The parser half
// has its own enum in imap/error.hpp; both are compared by value (design habit 9).
#include <string>
#include <system_error>
#include <type_traits>

namespace mailtwin::imap {

enum class EncodeError {
    invalid_mutf7 = 1,  // a mailbox name from the server is not valid modified UTF-7
    invalid_utf8,       // a name or string to send is not well-formed UTF-8
    nul_in_string,      // IMAP strings cannot carry NUL (RFC 3501 CHAR8 is %x01-ff)
    invalid_flag,       // a flag or keyword that is not an atom
    empty_set,          // a command needs at least one UID
    invalid_argument,   // any other value the command grammar cannot express
};

namespace detail {
class EncodeErrorCategory final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "imap-encode"; }
    [[nodiscard]] std::string message(int ev) const override {
        switch (static_cast<EncodeError>(ev)) {
            case EncodeError::invalid_mutf7:
                return "invalid modified UTF-7 mailbox name";
            case EncodeError::invalid_utf8:
                return "invalid UTF-8";
            case EncodeError::nul_in_string:
                return "NUL byte in an IMAP string";
            case EncodeError::invalid_flag:
                return "invalid flag or keyword";
            case EncodeError::empty_set:
                return "empty UID set";
            case EncodeError::invalid_argument:
                return "invalid command argument";
        }
        return "unknown imap encode error";
    }
};
}  // namespace detail

inline const std::error_category& encode_error_category() noexcept {
    static const detail::EncodeErrorCategory category;
    return category;
}

inline std::error_code make_error_code(EncodeError e) noexcept {
    return {static_cast<int>(e), encode_error_category()};
}

}  // namespace mailtwin::imap

template <>
struct std::is_error_code_enum<mailtwin::imap::EncodeError> : std::true_type {};
