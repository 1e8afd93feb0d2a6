#include "mailtwin/maildir/delivery.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "mailtwin/maildir/error.hpp"
#include "mailtwin/maildir/staged_delivery.hpp"
#include "mailtwin/maildir/unique_name.hpp"
#include "sys.hpp"

namespace mailtwin::maildir {
namespace {

constexpr std::size_t k_buffer_size = 64 * 1024;
constexpr int k_open_attempts = 4;  // a name collision means a clock jump; a new name fixes it

timespec to_timespec(std::chrono::system_clock::time_point t) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
    ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    if (ts.tv_nsec < 0) {  // dates before 1970 round towards the past
        ts.tv_nsec += 1'000'000'000;
        ts.tv_sec -= 1;
    }
    return ts;
}

}  // namespace

MessageWriter::MessageWriter(std::filesystem::path folder, std::filesystem::path tmp_path, std::string unique, int fd)
    : m_folder(std::move(folder)), m_tmp_path(std::move(tmp_path)), m_unique(std::move(unique)), m_fd(fd) {
    m_buffer.reserve(k_buffer_size);
}

MessageWriter::MessageWriter(MessageWriter&& other) noexcept
    : m_folder(std::move(other.m_folder)),
      m_tmp_path(std::move(other.m_tmp_path)),
      m_unique(std::move(other.m_unique)),
      m_fd(std::exchange(other.m_fd, -1)),
      m_buffer(std::move(other.m_buffer)),
      m_size(other.m_size),
      m_before_rename(std::move(other.m_before_rename)) {}

MessageWriter& MessageWriter::operator=(MessageWriter&& other) noexcept {
    if (this != &other) {
        abort();
        m_folder = std::move(other.m_folder);
        m_tmp_path = std::move(other.m_tmp_path);
        m_unique = std::move(other.m_unique);
        m_fd = std::exchange(other.m_fd, -1);
        m_buffer = std::move(other.m_buffer);
        m_size = other.m_size;
        m_before_rename = std::move(other.m_before_rename);
    }
    return *this;
}

MessageWriter::~MessageWriter() { abort(); }

util::Expected<MessageWriter> MessageWriter::open(const std::filesystem::path& folder_dir) {
    const auto tmp_dir = folder_dir / k_tmp_subdir;
    for (int attempt = 0;; ++attempt) {
        auto unique = make_unique_name();
        auto path = tmp_dir / unique;
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) return MessageWriter(folder_dir, std::move(path), std::move(unique), fd);
        const int err = errno;
        if (err == EEXIST && attempt + 1 < k_open_attempts) continue;
        return util::unexpected(sys::errno_error(err, "cannot create a delivery file in", tmp_dir,
                                                 "check that the folder exists with tmp/, new/ and cur/ and is "
                                                 "writable"));
    }
}

void MessageWriter::abort() noexcept {
    if (m_fd < 0) return;
    ::close(std::exchange(m_fd, -1));
    ::unlink(m_tmp_path.c_str());
    m_buffer.clear();
}

util::Error MessageWriter::fail(util::Error e) noexcept {
    abort();
    return e;
}

util::Expected<void> MessageWriter::write_all(const char* data, std::size_t size) {
    while (size > 0) {
        const auto n = ::write(m_fd, data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            return util::unexpected(fail(sys::errno_error(errno, "cannot write", m_tmp_path,
                                                          "check free space and quota; the message was not stored")));
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return {};
}

util::Expected<void> MessageWriter::flush() {
    if (m_buffer.empty()) return {};
    auto r = write_all(m_buffer.data(), m_buffer.size());
    m_buffer.clear();
    return r;
}

util::Expected<void> MessageWriter::write(std::string_view chunk) {
    if (finished())
        return util::unexpected(make_error(
            Errc::already_finished, "write to '" + m_tmp_path.string() + "' after commit or abort; open a new writer"));
    m_size += chunk.size();
    if (m_buffer.size() + chunk.size() <= k_buffer_size) {
        m_buffer.append(chunk);
        return {};
    }
    if (auto r = flush(); !r) return r;
    if (chunk.size() >= k_buffer_size) return write_all(chunk.data(), chunk.size());
    m_buffer.append(chunk);
    return {};
}

util::Expected<Delivered> MessageWriter::prepare(const CommitOptions& options) {
    if (finished())
        return util::unexpected(make_error(Errc::already_finished, "commit of '" + m_tmp_path.string() +
                                                                       "' after commit or abort; open a new writer"));
    const Location location = options.location.value_or(options.flags.empty() ? Location::new_dir : Location::cur_dir);
    if (location == Location::new_dir && !options.flags.empty())
        return util::unexpected(
            fail(make_error(Errc::invalid_file_name, "flags '" + options.flags.letters() + "' for a message in '" +
                                                         (m_folder / "new").string() +
                                                         "': files in new/ carry no flags; deliver to cur/ instead")));
    if (auto r = flush(); !r) return util::unexpected(std::move(r).error());
    // Step 2: the times are metadata of the file, synced with it in step 3.
    const auto date = options.internal_date.value_or(std::chrono::system_clock::now());
    const timespec times[2] = {to_timespec(date), to_timespec(date)};
    if (::futimens(m_fd, times) != 0)
        return util::unexpected(
            fail(sys::errno_error(errno, "cannot set the date of", m_tmp_path, "check permissions")));
    Delivered out;
    out.size = m_size;
    out.location = location;
    out.key = m_unique;
    if (options.size_in_key) out.key += ",S=" + std::to_string(m_size);
    out.file_name = location == Location::new_dir ? out.key : render_file_name(out.key, options.flags);
    out.path = m_folder / subdir_name(location) / out.file_name;
    return out;
}

util::Expected<Delivered> MessageWriter::commit(const CommitOptions& options) {
    auto prepared = prepare(options);
    if (!prepared) return prepared;
    Delivered out = std::move(*prepared);
    // Step 3.
    if (::fsync(m_fd) != 0)
        return util::unexpected(
            fail(sys::errno_error(errno, "cannot fsync", m_tmp_path, "check the disk; the message was not stored")));
    if (::close(std::exchange(m_fd, -1)) != 0) {
        const int e = errno;
        ::unlink(m_tmp_path.c_str());
        return util::unexpected(sys::errno_error(e, "cannot close", m_tmp_path, "the message was not stored"));
    }
    if (m_before_rename) m_before_rename(m_tmp_path);
    // Step 4.
    if (const int err = sys::rename_noreplace(m_tmp_path, out.path); err != 0) {
        ::unlink(m_tmp_path.c_str());
        if (err == EEXIST)
            return util::unexpected(make_error(Errc::name_collision, "'" + out.path.string() +
                                                                         "' already exists; the delivery was "
                                                                         "dropped, retry it"));
        return util::unexpected(
            sys::errno_error(err, "cannot move the delivery into", out.path, "check that new/ and cur/ are writable"));
    }
    // Step 5. Without it the rename may not survive a crash; take the message back out rather than
    // report success that is not durable.
    if (auto r = sys::fsync_dir(out.path.parent_path()); !r) {
        ::unlink(out.path.c_str());
        return util::unexpected(std::move(r).error());
    }
    return out;
}

util::Expected<StagedMessage> MessageWriter::stage(const CommitOptions& options) {
    auto prepared = prepare(options);
    if (!prepared) return util::unexpected(std::move(prepared).error());
    if (::close(std::exchange(m_fd, -1)) != 0) {
        const int e = errno;
        ::unlink(m_tmp_path.c_str());
        return util::unexpected(sys::errno_error(e, "cannot close", m_tmp_path, "the message was not stored"));
    }
    return StagedMessage(m_tmp_path, std::move(*prepared));
}

util::Expected<Delivered> deliver(const std::filesystem::path& folder_dir, std::string_view message,
                                  const CommitOptions& options) {
    auto writer = MessageWriter::open(folder_dir);
    if (!writer) return util::unexpected(std::move(writer).error());
    if (auto r = writer->write(message); !r) return util::unexpected(std::move(r).error());
    return writer->commit(options);
}

}  // namespace mailtwin::maildir
