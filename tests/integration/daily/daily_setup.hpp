#pragma once
// One account on the shared fixture Dovecot for the daily-use commands (status, folders, --ext-exit):
// its own folder prefix on the server (the config's globs select only those), its own Maildir, state
// and config in a temp dir, the real mailtwin binary, and a second IMAP connection that plays the
// other mail client.
#include <boost/property_tree/ptree.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "fixtures/dovecot_server.hpp"
#include "fixtures/temp_dir.hpp"
#include "mailtwin/net/asio.hpp"
#include "mailtwin/net/session.hpp"
#include "mailtwin/state/records.hpp"

namespace mailtwin::test {

struct CommandResult {
    int exit_code = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};

class DailySetup {
public:
    explicit DailySetup(const std::string& name);
    ~DailySetup();

    [[nodiscard]] std::string folder(const std::string& leaf) const { return m_prefix + "/" + leaf; }
    [[nodiscard]] const std::string& prefix() const { return m_prefix; }
    [[nodiscard]] std::filesystem::path local_dir(const std::string& leaf) const { return m_maildir / m_prefix / leaf; }
    [[nodiscard]] const std::filesystem::path& maildir() const { return m_maildir; }
    [[nodiscard]] const std::filesystem::path& state_dir() const { return m_state; }
    [[nodiscard]] const std::filesystem::path& config_path() const { return m_config; }

    // `mailtwin --config <ours> ARGS` under a UTF-8 locale, with `env` (e.g. "LC_ALL=C") put before it.
    CommandResult mailtwin(const std::string& args, const std::string& env = "") const;

    void server_create(const std::string& leaf);
    // A folder outside the prefix (e.g. "Sent"); one that exists already is left as it is.
    void server_create_top(const std::string& name);
    void server_append(const std::string& leaf, const std::string& id, const std::string& flags = "");
    // `count` messages "<id_prefix>-<n>", each with a body of about `body_bytes`, appended in batches.
    void server_append_many(const std::string& leaf, const std::string& id_prefix, int count, std::size_t body_bytes);
    void server_add_flag(const std::string& leaf, const std::string& id, const std::string& flag);
    void server_expunge(const std::string& leaf, const std::string& id);

private:
    template <typename T>
    T run(boost::asio::awaitable<util::Expected<T>> task);
    model::Uid uid_of(const std::string& leaf, const std::string& id);

    std::string m_prefix;
    TempDir m_dir;
    std::filesystem::path m_maildir;
    std::filesystem::path m_state;
    std::filesystem::path m_config;
    boost::asio::io_context m_io;
    std::unique_ptr<net::Connection> m_conn;
    std::unique_ptr<net::Session> m_session;
};

// Each line of `text` parsed as a JSON object (throws on a line that is not one).
std::vector<boost::property_tree::ptree> json_lines(const std::string& text);

// The state's record of `folder` (its remote name) of the account "test" (throws when there is none).
state::FolderState record_of(const DailySetup& s, const std::string& folder);

}  // namespace mailtwin::test
