#pragma once
// One watch-mode setup on the shared fixture Dovecot: a unique server folder prefix (the config's
// `folders` glob selects only it), a Maildir and state dir in a temp dir, and run_watch() running in
// a forked child process (forked before this process starts any thread), its log in a file.
// Helpers change either side as another client or a mail reader would, and wait for the other side.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "fixtures/dovecot_server.hpp"
#include "fixtures/temp_dir.hpp"
#include "mailtwin/net/asio.hpp"
#include "mailtwin/net/session.hpp"
#include "mailtwin/watch/watch.hpp"

namespace mailtwin::test {

class WatchHarness {
public:
    explicit WatchHarness(const std::string& name);
    ~WatchHarness();  // kills a child still running

    [[nodiscard]] std::string folder(const std::string& leaf) const { return m_prefix + "/" + leaf; }
    [[nodiscard]] std::filesystem::path local_dir(const std::string& leaf) const { return m_maildir / m_prefix / leaf; }
    [[nodiscard]] const std::filesystem::path& config_path() const { return m_config; }

    // Forks; the child loads the config file and returns run_watch(config, {account}, options).
    void start(const engine::WatchOptions& options);
    void signal(int signal_number) const;
    // The child's exit code, or -1 if it is still running after `timeout` (it is then killed).
    int wait_exit(std::chrono::milliseconds timeout);
    [[nodiscard]] bool running();
    // Everything the child logged so far.
    [[nodiscard]] std::string log() const;
    // Polls `condition` every 50 ms; false if it is still false after `timeout`.
    static bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

    // Server side, over IMAP. reconnect(): a new session for this side (after the server dropped it).
    void reconnect() { connect(); }
    void server_create(const std::string& leaf);
    void server_append(const std::string& leaf, const std::string& id);
    [[nodiscard]] bool server_has(const std::string& leaf, const std::string& id);
    // Local side: a message file delivered into new/ (tmp/ then rename, as an MDA does).
    void local_deliver(const std::string& leaf, const std::string& id) const;
    [[nodiscard]] bool local_has(const std::string& leaf, const std::string& id) const;

private:
    void connect();

    std::string m_prefix;
    TempDir m_dir;
    std::filesystem::path m_maildir;
    std::filesystem::path m_config;
    std::filesystem::path m_log;
    pid_t m_child = -1;
    int m_exit_code = -1;  // once reaped
    boost::asio::io_context m_io;
    std::unique_ptr<net::Connection> m_conn;
    std::unique_ptr<net::Session> m_session;
};

}  // namespace mailtwin::test
