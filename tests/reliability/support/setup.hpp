#pragma once
// One isolated sync setup for reliability tests, on the shared fixture Dovecot: its own folder prefix
// on the server (the config's folder filter selects only those), its own Maildir, state and config
// files in a temp dir. Unlike the engine tests' Scenario it reads messages back with a hash of their
// body, so that "no loss, no duplicate" is checked on content and not only on Message-IDs, and its
// config can point at any endpoint (a fault proxy, a fake server) with any TLS mode.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "fixtures/dovecot_server.hpp"
#include "fixtures/temp_dir.hpp"
#include "mailtwin/net/asio.hpp"
#include "mailtwin/net/session.hpp"
#include "support/child.hpp"

namespace mailtwin::test {

// One message as a side holds it: folder (relative to the setup's prefix), Message-ID local part, a
// hash of the body (line ends normalised: the server stores CRLF, Maildir LF), system flags as
// Maildir letters.
struct Item {
    std::string folder;
    std::string id;
    std::uint64_t hash = 0;
    std::string flags;
    auto operator<=>(const Item&) const = default;
};
using Contents = std::multiset<Item>;

// Differences as readable lines ("missing on server: A/m12 ..."), empty when equal.
std::string diff(const Contents& expected, const Contents& actual, const std::string& side);
std::uint64_t body_hash(std::string_view message_text);
std::string message_text(const std::string& id, const std::string& body);

// Where the binary connects, and how.
struct Endpoint {
    std::string host = "127.0.0.1";
    unsigned short port = 0;
    std::string tls = "implicit";  // "implicit" | "starttls" | "none"
    std::string ca_file;           // "" = none in the config (system store)
    std::string fingerprint;
    std::string user;
    std::string password;      // written as password = "..."
    std::string password_cmd;  // used instead of password when set
};

class SyncSetup {
public:
    // `name` makes the server prefix "R-<name>"; `sync_settings` is appended to [accounts.test.sync].
    explicit SyncSetup(const std::string& name, const std::string& sync_settings = "");
    ~SyncSetup();
    SyncSetup(const SyncSetup&) = delete;
    SyncSetup& operator=(const SyncSetup&) = delete;

    [[nodiscard]] const std::string& prefix() const { return m_prefix; }
    [[nodiscard]] std::string folder(const std::string& leaf) const { return m_prefix + "/" + leaf; }
    [[nodiscard]] const std::filesystem::path& maildir() const { return m_maildir; }
    [[nodiscard]] std::filesystem::path local_dir(const std::string& leaf) const { return m_maildir / m_prefix / leaf; }
    [[nodiscard]] const std::filesystem::path& state_dir() const { return m_state; }
    [[nodiscard]] const std::filesystem::path& dir() const { return m_dir.path(); }
    [[nodiscard]] const std::filesystem::path& config() const { return m_config; }

    // The fixture Dovecot over implicit TLS, trusted through its CA file.
    [[nodiscard]] static Endpoint direct();
    // Writes a config for `endpoint` (same Maildir, state and folder filter) and returns its path.
    std::filesystem::path write_config(const std::string& file_name, const Endpoint& endpoint,
                                       const std::string& extra_sync = "") const;

    // mailtwin --config CONFIG sync ARGS (CONFIG defaults to the direct one).
    ChildResult sync(const std::vector<std::string>& args = {}, const ChildOptions& options = {},
                     const std::filesystem::path& config = {}) const;

    // Server side, over IMAP as another client would.
    void server_create(const std::string& leaf);
    void server_append(const std::string& leaf, const std::vector<std::pair<std::string, std::string>>& id_body,
                       const std::string& flags = "");
    void server_flags(const std::string& leaf, const std::string& id, const std::string& add,
                      const std::string& remove);
    void server_expunge(const std::string& leaf, const std::string& id);
    Contents server();

    // Local side, as a mail reader would.
    void local_deliver(const std::string& leaf, const std::string& id, const std::string& body,
                       const std::string& letters = "");
    void local_set_flags(const std::string& leaf, const std::string& id, const std::string& letters);
    void local_delete(const std::string& leaf, const std::string& id);
    // A rename into another folder's cur/ keeping the file name (mv, notmuch, some readers).
    void local_move(const std::string& from, const std::string& to, const std::string& id);
    Contents local() const;

    // Every file below the Maildir root with its content: to prove nothing changed.
    std::map<std::string, std::string> local_files() const;

private:
    template <typename T>
    T run(boost::asio::awaitable<util::Expected<T>> task);
    void connect();
    std::filesystem::path find_local(const std::string& leaf, const std::string& id) const;

    std::string m_prefix;
    TempDir m_dir;
    std::filesystem::path m_maildir;
    std::filesystem::path m_state;
    std::filesystem::path m_config;
    std::string m_sync_settings;
    boost::asio::io_context m_io;
    std::unique_ptr<net::Connection> m_conn;
    std::unique_ptr<net::Session> m_session;
};

// Long runs (MAILTWIN_LONG=1) scale the loops up; CI runs the short version.
bool long_run();

// Prints a line the docs quote ("[figures] kill storm: 50 runs killed, ...") and records it as a
// test property so it lands in the XML report too.
void report_figures(const std::string& key, const std::string& text);

}  // namespace mailtwin::test
