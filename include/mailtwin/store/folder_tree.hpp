#pragma once
// The folders of one side of an account, as a whole: what the folder plan's actions
// (sync/folder_plan.hpp) do to a side, without the engine knowing what is behind it.
//   ImapFolderTree     CREATE, RENAME and DELETE on the server (a RENAME renames the inferiors too)
//   MaildirFolderTree  directories under the Maildir root, named through the account's layout
// Folders are named by the server's names on both sides (folders/folder_naming.hpp maps them).
// As for FolderStore: results are util::Expected; an error means the operation may not have been
// done, and the next run sees what was. create() is idempotent; rename() and remove() are not
// (what was renamed or removed is gone).
#include <filesystem>
#include <functional>
#include <string>

#include "mailtwin/net/asio.hpp"
#include "mailtwin/net/session.hpp"
#include "mailtwin/util/expected.hpp"
#include "mailtwin/util/side.hpp"

namespace mailtwin::store {

namespace asio = boost::asio;

class FolderTree {
public:
    virtual ~FolderTree() = default;
    [[nodiscard]] virtual util::Side side() const noexcept = 0;
    // Creates the folder (and the parents it needs); nothing to do when it exists.
    virtual asio::awaitable<util::Expected<void>> create(const std::string& name) = 0;
    // Renames the folder; its messages keep their ids (UIDs where the server keeps UIDVALIDITY,
    // files their names). Fails when `to` exists: a rename never merges two folders.
    virtual asio::awaitable<util::Expected<void>> rename(const std::string& from, const std::string& to) = 0;
    // Removes the folder and the messages in it. Its children are not removed.
    virtual asio::awaitable<util::Expected<void>> remove(const std::string& name) = 0;
};

class ImapFolderTree final : public FolderTree {
public:
    explicit ImapFolderTree(net::Session& session) : m_session(&session) {}
    [[nodiscard]] util::Side side() const noexcept override { return util::Side::remote; }
    asio::awaitable<util::Expected<void>> create(const std::string& name) override;
    asio::awaitable<util::Expected<void>> rename(const std::string& from, const std::string& to) override;
    asio::awaitable<util::Expected<void>> remove(const std::string& name) override;

private:
    net::Session* m_session;
};

class MaildirFolderTree final : public FolderTree {
public:
    // The directory of a folder by its server name (the account's layout), or why it has none.
    using DirOf = std::function<util::Expected<std::filesystem::path>(const std::string&)>;
    explicit MaildirFolderTree(DirOf dir_of) : m_dir_of(std::move(dir_of)) {}
    [[nodiscard]] util::Side side() const noexcept override { return util::Side::local; }
    asio::awaitable<util::Expected<void>> create(const std::string& name) override;
    asio::awaitable<util::Expected<void>> rename(const std::string& from, const std::string& to) override;
    asio::awaitable<util::Expected<void>> remove(const std::string& name) override;

private:
    DirOf m_dir_of;
};

}  // namespace mailtwin::store
