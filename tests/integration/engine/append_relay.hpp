#pragma once
// A relay on 127.0.0.1 between mailtwin (tls = "none") and a test server's plain port that can make
// an APPEND finish late: it forwards everything, but holds the last byte of the first APPEND's
// message (the server has all of it but that byte; Courier stores a message as soon as its literal
// is complete, so the line end alone would not do), and everything the client sends after it,
// until release(). The client may die meanwhile (SIGKILL): the
// server side stays open, so release() completes the dead session's APPEND when the test chooses —
// after the next run's listing, during its upload, after it. release() returns once the server has
// answered that APPEND (its tagged reply), so what comes next sees the late copy.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mailtwin::test {

class AppendRelay {
public:
    explicit AppendRelay(unsigned short upstream_port);
    ~AppendRelay();
    AppendRelay(const AppendRelay&) = delete;
    AppendRelay& operator=(const AppendRelay&) = delete;

    [[nodiscard]] unsigned short port() const noexcept { return m_port; }
    // Waits until an APPEND is held; false after `seconds` without one.
    bool wait_held(int seconds);
    // Sends what was held to the server and waits (up to `seconds`) for its answer to the APPEND;
    // false when none came. Relaying goes on normally afterwards while the client is there.
    bool release(int seconds = 20);
    // The server's answer to the held APPEND ("A7 OK [APPENDUID ...] ..."), once released.
    [[nodiscard]] std::string answer() const;

private:
    void accept_loop();
    // The client stream of one connection, read just enough to find where a command ends.
    struct ClientStream {
        std::string line;                     // the current line, without literals
        std::string command_start;            // the first line of the current command
        unsigned long long literal_left = 0;  // bytes of a literal still to pass
        bool holding = false;                 // this connection's client bytes are held
    };
    void relay(int client, int server);
    // Client bytes: forwarded, or held from the line end of the first APPEND on.
    void from_client(ClientStream& stream, int server, const char* data, std::size_t n);
    // Server bytes of the held connection: watched for the APPEND's tagged answer.
    void watch_answer(const char* data, std::size_t n);

    unsigned short m_upstream;
    int m_listener = -1;
    unsigned short m_port = 0;
    std::atomic<bool> m_stop{false};
    std::vector<std::thread> m_threads;
    std::thread m_acceptor;

    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    enum class Hold { armed, holding, released, answered } m_hold = Hold::armed;
    int m_holding_server = -1;  // the server side of the connection whose APPEND is held
    std::string m_held;         // client bytes not sent yet
    std::string m_tag;          // the held APPEND's tag
    std::string m_answer;
    std::string m_server_line;  // server bytes since the last line end (held connection only)
};

}  // namespace mailtwin::test
