#include "mailtwin/results/engine_error.hpp"

#include <string>

namespace mailtwin::engine {
namespace {

class EngineErrorCategory final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "engine"; }
    [[nodiscard]] std::string message(int ev) const override {
        switch (static_cast<EngineError>(ev)) {
            case EngineError::password_command_failed:
                return "password command failed";
            case EngineError::maildir_root_missing:
                return "Maildir root missing";
            case EngineError::folder_unmappable:
                return "folder name has no safe local path";
            case EngineError::maildir_unusable:
                return "maildir setting unusable";
            case EngineError::folder_not_found:
                return "no such folder";
            case EngineError::unexpected:
                return "unexpected failure";
            case EngineError::messages_not_carried:
                return "messages not synced";
            case EngineError::folder_name_collision:
                return "folder names collide locally";
            case EngineError::notmuch_failed:
                return "notmuch tags not synced";
            case EngineError::folder_rename_conflict:
                return "folder renamed onto an existing folder";
            case EngineError::folder_deletion_refused:
                return "folder deletions refused by the safety rail";
        }
        return "unknown engine error";
    }
};

}  // namespace

const std::error_category& engine_error_category() noexcept {
    static const EngineErrorCategory category;
    return category;
}

}  // namespace mailtwin::engine
