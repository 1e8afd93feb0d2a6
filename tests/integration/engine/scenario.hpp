#pragma once
// One isolated sync setup on a test server: its own folder prefix on the server (the config's folder
// filter selects only those), its own Maildir and state in a temp dir, and the real mailtwin binary.
// Helpers change either side the way users and other clients do, and read both sides back as
// (folder -> Message-ID -> flags) for comparison.
//
// Tests name folders by a leaf with "/" between levels ("Lists/dev"). On the server that is
// <personal namespace prefix><scenario prefix><delimiter><leaf with the server's delimiter>, from
// NAMESPACE and LIST ("E-x/Lists/dev" on Dovecot, "INBOX.E-x.Lists.dev" on Cyrus); locally it is
// <maildir>/<scenario prefix>/<leaf>, since mailtwin strips the personal prefix locally.
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "fixtures/courier_server.hpp"
#include "fixtures/cyrus_server.hpp"
#include "fixtures/dovecot_server.hpp"
#include "fixtures/mailutils_server.hpp"
#include "fixtures/run_command.hpp"
#include "fixtures/temp_dir.hpp"
#include "mailtwin/model/flags.hpp"
#include "mailtwin/net/asio.hpp"
#include "mailtwin/net/session.hpp"

namespace mailtwin::test {

// Message-ID -> flags in IMAP notation ("\\Seen \\Flagged"), per folder.
using SideContents = std::map<std::string, std::multimap<std::string, std::string>>;

// The servers the engine suite runs on, by name, each started on first use and once per binary
// (stopped after the last test): "dovecot" (the shared fixture), "cyrus" (a private Cyrus IMAP 3.6:
// personal prefix "INBOX.", delimiter "."), "courier" (a private Courier-IMAP 5.0: the same prefix
// and delimiter, and truly without CONDSTORE, QRESYNC, MOVE, LIST-STATUS, ESEARCH and LITERAL+),
// "mailutils" (a private GNU Mailutils imap4d 3.15: none of the extensions mailtwin uses but IDLE and
// LITERAL+, no keywords, APPEND drops flags), "degraded" (a Dovecot announcing none of CONDSTORE,
// QRESYNC, MOVE, UIDPLUS, LIST-STATUS, LITERAL+, ESEARCH, MULTIAPPEND, so every fallback runs) and
// "condstore_only" (CONDSTORE without QRESYNC, Gmail's set) and "noflags" (a Dovecot whose ACL lets
// the user keep only \Seen and \Deleted: other flags and keywords are dropped without a word).
const DovecotInfo& engine_server(const std::string& name);

class Scenario {
public:
    // In `sync_settings`, "@P" is the scenario's prefix as the folder globs match it (without the
    // personal namespace prefix), "@F" its full server-side name (with it, as `trash` needs); on lines
    // holding either, "/" is written as the server's delimiter.
    explicit Scenario(const std::string& name, const std::string& sync_settings = "",
                      const DovecotInfo& server = dovecot());
    ~Scenario();

    // The server-side name of a test folder.
    [[nodiscard]] std::string folder(const std::string& leaf) const;
    [[nodiscard]] const std::filesystem::path& maildir() const { return m_maildir; }
    [[nodiscard]] std::filesystem::path local_dir(const std::string& leaf) const { return m_maildir / m_prefix / leaf; }
    [[nodiscard]] const std::filesystem::path& state_dir() const { return m_state; }
    [[nodiscard]] const std::filesystem::path& config() const { return m_config; }
    // What the server announces (after login): for expectations that depend on an extension.
    [[nodiscard]] const imap::Capabilities& capabilities() const { return m_conn->capabilities(); }

    RunResult sync(const std::string& args = "", const std::string& env = "") const;

    // Server side (over IMAP, as another client).
    void server_create(const std::string& leaf);
    // Flags given are the message's on the server afterwards, also where APPEND ignores them.
    void server_append_text(const std::string& leaf, const std::string& text, const std::string& flags = "");
    // Whether the server can store keywords in the folder ("\\*" in its PERMANENTFLAGS).
    bool server_keeps_keywords(const std::string& leaf);
    model::UidValidity server_uidvalidity(const std::string& leaf);
    void server_append_many(const std::string& leaf, const std::vector<std::string>& ids);
    std::map<std::string, model::ModSeq> server_modseqs();
    // SHA-256 of every message body (CR removed), as a multiset: loss and duplication both show.
    std::multiset<std::string> server_bodies(const std::string& leaf);
    std::multiset<std::string> local_bodies(const std::string& leaf) const;
    // Deletes and creates the folder again: its messages are gone and it gets a new UIDVALIDITY.
    void server_recreate(const std::string& leaf);
    void server_append(const std::string& leaf, const std::string& id, const std::string& flags = "");
    void server_flags(const std::string& leaf, const std::string& id, const std::string& add,
                      const std::string& remove);
    void server_expunge(const std::string& leaf, const std::string& id);
    void server_move(const std::string& from, const std::string& to, const std::string& id);
    SideContents server();
    // Folders as another client or a user changes them (scenario_folders.cpp).
    void server_rename(const std::string& from, const std::string& to);
    void server_delete(const std::string& leaf);
    [[nodiscard]] bool server_has(const std::string& leaf);
    void local_rename_folder(const std::string& from, const std::string& to) const;  // mv, as a user does
    void local_delete_folder(const std::string& leaf) const;                         // rm -r
    // The inode of each message file of the folder, by Message-ID: a rename keeps them.
    [[nodiscard]] std::map<std::string, std::uint64_t> local_inodes(const std::string& leaf) const;
    // Local side (as a mail reader would).
    void local_deliver(const std::string& leaf, const std::string& id, const std::string& letters = "");
    void local_rename_flags(const std::string& leaf, const std::string& id, const std::string& letters);
    void local_delete(const std::string& leaf, const std::string& id);
    // A reader's move: the same file name into the other folder's cur/, with new flags.
    void local_move(const std::string& from, const std::string& to, const std::string& id, const std::string& letters);
    // A reader's move (or save) by a new file, as neomutt's `s` and mu4e with changed file names do:
    // the message written to `to` under a new unique name, with `extra_header` lines put in front
    // (neomutt adds "Content-Length: ..."), and the old file unlinked. `to` may equal `from`.
    void local_rewrite(const std::string& from, const std::string& to, const std::string& id,
                       const std::string& letters, const std::string& extra_header = "");
    SideContents local() const;
    // Files per folder, and how many of them carry each Message-ID (duplicates show up as > 1).
    std::map<std::string, std::size_t> local_id_counts() const;

private:
    template <typename T>
    T run(boost::asio::awaitable<util::Expected<T>> task);
    void connect();
    [[nodiscard]] std::string root() const { return m_ns_prefix + m_prefix; }  // server-side prefix folder
    [[nodiscard]] std::string to_server(std::string leaf) const;               // "/" -> the server's delimiter
    std::filesystem::path find_local(const std::string& leaf, const std::string& id) const;
    void publish_flag_changes(const std::string& leaf);  // after a STORE: other clients see it

    DovecotInfo m_server;
    std::string m_prefix;
    std::string m_ns_prefix;  // the personal namespace prefix ("" on Dovecot, "INBOX." on Cyrus)
    char m_delim = '/';
    TempDir m_dir;
    std::filesystem::path m_maildir;
    std::filesystem::path m_state;
    std::filesystem::path m_config;
    boost::asio::io_context m_io;
    std::unique_ptr<net::Connection> m_conn;
    std::unique_ptr<net::Session> m_session;
};

// Crash tests: for step = 1, 2, ... the scenario `prepare(step)` makes is synced with the run stopped
// after its step-th state commit (MAILTWIN_TEST_STOP_AFTER_STEP, exit 99), then synced again (exit 0),
// and `check` looks at the result; until a run ends before that step, so every kill point is tried.
void for_each_kill_point(
    const std::function<std::unique_ptr<Scenario>(int step)>& prepare,
    const std::function<void(Scenario&, int step, const RunResult& killed, const RunResult& clean)>& check);

std::string message_text(const std::string& id, const std::string& body = "hello");

// What a fresh connection of its own sees in `folder` on `server`: the SELECT answer, and the flags
// (IMAP names) of the scenario message `id` (nullopt when it is not there; `id` empty: not looked up).
struct FolderAsSeen {
    net::SelectResult selected;
    std::optional<model::FlagSet> flags;
};
FolderAsSeen look_at_folder(const DovecotInfo& server, const std::string& folder, const std::string& id = "");
std::string body_digest(std::string_view text);

// The sum of "matched N" over a sync's folder lines (the closing "total:" line repeats it).
std::size_t matched_in_folder_lines(const std::string& output);

}  // namespace mailtwin::test
