#pragma once
// An APPEND literal read from a file while it is sent, so uploading a 20 MB Maildir message never
// holds it in memory. The size is fixed when opened: a file that changes size while being sent
// fails the read (the literal header already announced the size; the connection is then dropped).
#include <filesystem>
#include <memory>

#include "mailtwin/imap/encoder.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::store {

class FilePayload final : public imap::Payload {
public:
    static util::Expected<std::shared_ptr<const FilePayload>> open(const std::filesystem::path& path);
    ~FilePayload() override;

    [[nodiscard]] std::uint64_t size() const noexcept override { return m_size; }
    [[nodiscard]] util::Expected<std::size_t> read(std::uint64_t offset, std::span<char> out) const override;

private:
    FilePayload(int fd, std::uint64_t size, std::filesystem::path path)
        : m_fd(fd), m_size(size), m_path(std::move(path)) {}
    int m_fd;
    std::uint64_t m_size;
    std::filesystem::path m_path;
};

}  // namespace mailtwin::store
