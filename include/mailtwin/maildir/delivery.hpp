#pragma once
// Delivery of one message into a Maildir folder, streamed: the IMAP parser hands the body over in
// pieces, so the whole message is never required in memory.
//
// Commit order (design habit 8), each step before the next:
//   1. write every chunk to tmp/<unique>            (buffered, 64 KiB)
//   2. set atime and mtime to the INTERNALDATE        (futimens, so it is part of what step 3 syncs)
//   3. fsync the file, close it                       (data durable before the name appears)
//   4. rename tmp/<unique> -> new/<key> or cur/<key>:2,<letters>   (never replaces a file)
//   5. fsync the target directory                     (the new name is durable)
// On any failure the tmp file is removed and nothing is left in new/ or cur/ (if step 5 fails the
// renamed file is unlinked again). A writer destroyed without commit() removes its tmp file: a
// destructor never commits. A process killed mid-way leaves only a tmp/ file, which
// clean_tmp() (tmp_cleanup.hpp) removes.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "mailtwin/maildir/filename.hpp"
#include "mailtwin/maildir/location.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::maildir {

struct CommitOptions {
    // The message's INTERNALDATE; becomes the file's mtime (mail readers sort by it). Unset: now.
    std::optional<std::chrono::system_clock::time_point> internal_date{};
    MaildirFlags flags{};
    // Unset: new/ when there are no flags, cur/ otherwise. new/ with flags is refused, because
    // files in new/ carry no info and the flags would be lost.
    std::optional<Location> location{};
    // Appends ",S=<size>" to the key (as Dovecot does) so that scans need no stat() per file.
    bool size_in_key = true;
};

struct Delivered {
    std::string key;
    std::string file_name;
    Location location = Location::new_dir;
    std::filesystem::path path;
    std::uint64_t size = 0;
};

class StagedMessage;

class MessageWriter {
public:
    // Called with the tmp path after the file is fsynced and closed, just before the rename. Tests
    // use it to kill the process at the worst moment.
    using BeforeRenameHook = std::function<void(const std::filesystem::path& tmp_file)>;

    // Creates tmp/<unique name> in the folder (which must have tmp/, new/ and cur/).
    static util::Expected<MessageWriter> open(const std::filesystem::path& folder_dir);

    MessageWriter(MessageWriter&& other) noexcept;
    MessageWriter& operator=(MessageWriter&& other) noexcept;
    MessageWriter(const MessageWriter&) = delete;
    MessageWriter& operator=(const MessageWriter&) = delete;
    ~MessageWriter();  // aborts unless committed

    // Appends bytes. On failure the tmp file is already removed and the writer is finished.
    util::Expected<void> write(std::string_view chunk);
    // Steps 2–5 above. Whatever the outcome, the writer is finished afterwards.
    util::Expected<Delivered> commit(const CommitOptions& options);
    // Removes the tmp file; no effect once finished.
    void abort() noexcept;
    // Step 2 only: the file is complete in tmp/ (dated, closed) but neither synced nor visible.
    // commit_staged() makes a whole batch durable and visible at once (staged_delivery.hpp).
    util::Expected<StagedMessage> stage(const CommitOptions& options);

    void set_before_rename_hook(BeforeRenameHook hook) { m_before_rename = std::move(hook); }
    [[nodiscard]] const std::filesystem::path& tmp_path() const noexcept { return m_tmp_path; }
    [[nodiscard]] std::uint64_t bytes_written() const noexcept { return m_size; }
    [[nodiscard]] bool finished() const noexcept { return m_fd < 0; }

private:
    MessageWriter(std::filesystem::path folder, std::filesystem::path tmp_path, std::string unique, int fd);
    util::Expected<void> flush();
    util::Expected<void> write_all(const char* data, std::size_t size);
    util::Error fail(util::Error e) noexcept;  // aborts, then returns e
    // Flush and date the file (steps 1 and 2), and work out where it goes.
    util::Expected<Delivered> prepare(const CommitOptions& options);

    std::filesystem::path m_folder;
    std::filesystem::path m_tmp_path;
    std::string m_unique;
    int m_fd = -1;
    std::string m_buffer;
    std::uint64_t m_size = 0;
    BeforeRenameHook m_before_rename;
};

// The whole message at once: open, write, commit.
util::Expected<Delivered> deliver(const std::filesystem::path& folder_dir, std::string_view message,
                                  const CommitOptions& options);

}  // namespace mailtwin::maildir
