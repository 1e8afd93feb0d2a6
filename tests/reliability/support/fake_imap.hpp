#pragma once
// A scripted fake IMAP server on 127.0.0.1 (plain TCP) for hostile-server and bad-input tests. It
// speaks just enough IMAP4rev1 for a mailtwin sync (CAPABILITY, LOGIN/AUTHENTICATE PLAIN, LIST,
// STATUS, SELECT, UID SEARCH/FETCH/STORE/EXPUNGE, APPEND, ENABLE, NOOP, LOGOUT; optionally CONDSTORE
// and QRESYNC) over a small in-memory mailbox, and lets each test replace any answer with malformed,
// truncated, oversized or contradictory bytes. Every byte the client sent is recorded, so a test can
// prove what the client never said (a password over a stripped STARTTLS). One thread per connection;
// the destructor closes and joins everything.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace mailtwin::test {

struct FakeMessage {
    std::uint32_t uid = 0;
    std::string flags;  // "\\Seen \\Flagged"
    std::string text;   // CRLF line ends
    std::uint64_t modseq = 1;
};

struct FakeFolder {
    std::uint32_t uidvalidity = 1000;
    std::uint32_t uidnext = 1;
    std::uint64_t highestmodseq = 1;
    std::vector<FakeMessage> messages;
    void add(const std::string& id, const std::string& body, const std::string& flags = "");
};

struct FakeCommand {
    std::string tag;
    std::string name;                   // upper case, "UID FETCH" for UID commands
    std::string args;                   // the rest of the line
    std::string line;                   // the whole line without CRLF, literals left out
    std::vector<std::string> literals;  // literal payloads, in order (APPEND's message)
};

class FakeImapServer;

// One client connection, handed to the hooks.
class FakeConnection {
public:
    FakeConnection(int fd, FakeImapServer& server, int index) : m_fd(fd), m_server(server), m_index(index) {}
    // False once the client is gone or the server stops.
    bool send(std::string_view bytes);
    // The next command line (literals of APPEND read and acknowledged); nullopt when the client left.
    std::optional<FakeCommand> read_command();
    std::optional<std::string> read_line();
    [[nodiscard]] int index() const noexcept { return m_index; }
    // Keeps the connection open (reading and discarding) until the client closes or `limit` passes:
    // a hostile answer is followed by silence, and the client must not wait for ever.
    void linger(std::chrono::milliseconds limit);
    // Hangs up now (mid-response if the hook sent half of one): the client sees end of stream.
    void hang_up();
    bool selected_qresync = false;
    std::string selected;

private:
    bool fill();
    int m_fd;
    FakeImapServer& m_server;
    int m_index;
    std::string m_in;
};

class FakeImapServer {
public:
    // A hook sees each command first; returning true means it answered (or ended the connection).
    using Hook = std::function<bool(FakeConnection&, const FakeCommand&)>;

    FakeImapServer();
    ~FakeImapServer();
    FakeImapServer(const FakeImapServer&) = delete;
    FakeImapServer& operator=(const FakeImapServer&) = delete;

    [[nodiscard]] unsigned short port() const noexcept { return m_port; }
    [[nodiscard]] std::string received() const;
    [[nodiscard]] int connections() const noexcept { return m_connections.load(); }

    // Set before the client connects.
    std::string greeting = "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN UIDPLUS] fake ready\r\n";
    std::string capabilities = "IMAP4rev1 AUTH=PLAIN UIDPLUS";
    char delimiter = '/';
    // What SELECT announces as PERMANENTFLAGS (nullopt: none sent). A flag it does not list (a
    // keyword without "\\*") is dropped from every STORE and APPEND, as a server without room for it does.
    std::optional<std::string> permanent_flags = "\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*";
    // false: APPEND stores the message without the flags it carried (GNU Mailutils).
    bool append_keeps_flags = true;
    std::map<std::string, FakeFolder> folders;  // guarded by mutex() while clients run
    Hook hook;
    std::function<void(FakeConnection&)> on_connect;  // replaces the greeting when set

    std::mutex& mutex() { return m_mutex; }
    void record(std::string_view bytes);
    [[nodiscard]] bool stopping() const noexcept { return m_stop.load(); }

    // The standard answer to a command (used after the hook declined).
    void answer(FakeConnection& c, const FakeCommand& cmd);

private:
    void accept_loop();
    void serve(int fd, int index);

    int m_listener = -1;
    unsigned short m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_connections{0};
    mutable std::mutex m_mutex;
    mutable std::mutex m_received_mutex;
    std::string m_received;
    std::vector<std::thread> m_threads;
    std::vector<int> m_fds;
    std::thread m_acceptor;
};

// "1:3,5,7:*" over the folder's UIDs.
std::vector<std::uint32_t> parse_uid_set(const std::string& set, const FakeFolder& folder);
// An IMAP literal: "{n}\r\n" + bytes.
std::string literal(const std::string& bytes);

}  // namespace mailtwin::test
