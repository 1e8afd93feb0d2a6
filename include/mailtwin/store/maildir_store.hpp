#pragma once
// The local side of one folder: a Maildir directory (store.hpp says what each operation promises).
//
// Its view costs two stat() calls when new/ and cur/ are as the checkpoint's stamp remembers them,
// otherwise one listing. File names are its private cache: the key names a message, the scan's
// file name is a hint that spares each rename or deletion a search of the directory. Keywords map
// to the letters a..z through the folder's dovecot-keywords file (maildir/keyword_map.hpp).
// Writes are staged in tmp/ and made durable and visible in batches (maildir/staged_delivery.hpp):
// a kill leaves complete messages or none, so a write needs no committed intent.
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mailtwin/maildir/folder.hpp"
#include "mailtwin/maildir/keyword_map.hpp"
#include "mailtwin/maildir/local_view.hpp"
#include "mailtwin/maildir/scan.hpp"
#include "mailtwin/maildir/stamp.hpp"
#include "mailtwin/store/store.hpp"

namespace mailtwin::store {

class MaildirStore final : public FolderStore {
public:
    // Loads the folder's keyword file; the directory itself is read by view().
    static util::Expected<std::unique_ptr<MaildirStore>> open(std::filesystem::path folder_dir, bool root_present);

    [[nodiscard]] util::Side side() const noexcept override { return util::Side::local; }
    [[nodiscard]] Traits traits() const noexcept override { return Traits{}; }
    asio::awaitable<util::Expected<void>> view(FolderViews& views, const ViewRequest& request) override;
    asio::awaitable<util::Expected<std::vector<std::optional<model::Identity>>>> identify(
        const std::vector<MessageId>& ids) override;
    asio::awaitable<util::Expected<std::vector<Described>>> describe(const std::vector<MessageId>& ids) override;
    [[nodiscard]] Checkpoint checkpoint() const override;
    void retain(const std::vector<MessageId>& named, const model::FolderState& rows) override;
    asio::awaitable<util::Expected<std::size_t>> set_flags(const std::vector<FlagChange>& changes) override;
    asio::awaitable<util::Expected<void>> remove(const std::vector<Removal>& removals) override;
    asio::awaitable<util::Expected<ReadReport>> read(const std::vector<MessageId>& ids, MessageSink& sink) override;
    std::unique_ptr<Writer> writer(std::vector<Outgoing> messages, Writer::WrittenFn on_written,
                                   Writer::ProgressFn on_progress) override;
    asio::awaitable<util::Expected<MovedIds>> move(const std::vector<MoveGroup>& groups) override;
    asio::awaitable<util::Expected<std::vector<std::optional<std::string>>>> message_ids(
        const std::vector<MessageId>& ids) override;
    asio::awaitable<util::Expected<std::vector<std::optional<MessageId>>>> find_arrived(
        const std::vector<std::string>& message_ids) override;

    // The file name the scan saw for `key` ("" when unknown): a hint, the file may have moved since.
    [[nodiscard]] std::string hint(const std::string& key) const;
    // What the last view could not carry (LocalScan::not_carried).
    [[nodiscard]] const std::vector<std::string>& not_carried() const noexcept { return m_not_carried; }

private:
    MaildirStore(std::filesystem::path dir, maildir::KeywordMap keywords, bool root_present)
        : m_dir(std::move(dir)), m_keywords(std::move(keywords)), m_root_present(root_present) {}
    // Where `key` is now, or why it cannot be read ("" and the path when it can).
    util::Expected<maildir::MessageRef> locate(const std::string& key) const;

    std::filesystem::path m_dir;
    maildir::KeywordMap m_keywords;
    bool m_root_present = true;
    bool m_unchanged = false;  // the last view was `unchanged` (no listing)
    std::map<std::string, std::string> m_file_names;
    maildir::FolderStamp m_stamp;
    std::vector<std::string> m_not_carried;
    // CRLF sizes describe() read (the whole file: every bare LF counts twice), so that read() of the
    // same copy does not read each file again for it.
    std::map<std::string, std::uint64_t> m_copy_sizes;
};

}  // namespace mailtwin::store
