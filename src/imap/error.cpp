#include "mailtwin/imap/error.hpp"

#include <string>

namespace mailtwin::imap {
namespace {

class Category final : public std::error_category {
public:
    const char* name() const noexcept override { return "imap"; }
    std::string message(int value) const override {
        switch (static_cast<Errc>(value)) {
            case Errc::line_too_long:
                return "line too long";
            case Errc::literal_too_large:
                return "literal too large";
            case Errc::streamed_literal_too_large:
                return "streamed literal too large";
            case Errc::nesting_too_deep:
                return "list nesting too deep";
            case Errc::response_too_large:
                return "response too large";
            case Errc::syntax:
                return "syntax error";
            case Errc::bad_literal:
                return "malformed literal";
            case Errc::bad_number:
                return "malformed number";
            case Errc::unbalanced_parens:
                return "unbalanced parentheses";
            case Errc::bad_quoted:
                return "malformed quoted string";
            case Errc::bad_char:
                return "forbidden character";
        }
        return "unknown imap error " + std::to_string(value);
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

}  // namespace mailtwin::imap
