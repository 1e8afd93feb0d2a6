#pragma once
// An APPEND literal from a Maildir file whose lines end in a bare LF (the Maildir norm), sent with
// CRLF line ends as IMAP requires (RFC 3501 §4.3 / RFC 5322). Dovecot accepts bare LF; Cyrus
// refuses the whole message ("NO Message contains bare newlines"), so every upload is normalised.
// The size is the converted size (what RFC822.SIZE will say); the file is read as it is sent.
#include <filesystem>
#include <memory>

#include "mailtwin/imap/encoder.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::store {

class CrlfFilePayload final : public imap::Payload {
public:
    // `crlf_size`: the file's size with each bare LF counted twice (maildir::MessageInfo::rfc822_size).
    static util::Expected<imap::PayloadPtr> open(const std::filesystem::path& path, std::uint64_t crlf_size);
    ~CrlfFilePayload() override;

    [[nodiscard]] std::uint64_t size() const noexcept override { return m_size; }
    [[nodiscard]] util::Expected<std::size_t> read(std::uint64_t offset, std::span<char> out) const override;

private:
    CrlfFilePayload(int fd, std::uint64_t size, std::filesystem::path path)
        : m_fd(fd), m_size(size), m_path(std::move(path)) {}
    util::Expected<void> rewind() const;

    int m_fd;
    std::uint64_t m_size;
    std::filesystem::path m_path;
    // The conversion is sequential: where the last read() stopped, in the file and in the output.
    mutable std::uint64_t m_file_pos = 0;
    mutable std::uint64_t m_out_pos = 0;
    mutable bool m_last_was_cr = false;
    mutable bool m_owe_lf = false;  // a CR was emitted for a bare LF that did not fit in `out`
};

// The payload to upload `path`: the file itself when it has no bare LF (sizes equal), else converted.
util::Expected<imap::PayloadPtr> open_upload_payload(const std::filesystem::path& path, std::uint64_t crlf_size);

}  // namespace mailtwin::store
