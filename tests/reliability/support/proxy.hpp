#pragma once
// A TCP proxy on 127.0.0.1 between mailtwin and the fixture Dovecot (plain IMAP, so the proxy can see
// where commands and literals are) that injects network faults: it cuts a connection at a chosen byte
// offset — counted from the start, or from a trigger string such as "BODY[] {" (mid-literal of a
// download), "APPEND " (mid-upload) or "IDLE" — and it delays and throttles traffic. One thread per
// direction-pair; the destructor stops and joins everything, so no proxy outlives its test.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace mailtwin::test {

enum class Flow { to_client, to_server };

struct FaultPlan {
    // Connection the cut applies to, in accept order (0 = the first); -1 = every connection.
    int connection = 0;
    // Cut after this many bytes of `flow` (counted after `trigger` was seen in `trigger_flow`, or from
    // the start without a trigger). nullopt: never cut.
    std::optional<std::uint64_t> cut_after;
    Flow flow = Flow::to_client;
    std::string trigger;
    Flow trigger_flow = Flow::to_client;
    // How many connections may be cut in all (1: later connections, e.g. a reconnection, pass).
    int max_cuts = 1;
    // Latency added before each forwarded chunk, and a bandwidth cap (bytes per second, 0 = none),
    // on every connection.
    std::chrono::milliseconds delay{0};
    std::size_t bytes_per_second = 0;
};

class FaultProxy {
public:
    FaultProxy(unsigned short upstream_port, FaultPlan plan);
    ~FaultProxy();
    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;

    [[nodiscard]] unsigned short port() const noexcept { return m_port; }
    [[nodiscard]] int cuts() const noexcept { return m_cuts.load(); }
    [[nodiscard]] int connections() const noexcept { return m_connections.load(); }
    [[nodiscard]] std::uint64_t bytes(Flow f) const noexcept { return m_bytes[f == Flow::to_client ? 0 : 1].load(); }
    // Everything the client sent, all connections (to check what a server would have received).
    [[nodiscard]] std::string client_bytes() const;

private:
    void accept_loop();
    void relay(int client, int server, int index);

    unsigned short m_upstream;
    FaultPlan m_plan;
    int m_listener = -1;
    unsigned short m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_cuts{0};
    std::atomic<int> m_connections{0};
    std::atomic<std::uint64_t> m_bytes[2]{};
    mutable std::mutex m_mutex;
    std::string m_client_bytes;
    std::vector<std::thread> m_threads;  // relays; guarded by m_mutex
    std::thread m_acceptor;
};

// A listening socket on 127.0.0.1 with a free port; returns the fd and sets `port`.
int listen_loopback(unsigned short& port);
// A connection to 127.0.0.1:`port` (TCP_NODELAY), or -1 when nothing accepts there.
int connect_loopback(unsigned short port);

}  // namespace mailtwin::test
