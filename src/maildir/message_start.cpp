#include "mailtwin/maildir/message_start.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "mailtwin/maildir/message_info.hpp"
#include "sys.hpp"

namespace mailtwin::maildir {

std::string_view MessageStart::header() const noexcept {
    const std::string_view all(bytes);
    return header_end == std::string_view::npos ? all : all.substr(0, header_end);
}

std::string_view MessageStart::body() const noexcept {
    return header_end == std::string_view::npos ? std::string_view{} : std::string_view(bytes).substr(header_end);
}

util::Expected<MessageStart> read_message_start(const std::filesystem::path& file, std::size_t body_bytes) {
    sys::Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid())
        return util::unexpected(
            sys::errno_error(errno, "cannot open", file, "it may have been moved; rescan the folder"));
    constexpr std::size_t k_chunk = 16 * 1024;
    MessageStart out{{}, std::string::npos};
    for (;;) {
        const auto old_size = out.bytes.size();
        out.bytes.resize(old_size + k_chunk);
        const auto n = ::read(fd.get(), out.bytes.data() + old_size, k_chunk);
        if (n < 0) {
            out.bytes.resize(old_size);
            if (errno == EINTR) continue;
            return util::unexpected(sys::errno_error(errno, "cannot read", file, "check the disk"));
        }
        out.bytes.resize(old_size + static_cast<std::size_t>(n));
        // From the start each time: the empty line may straddle two reads, and headers are short.
        if (out.header_end == std::string::npos) out.header_end = find_header_end(out.bytes);
        if (n == 0) break;
        if (out.header_end != std::string::npos && out.bytes.size() >= out.header_end + body_bytes) break;
        if (out.header_end == std::string::npos && out.bytes.size() >= k_max_header_bytes) break;
    }
    if (out.header_end != std::string::npos && out.bytes.size() > out.header_end + body_bytes)
        out.bytes.resize(out.header_end + body_bytes);
    return out;
}

}  // namespace mailtwin::maildir
