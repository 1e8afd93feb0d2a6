#include "mailtwin/watch/watch_inotify.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <set>

#include "mailtwin/util/error.hpp"
#include "mailtwin/util/log.hpp"

namespace mailtwin::engine {
namespace {

// Files appearing (delivery, a move in), disappearing (deletion, a move out) and renamed in place
// (flag changes): each is IN_CREATE/IN_MOVED_TO or IN_DELETE/IN_MOVED_FROM. IN_ATTRIB and IN_MODIFY
// are left out: Maildir files are never rewritten, only renamed.
constexpr std::uint32_t k_events = IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ONLYDIR;

}  // namespace

MaildirWatcher::MaildirWatcher(net::asio::any_io_executor executor) : m_stream(std::move(executor)) {}

MaildirWatcher::~MaildirWatcher() { close(); }

util::Expected<void> MaildirWatcher::open() {
    if (m_fd >= 0) return {};
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) return util::unexpected(util::system_error(errno, "inotify_init1"));
    m_fd = fd;
    boost::system::error_code ec;
    m_stream.assign(fd, ec);
    if (ec) {
        ::close(fd);
        m_fd = -1;
        return util::unexpected(util::system_error(ec.value(), "inotify descriptor"));
    }
    return {};
}

void MaildirWatcher::close() {
    if (m_fd < 0) return;
    boost::system::error_code ec;
    m_stream.close(ec);  // closes m_fd too, and cancels a pending wait
    m_fd = -1;
    m_by_wd.clear();
    m_by_path.clear();
}

void MaildirWatcher::remove_watch(int wd) {
    (void)::inotify_rm_watch(m_fd, wd);
    m_by_wd.erase(wd);
}

void MaildirWatcher::arm(const std::map<std::string, std::filesystem::path>& folders) {
    if (m_fd < 0) return;
    std::map<std::filesystem::path, std::string> wanted;
    for (const auto& [name, dir] : folders)
        for (const char* sub : {"new", "cur"}) wanted[dir / sub] = name;
    for (auto it = m_by_path.begin(); it != m_by_path.end();) {
        if (wanted.count(it->first) == 0) {
            remove_watch(it->second);
            it = m_by_path.erase(it);
        } else {
            ++it;
        }
    }
    for (const auto& [path, name] : wanted) {
        if (auto it = m_by_path.find(path); it != m_by_path.end()) {
            m_by_wd[it->second] = name;
            continue;
        }
        const int wd = ::inotify_add_watch(m_fd, path.c_str(), k_events);
        if (wd < 0) {
            // ENOENT: a folder the next sync creates; ENOSPC: fs.inotify.max_user_watches reached.
            if (errno != ENOENT)
                util::log_warning("cannot watch " + path.string() + ": " + std::strerror(errno) +
                                  "; its changes wait for the periodic pass");
            continue;
        }
        m_by_wd[wd] = name;
        m_by_path[path] = wd;
    }
}

void MaildirWatcher::drain(const OnChange& on_change) {
    if (m_fd < 0) return;
    alignas(inotify_event) std::array<char, 16 * 1024> buffer{};
    for (;;) {
        const ssize_t n = ::read(m_fd, buffer.data(), buffer.size());
        if (n <= 0) return;  // EAGAIN: the queue is empty
        std::set<std::string> changed;
        for (ssize_t pos = 0; pos + static_cast<ssize_t>(sizeof(inotify_event)) <= n;) {
            inotify_event event{};
            std::memcpy(&event, buffer.data() + pos, sizeof event);
            pos += static_cast<ssize_t>(sizeof(inotify_event) + event.len);
            if (event.mask & IN_Q_OVERFLOW) {
                // Events were lost: every watched folder may have changed.
                for (const auto& [wd, name] : m_by_wd) changed.insert(name);
                continue;
            }
            auto it = m_by_wd.find(event.wd);
            if (it == m_by_wd.end()) continue;
            changed.insert(it->second);
            if (event.mask & IN_IGNORED) {
                // The directory is gone (folder deleted or renamed): the sync decides what that means.
                for (auto p = m_by_path.begin(); p != m_by_path.end(); ++p)
                    if (p->second == event.wd) {
                        m_by_path.erase(p);
                        break;
                    }
                m_by_wd.erase(it);
            }
        }
        for (const auto& name : changed) on_change(name);
    }
}

net::asio::awaitable<void> MaildirWatcher::run(OnChange on_change) {
    while (m_fd >= 0) {
        boost::system::error_code ec;
        co_await m_stream.async_wait(net::asio::posix::stream_descriptor::wait_read,
                                     net::asio::redirect_error(net::asio::use_awaitable, ec));
        if (ec || m_fd < 0) co_return;  // closed
        drain(on_change);
    }
}

}  // namespace mailtwin::engine
