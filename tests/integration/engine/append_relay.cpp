#include "append_relay.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>
#include <stdexcept>

namespace mailtwin::test {
namespace {

sockaddr_in loopback(unsigned short port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

void send_all(int fd, const char* data, std::size_t n) {
    while (n > 0) {
        const ssize_t sent = ::send(fd, data, n, MSG_NOSIGNAL);
        if (sent <= 0) return;  // the peer is gone: what it would have read does not matter
        data += sent;
        n -= static_cast<std::size_t>(sent);
    }
}

// "{123}\r\n" or "{123+}\r\n" at the end of a line: the size of the literal that follows.
std::optional<unsigned long long> literal_announced(const std::string& line) {
    if (line.size() < 5 || line.compare(line.size() - 3, 3, "}\r\n") != 0) return std::nullopt;
    const std::size_t open = line.rfind('{');
    if (open == std::string::npos) return std::nullopt;
    std::string digits = line.substr(open + 1, line.size() - 3 - open - 1);
    if (!digits.empty() && digits.back() == '+') digits.pop_back();
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); }))
        return std::nullopt;
    return std::stoull(digits);
}

bool is_append(const std::string& first_line) {
    const std::size_t space = first_line.find(' ');
    if (space == std::string::npos) return false;
    std::string verb = first_line.substr(space + 1, 7);
    for (char& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return verb == "APPEND ";
}

}  // namespace

AppendRelay::AppendRelay(unsigned short upstream_port) : m_upstream(upstream_port) {
    m_listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a = loopback(0);
    socklen_t len = sizeof a;
    if (m_listener < 0 || ::bind(m_listener, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(m_listener, 8) != 0 || ::getsockname(m_listener, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        throw std::runtime_error("append relay: cannot listen on 127.0.0.1");
    m_port = ntohs(a.sin_port);
    m_acceptor = std::thread([this] { accept_loop(); });
}

AppendRelay::~AppendRelay() {
    m_stop = true;
    m_acceptor.join();
    for (auto& t : m_threads) t.join();
    ::close(m_listener);
}

void AppendRelay::accept_loop() {
    while (!m_stop) {
        pollfd p{m_listener, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        const int client = ::accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) continue;
        const int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a = loopback(m_upstream);
        if (server < 0 || ::connect(server, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            ::close(client);
            if (server >= 0) ::close(server);
            continue;
        }
        const int one = 1;
        ::setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        m_threads.emplace_back([this, client, server] { relay(client, server); });
    }
}

void AppendRelay::relay(int client, int server) {
    ClientStream stream;
    bool client_open = true;
    char buf[65536];
    while (!m_stop) {
        pollfd fds[2] = {{client_open ? client : -1, POLLIN, 0}, {server, POLLIN, 0}};
        if (::poll(fds, 2, 100) < 0) break;
        if (fds[0].revents != 0) {
            const ssize_t n = ::recv(client, buf, sizeof buf, 0);
            if (n > 0) {
                from_client(stream, server, buf, static_cast<std::size_t>(n));
            } else {
                client_open = false;  // killed: a held APPEND keeps the server side open
                if (!stream.holding) break;
            }
        }
        if (fds[1].revents != 0) {
            const ssize_t n = ::recv(server, buf, sizeof buf, 0);
            if (n <= 0) break;
            if (client_open) send_all(client, buf, static_cast<std::size_t>(n));
            if (stream.holding) watch_answer(buf, static_cast<std::size_t>(n));
        }
        if (!client_open) {
            std::lock_guard lock(m_mutex);
            if (m_hold == Hold::answered) break;  // the dead session's APPEND is done
        }
    }
    ::close(client);
    ::close(server);
}

void AppendRelay::from_client(ClientStream& stream, int server, const char* data, std::size_t n) {
    std::lock_guard lock(m_mutex);
    if (stream.holding && m_hold == Hold::holding) {
        m_held.append(data, n);
        return;
    }
    std::size_t hold_from = n;
    const auto hold_here = [&](std::size_t i) {
        hold_from = i;
        stream.holding = true;
        m_hold = Hold::holding;
        m_holding_server = server;
        m_tag = stream.command_start.substr(0, stream.command_start.find(' '));
        m_changed.notify_all();
    };
    for (std::size_t i = 0; i < n && m_hold == Hold::armed; ++i) {
        if (stream.literal_left > 0) {
            // The last byte of an APPEND's message: held, so the server cannot store it yet (Courier
            // stores a message as soon as its literal is complete, before the command's line end).
            if (stream.literal_left == 1 && is_append(stream.command_start)) {
                hold_here(i);
                break;
            }
            --stream.literal_left;
            continue;
        }
        stream.line += data[i];
        if (data[i] != '\n') continue;
        if (stream.command_start.empty()) stream.command_start = stream.line;
        if (auto size = literal_announced(stream.line)) {
            stream.literal_left = *size;  // the command goes on after the literal
            stream.line.clear();
            continue;
        }
        if (is_append(stream.command_start)) {  // an APPEND without literal: hold its line end
            hold_here(i);
            break;
        }
        stream.command_start.clear();
        stream.line.clear();
    }
    send_all(server, data, hold_from);
    if (hold_from < n) m_held.append(data + hold_from, n - hold_from);
}

void AppendRelay::watch_answer(const char* data, std::size_t n) {
    std::lock_guard lock(m_mutex);
    for (std::size_t i = 0; i < n; ++i) {
        m_server_line += data[i];
        if (data[i] != '\n') continue;
        if (m_hold == Hold::released && m_server_line.rfind(m_tag + " ", 0) == 0) {
            m_answer = m_server_line;
            m_hold = Hold::answered;
            m_changed.notify_all();
        }
        m_server_line.clear();
    }
}

bool AppendRelay::wait_held(int seconds) {
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(lock, std::chrono::seconds(seconds), [this] { return m_hold != Hold::armed; });
}

bool AppendRelay::release(int seconds) {
    std::unique_lock lock(m_mutex);
    if (m_hold != Hold::holding) return false;
    send_all(m_holding_server, m_held.data(), m_held.size());
    m_held.clear();
    m_hold = Hold::released;
    return m_changed.wait_for(lock, std::chrono::seconds(seconds), [this] { return m_hold == Hold::answered; });
}

std::string AppendRelay::answer() const {
    std::lock_guard lock(m_mutex);
    return m_answer;
}

}  // namespace mailtwin::test
