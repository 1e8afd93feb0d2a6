// MaildirStore's moves between Maildir folders (store.hpp: move, message_ids, find_arrived).
#include "mailtwin/maildir/folder.hpp"
#include "mailtwin/maildir/message_info.hpp"
#include "mailtwin/maildir/pending_dir_syncs.hpp"
#include "mailtwin/store/maildir_store.hpp"

namespace mailtwin::store {
namespace {

util::Error not_a_maildir_folder() {
    return util::Error{std::make_error_code(std::errc::invalid_argument),
                       "a Maildir folder's messages can only move to another Maildir folder"};
}

}  // namespace

asio::awaitable<util::Expected<MovedIds>> MaildirStore::move(const std::vector<MoveGroup>& groups) {
    MovedIds out(groups.size());
    // A rename per file, keeping its name; one fsync per directory for them all, done before this
    // returns, also after an error (what was renamed must not come back after a crash).
    maildir::PendingDirSyncs renamed;
    util::Expected<void> result;
    for (std::size_t g = 0; g < groups.size() && result; ++g) {
        out[g].resize(groups[g].ids.size());
        auto* target = dynamic_cast<MaildirStore*>(groups[g].target);
        if (target == nullptr || target == this) {
            result = util::unexpected(not_a_maildir_folder());
            break;
        }
        for (std::size_t i = 0; i < groups[g].ids.size(); ++i) {
            const std::string& key = groups[g].ids[i].key;
            auto moved = maildir::move_message(m_dir, target->m_dir, key, hint(key), &renamed);
            if (!moved) {
                result = util::unexpected(std::move(moved).error());
                break;
            }
            m_file_names.erase(key);
            m_copy_sizes.erase(key);
            target->m_file_names[key] = moved->file_name;
            out[g][i] = MessageId{0, key};
        }
    }
    if (auto synced = renamed.sync(); !synced && result) result = std::move(synced);
    if (!result) co_return util::unexpected(std::move(result).error());
    co_return out;
}

asio::awaitable<util::Expected<std::vector<std::optional<std::string>>>> MaildirStore::message_ids(
    const std::vector<MessageId>& ids) {
    std::vector<std::optional<std::string>> out(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        auto where = locate(ids[i].key);
        if (!where) continue;  // gone since the scan
        auto id = maildir::MessageInfo(where->path).message_id();
        if (id && *id && !(*id)->empty()) out[i] = std::move(**id);  // an unreadable file: none known
    }
    co_return out;
}

// A move between Maildir folders always knows the file's key.
asio::awaitable<util::Expected<std::vector<std::optional<MessageId>>>> MaildirStore::find_arrived(
    const std::vector<std::string>& message_ids) {
    co_return std::vector<std::optional<MessageId>>(message_ids.size());
}

}  // namespace mailtwin::store
