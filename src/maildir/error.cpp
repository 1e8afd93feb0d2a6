#include "mailtwin/maildir/error.hpp"

namespace mailtwin::maildir {
namespace {

class Category final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "maildir"; }

    [[nodiscard]] std::string message(int value) const override {
        switch (static_cast<Errc>(value)) {
            case Errc::invalid_file_name:
                return "not a Maildir message file name";
            case Errc::unsafe_folder_name:
                return "unsafe folder name";
            case Errc::unmappable_folder_name:
                return "folder name cannot be mapped";
            case Errc::not_a_maildir:
                return "not a Maildir folder";
            case Errc::message_not_found:
                return "message not found";
            case Errc::cross_device:
                return "folders are on different file systems";
            case Errc::name_collision:
                return "file name already exists";
            case Errc::hash_failure:
                return "content hash failed";
            case Errc::already_finished:
                return "writer already committed or aborted";
        }
        return "unknown maildir error";
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

}  // namespace mailtwin::maildir
