#include "mailtwin/maildir/message_info.hpp"

#include "mailtwin/util/ascii.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "sys.hpp"

namespace mailtwin::maildir {
namespace {

using util::iequals;

constexpr std::size_t k_read_chunk = 16 * 1024;

std::string_view trim(std::string_view s) {
    const auto ws = " \t\r\n";
    const auto b = s.find_first_not_of(ws);
    if (b == std::string_view::npos) return {};
    return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

// As find_header_end(), looking only at line ends at or after `from`.
std::size_t find_header_end_from(std::string_view bytes, std::size_t from) noexcept {
    if (from == 0 && bytes.starts_with("\n")) return 1;
    if (from == 0 && bytes.starts_with("\r\n")) return 2;
    for (auto pos = bytes.find('\n', from); pos != std::string_view::npos; pos = bytes.find('\n', pos + 1)) {
        if (pos + 1 < bytes.size() && bytes[pos + 1] == '\n') return pos + 2;
        if (pos + 2 < bytes.size() && bytes[pos + 1] == '\r' && bytes[pos + 2] == '\n') return pos + 3;
    }
    return std::string_view::npos;
}

}  // namespace

std::size_t find_header_end(std::string_view bytes) noexcept { return find_header_end_from(bytes, 0); }

std::optional<std::string> header_value(std::string_view header_block, std::string_view name) {
    std::optional<std::string> value;
    while (!header_block.empty()) {
        const auto eol = header_block.find('\n');
        auto line = header_block.substr(0, eol);
        header_block = eol == std::string_view::npos ? std::string_view{} : header_block.substr(eol + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) break;  // end of the header block
        if (line.front() == ' ' || line.front() == '\t') {
            if (value) *value += line;  // unfolding removes only the line break
            continue;
        }
        if (value) break;  // the wanted field ended
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        // Obsolete syntax (RFC 5322 §4.5) allows white space before the colon.
        if (iequals(trim(line.substr(0, colon)), name)) value = std::string(line.substr(colon + 1));
    }
    if (value) value = std::string(trim(*value));
    return value;
}

std::optional<std::string> parse_message_id(std::string_view header_block) {
    auto value = header_value(header_block, "Message-ID");
    if (!value) return std::nullopt;
    const auto open = value->find('<');
    const auto close = open == std::string::npos ? std::string::npos : value->find('>', open);
    if (close != std::string::npos) return value->substr(open, close - open + 1);
    if (value->empty()) return std::nullopt;
    return value;
}

util::Expected<std::optional<std::string>> MessageInfo::message_id() {
    if (m_message_id) return *m_message_id;
    sys::Fd fd(::open(m_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid())
        return util::unexpected(
            sys::errno_error(errno, "cannot open", m_path, "it may have been moved; rescan the folder"));
    std::string header;
    for (;;) {
        const auto old_size = header.size();
        header.resize(old_size + k_read_chunk);
        const auto n = ::read(fd.get(), header.data() + old_size, k_read_chunk);
        if (n < 0) {
            header.resize(old_size);
            if (errno == EINTR) continue;
            return util::unexpected(sys::errno_error(errno, "cannot read", m_path, "check the disk"));
        }
        header.resize(old_size + static_cast<std::size_t>(n));
        m_bytes_read += static_cast<std::uint64_t>(n);
        // Search again from just before the new bytes: the empty line may straddle two reads.
        const auto from = old_size >= 2 ? old_size - 2 : 0;
        if (const auto end = find_header_end_from(header, from); end != std::string_view::npos) {
            header.resize(end);
            break;
        }
        if (n == 0 || header.size() >= k_max_header_bytes) break;
    }
    m_message_id = parse_message_id(header);
    return *m_message_id;
}

util::Expected<void> MessageInfo::read_body() {
    sys::Fd fd(::open(m_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid())
        return util::unexpected(
            sys::errno_error(errno, "cannot open", m_path, "it may have been moved; rescan the folder"));
    Sha256 hash;
    std::uint64_t size = 0;
    bool last_was_cr = false;
    std::string buf(64 * 1024, '\0');
    for (;;) {
        const auto n = ::read(fd.get(), buf.data(), buf.size());
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            return util::unexpected(sys::errno_error(errno, "cannot read", m_path, "check the disk"));
        }
        const std::string_view chunk(buf.data(), static_cast<std::size_t>(n));
        m_bytes_read += chunk.size();
        hash.update(chunk);
        size += chunk.size();
        for (char c : chunk) {
            if (c == '\n' && !last_was_cr) ++size;
            last_was_cr = c == '\r';
        }
    }
    auto digest = hash.finish();
    if (!digest) return util::unexpected(std::move(digest).error());
    m_hash = *digest;
    m_rfc822_size = size;
    return {};
}

util::Expected<Sha256Digest> MessageInfo::content_hash() {
    if (!m_hash)
        if (auto r = read_body(); !r) return util::unexpected(std::move(r).error());
    return *m_hash;
}

util::Expected<std::uint64_t> MessageInfo::rfc822_size() {
    if (!m_hash)
        if (auto r = read_body(); !r) return util::unexpected(std::move(r).error());
    return m_rfc822_size;
}

}  // namespace mailtwin::maildir
