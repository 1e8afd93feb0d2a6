#pragma once
// Errors of the maildir module: one enum, one category, compared by value (design habit 9).
// Operating-system failures keep their errno in util::system_error; these codes name the cases the
// sync engine must tell apart.
#include <string>
#include <system_error>
#include <type_traits>

#include "mailtwin/util/error.hpp"

namespace mailtwin::maildir {

enum class Errc {
    invalid_file_name = 1,   // not a Maildir message file name (empty key, '/', NUL, hidden file)
    unsafe_folder_name,      // would escape the root or cannot be a directory name (traversal, NUL …)
    unmappable_folder_name,  // a local directory name that has no remote spelling (holds the delimiter)
    not_a_maildir,           // a folder directory without cur/ and new/
    message_not_found,       // no file with that key in new/ or cur/
    cross_device,            // move between folders on different file systems
    name_collision,          // the target file name already exists
    hash_failure,            // OpenSSL EVP failed
    already_finished,        // a MessageWriter used after commit() or abort()
};

const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(Errc e) noexcept { return {static_cast<int>(e), error_category()}; }

// An Error with a code of this module and a message naming the path and what to do.
inline util::Error make_error(Errc e, std::string message) {
    return util::Error{make_error_code(e), std::move(message)};
}

}  // namespace mailtwin::maildir

template <>
struct std::is_error_code_enum<mailtwin::maildir::Errc> : std::true_type {};
