#include "mailtwin/store/folder_tree.hpp"

#include "mailtwin/maildir/folder.hpp"
#include "mailtwin/maildir/folder_dirs.hpp"

namespace mailtwin::store {

asio::awaitable<util::Expected<void>> ImapFolderTree::create(const std::string& name) {
    co_return co_await m_session->create_folder(name);
}

asio::awaitable<util::Expected<void>> ImapFolderTree::rename(const std::string& from, const std::string& to) {
    co_return co_await m_session->rename_folder(from, to);
}

asio::awaitable<util::Expected<void>> ImapFolderTree::remove(const std::string& name) {
    co_return co_await m_session->delete_folder(name);
}

asio::awaitable<util::Expected<void>> MaildirFolderTree::create(const std::string& name) {
    auto dir = m_dir_of(name);
    if (!dir) co_return util::unexpected(std::move(dir).error());
    co_return maildir::create_folder(*dir);
}

asio::awaitable<util::Expected<void>> MaildirFolderTree::rename(const std::string& from, const std::string& to) {
    auto from_dir = m_dir_of(from);
    if (!from_dir) co_return util::unexpected(std::move(from_dir).error());
    auto to_dir = m_dir_of(to);
    if (!to_dir) co_return util::unexpected(std::move(to_dir).error());
    co_return maildir::rename_folder_dir(*from_dir, *to_dir);
}

asio::awaitable<util::Expected<void>> MaildirFolderTree::remove(const std::string& name) {
    auto dir = m_dir_of(name);
    if (!dir) co_return util::unexpected(std::move(dir).error());
    co_return maildir::remove_folder_dir(*dir);
}

}  // namespace mailtwin::store
