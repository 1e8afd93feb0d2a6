#include "support/proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace mailtwin::test {

int listen_loopback(unsigned short& port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 16) != 0) {
        ::close(fd);
        throw std::runtime_error(std::string("bind/listen: ") + std::strerror(errno));
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    return fd;
}

int connect_loopback(unsigned short port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        if (fd >= 0) ::close(fd);
        return -1;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

namespace {

bool send_all(int fd, const char* data, std::size_t n) {
    while (n > 0) {
        ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL);
        if (w <= 0) return false;
        data += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

}  // namespace

FaultProxy::FaultProxy(unsigned short upstream_port, FaultPlan plan)
    : m_upstream(upstream_port), m_plan(std::move(plan)) {
    m_listener = listen_loopback(m_port);
    m_acceptor = std::thread([this] { accept_loop(); });
}

FaultProxy::~FaultProxy() {
    m_stop = true;
    m_acceptor.join();
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(m_mutex);
        threads.swap(m_threads);
    }
    for (auto& t : threads) t.join();
    ::close(m_listener);
}

std::string FaultProxy::client_bytes() const {
    std::lock_guard lock(m_mutex);
    return m_client_bytes;
}

void FaultProxy::accept_loop() {
    while (!m_stop) {
        pollfd p{m_listener, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        int client = ::accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) continue;
        const int index = m_connections++;
        int server = connect_loopback(m_upstream);
        if (server < 0) {
            ::close(client);
            continue;
        }
        std::lock_guard lock(m_mutex);
        m_threads.emplace_back([this, client, server, index] { relay(client, server, index); });
    }
}

void FaultProxy::relay(int client, int server, int index) {
    bool faulty = m_plan.cut_after && (m_plan.connection < 0 || m_plan.connection == index);
    bool armed = faulty && m_plan.trigger.empty();
    std::uint64_t counted = 0;  // bytes of m_plan.flow since armed
    std::string window[2];      // tail of each flow, to find a trigger split across reads
    std::array<char, 16384> buf;
    const auto start = std::chrono::steady_clock::now();
    std::uint64_t sent_total = 0;  // for the throttle
    bool open = true;
    while (open && !m_stop) {
        pollfd p[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
        if (::poll(p, 2, 50) <= 0) continue;
        for (int i = 0; i < 2 && open; ++i) {
            if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const Flow flow = i == 0 ? Flow::to_server : Flow::to_client;
            const int from = i == 0 ? client : server;
            const int to = i == 0 ? server : client;
            // Small reads while throttled, so the cap is smooth.
            std::size_t want = m_plan.bytes_per_second ? std::min<std::size_t>(buf.size(), 1024) : buf.size();
            ssize_t n = ::recv(from, buf.data(), want, 0);
            if (n <= 0) {
                open = false;
                break;
            }
            std::size_t len = static_cast<std::size_t>(n);
            if (flow == Flow::to_server) {
                std::lock_guard lock(m_mutex);
                m_client_bytes.append(buf.data(), len);
            }
            std::size_t forward = len;
            bool cut_now = false;
            if (faulty && !armed && flow == m_plan.trigger_flow) {
                std::string& w = window[i];
                const std::size_t before = w.size();
                w.append(buf.data(), len);
                if (auto pos = w.find(m_plan.trigger); pos != std::string::npos) {
                    armed = true;
                    // Bytes of this chunk after the trigger count towards the cut when flows match.
                    const std::size_t end = pos + m_plan.trigger.size();
                    const std::size_t after = end > before ? len - (end - before) : len;
                    if (flow == m_plan.flow) {
                        if (after >= *m_plan.cut_after) {
                            forward = len - after + static_cast<std::size_t>(*m_plan.cut_after);
                            cut_now = true;
                        } else {
                            counted = after;
                        }
                    }
                } else if (w.size() > m_plan.trigger.size()) {
                    w.erase(0, w.size() - m_plan.trigger.size());
                }
            } else if (armed && flow == m_plan.flow && faulty) {
                if (counted + len >= *m_plan.cut_after) {
                    forward = static_cast<std::size_t>(*m_plan.cut_after - counted);
                    cut_now = true;
                } else {
                    counted += len;
                }
            }
            if (cut_now && m_cuts.fetch_add(1) >= m_plan.max_cuts) {
                // Other connections used up the cuts: this one passes, now and later.
                --m_cuts;
                cut_now = false;
                forward = len;
                faulty = false;
            }
            if (m_plan.delay.count() > 0) std::this_thread::sleep_for(m_plan.delay);
            if (m_plan.bytes_per_second) {
                sent_total += forward;
                const auto due = start + std::chrono::microseconds(sent_total * 1000000 / m_plan.bytes_per_second);
                std::this_thread::sleep_until(due);
            }
            if (forward > 0 && !send_all(to, buf.data(), forward)) open = false;
            m_bytes[flow == Flow::to_client ? 0 : 1] += forward;
            if (cut_now) open = false;
        }
    }
    ::close(client);
    ::close(server);
}

}  // namespace mailtwin::test
