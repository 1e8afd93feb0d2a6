// README's migration tables, row by row, against the trees the real tools write: mbsync 1.4 with each
// `SubFolders` setting, with none and with `Flatten .`, offlineimap3 with its default `sep = .` and
// with `sep = /`. Each tool syncs an account with INBOX and nested folders from a private Dovecot of
// its own (the real INBOX, top-level folders), then mailtwin runs with the layout README recommends:
// every message pairs, nothing is downloaded, uploaded, renamed or created on either side, and the
// second run does nothing. The tree each tool wrote is checked too: the rows rest on it.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "fixtures/build_paths.hpp"
#include "fixtures/dovecot_server.hpp"
#include "fixtures/imap_test_util.hpp"
#include "fixtures/run_awaitable.hpp"
#include "fixtures/run_command.hpp"
#include "fixtures/temp_dir.hpp"
#include "mailtwin/net/session.hpp"
#include "scenario.hpp"

namespace mailtwin::test {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> k_nested = {"INBOX", "Lists/dev", "Archive/2024", "Sent"};
const std::vector<std::string> k_flat = {"INBOX", "Sent", "Drafts"};
// A Dovecot whose folder names may hold '.' (its default Maildir++ storage refuses them).
const std::string k_dots_allowed = "mail_location = maildir:~/Maildir:LAYOUT=fs\n";

// What a server holds, per folder: whether it is a mailbox, its message count and HIGHESTMODSEQ.
// Equal before and after a run: no folder created or deleted, no message added, removed or changed.
using ServerState = std::map<std::string, std::tuple<bool, std::uint32_t, model::ModSeq>>;

// A private Dovecot and one logged-in session on it.
class Server {
public:
    explicit Server(const std::string& extra_config = "") : m_server(extra_config) {
        m_conn = std::make_unique<net::Connection>(m_io.get_executor(), settings_for(info()));
        check(run_awaitable(m_io, m_conn->open()));
        m_session = std::make_unique<net::Session>(*m_conn);
    }
    ~Server() { run_awaitable(m_io, m_conn->logout()); }
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    [[nodiscard]] const DovecotInfo& info() const { return m_server.info(); }

    void create(const std::string& folder) {
        if (folder != "INBOX") check(run_awaitable(m_io, m_session->create_folder(folder)));
    }
    void append(const std::string& folder, const std::string& id, const std::string& flags) {
        std::vector<net::AppendItem> items(1);
        items[0].message.body = imap::make_payload(sample_message(id, "body of " + id));
        std::istringstream in(flags);
        for (std::string f; in >> f;) items[0].message.flags.add_imap(f);
        items[0].message.internal_date = imap::AppendDate{1672740000, 0};
        check(run_awaitable(m_io, m_session->append(folder, std::move(items))));
    }
    ServerState state() {
        ServerState out;
        for (const auto& f : check(run_awaitable(m_io, m_session->list_folders(true))))
            out[f.name] = {f.selectable, f.status && f.status->messages ? *f.status->messages : 0,
                           f.status && f.status->highestmodseq ? *f.status->highestmodseq : 0};
        return out;
    }

private:
    template <typename T>
    static T check(util::Expected<T> r) {
        if (!r) throw std::runtime_error(r.error().describe());
        return std::move(*r);
    }
    static void check(util::Expected<void> r) {
        if (!r) throw std::runtime_error(r.error().describe());
    }

    DovecotServer m_server;
    boost::asio::io_context m_io;
    std::unique_ptr<net::Connection> m_conn;
    std::unique_ptr<net::Session> m_session;
};

// The local side: the Maildir folders (directories holding cur/, relative to the root, "." for the
// root itself) and every file, so that a download, an upload's rename or a new folder all show.
struct Tree {
    std::set<std::string> folders;
    std::set<std::string> files;
    bool operator==(const Tree&) const = default;
};

Tree tree_of(const fs::path& root) {
    Tree out;
    if (fs::is_directory(root / "cur")) out.folders.insert(".");
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        const auto rel = fs::relative(e.path(), root).string();
        if (e.is_regular_file())
            out.files.insert(rel);
        else if (e.is_directory() && fs::is_directory(e.path() / "cur"))
            out.folders.insert(rel);
    }
    return out;
}

std::string joined(const std::set<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : " ") + n;
    return out;
}

// One row of a README migration table: the old tool's setting, and the layout README gives for it.
struct Row {
    std::string name{};
    std::string tool{};                           // "mbsync" | "offlineimap"
    std::string tool_settings{};                  // the Maildir part of its configuration; @ROOT is the Maildir root
    std::string layout{};                         // mailtwin's layout for it, as README's table says
    std::set<std::string> tool_tree{};            // the Maildir folders the tool writes
    std::string convert{};                        // a shell command README says to run once before mailtwin ("": none)
    std::vector<std::string> folders = k_nested;  // on the server
};

// Test names and failure messages show the row by name.
void PrintTo(const Row& row, std::ostream* out) { *out << row.name; }

std::string with_root(std::string text, const fs::path& root) {
    for (auto at = text.find("@ROOT"); at != std::string::npos; at = text.find("@ROOT"))
        text.replace(at, 5, root.string());
    return text;
}

class MigrationLayout : public ::testing::Test {
protected:
    // The server gets every folder of the row with three messages each (flags differ); the tool fills
    // the Maildir; the tree is checked; README's conversion, if any, runs.
    void fill_with_the_tool(Server& server, const Row& row) {
        ASSERT_EQ(std::system(("command -v " + row.tool + " >/dev/null").c_str()), 0)
            << row.tool << " missing: run contrib/install-deps.sh (isync, offlineimap3)";
        for (const auto& folder : row.folders) {
            server.create(folder);
            for (int i = 0; i < 3; ++i) {
                const char* flags[] = {"", "\\Seen", "\\Seen \\Flagged"};
                server.append(folder, row.name + "-" + std::to_string(m_total++), flags[i]);
            }
        }
        fs::create_directories(m_root);  // mbsync's Path must exist
        const auto& d = server.info();
        std::string command;
        if (row.tool == "mbsync") {
            std::ofstream(m_dir / "mbsyncrc")
                << "IMAPAccount test\nHost " << d.host << "\nPort " << d.tls_port << "\nUser " << d.user << "\nPass "
                << d.password << "\nSSLType IMAPS\nCertificateFile " << d.ca_file.string()
                << "\n\nIMAPStore remote\nAccount test\n\nMaildirStore local\n"
                << with_root(row.tool_settings, m_root)
                << "\nChannel test\nFar :remote:\nNear :local:\nPatterns *\n"
                   "Create Both\nSyncState *\n";
            command = "mbsync -c '" + (m_dir / "mbsyncrc").string() + "' -a";
        } else {
            std::ofstream(m_dir / "offlineimaprc")
                << "[general]\naccounts = test\nmetadata = " << (m_dir / "offlineimap").string()
                << "\n\n[Account test]\nlocalrepository = local\nremoterepository = remote\n\n"
                   "[Repository local]\ntype = Maildir\nlocalfolders = "
                << m_root.string() << "\n"
                << with_root(row.tool_settings, m_root) << "\n[Repository remote]\ntype = IMAP\nremotehost = " << d.host
                << "\nremoteport = " << d.tls_port << "\nremoteuser = " << d.user << "\nremotepass = " << d.password
                << "\nssl = yes\nsslcacertfile = " << d.ca_file.string() << "\n";
            command = "offlineimap -c '" + (m_dir / "offlineimaprc").string() + "' -o -u basic";
        }
        // offlineimap may hang after an error instead of exiting (and ignores SIGTERM while it does).
        auto r = run_command("timeout -s KILL 180 " + command + " 2>&1");
        ASSERT_EQ(r.exit_code, 0) << command << "\n" << r.output;
        if (!row.convert.empty()) {
            auto converted = run_command(with_root(row.convert, m_root) + " 2>&1");
            ASSERT_EQ(converted.exit_code, 0) << converted.output;
        }
        std::ofstream(m_dir / "config.toml")
            << "[general]\nstate_dir = \"" << (m_dir / "state").string() << "\"\n\n[accounts.test]\nmaildir = \""
            << m_root.string() << "\"\nlayout = \"" << row.layout << "\"\n\n[accounts.test.imap]\n"
            << "host = \"127.0.0.1\"\nport = " << d.tls_port << "\ntls = \"implicit\"\nuser = \"" << d.user
            << "\"\npassword = \"" << d.password << "\"\nca_file = \"" << d.ca_file.string() << "\"\n";
        // A password in a file others may read draws a warning on every run.
        fs::permissions(m_dir / "config.toml", fs::perms::owner_read | fs::perms::owner_write);
    }

    RunResult sync() const {
        return run_command(mailtwin_binary() + " --config " + (m_dir / "config.toml").string() + " sync 2>&1");
    }

    // README's promise for the row: the first run pairs every message and changes nothing anywhere;
    // the second run does nothing either.
    void expect_mailtwin_takes_over(Server& server, const Row& row) {
        const auto server_before = server.state();
        const auto local_before = tree_of(m_root);
        ASSERT_EQ(local_before.folders, row.tool_tree) << row.tool << " wrote: " << joined(local_before.folders);

        auto first = sync();
        ASSERT_EQ(first.exit_code, 0) << first.output;
        EXPECT_EQ(first.output.find('+'), std::string::npos) << "a download or upload:\n" << first.output;
        EXPECT_EQ(first.output.find("creating"), std::string::npos) << first.output;
        EXPECT_EQ(matched_in_folder_lines(first.output), m_total) << first.output;
        EXPECT_EQ(server.state(), server_before) << "the server changed:\n" << first.output;
        const auto local_after = tree_of(m_root);
        EXPECT_EQ(local_after.folders, local_before.folders) << joined(local_after.folders);
        EXPECT_EQ(local_after.files, local_before.files) << "a file was added, removed or renamed";

        auto second = sync();
        ASSERT_EQ(second.exit_code, 0) << second.output;
        std::istringstream lines(second.output);
        for (std::string line; std::getline(lines, line);) EXPECT_TRUE(line.ends_with(": unchanged")) << second.output;
        EXPECT_EQ(server.state(), server_before);
        EXPECT_EQ(tree_of(m_root), local_before);
    }

    TempDir m_dir{"mailtwin-migration-layout"};
    fs::path m_root = m_dir / "Mail";
    std::size_t m_total = 0;  // messages on the server
};

// mbsync's tables: `Path` and `Inbox` as README's rows write them.
const std::string k_mbsync_path = "Path @ROOT/\nInbox @ROOT/INBOX\n";

// README (Migrating from mbsync): the one-time renaming that turns a `SubFolders Legacy` tree into the
// verbatim one. Below the top level, a directory ".sub" becomes "sub", deepest first; a name that is
// taken (a sub-folder named like the Maildir's own cur, new or tmp) is left and reported.
const std::string k_legacy_to_verbatim =
    "find @ROOT -mindepth 2 -depth -type d -name '.*' -execdir sh -c "
    "'n=${1#./.}; if [ -e \"$n\" ]; then echo \"not renamed: $PWD/$1\" >&2; else mv \"$1\" \"$n\"; fi' sh {} \\;";

class ReadmeRow : public MigrationLayout, public ::testing::WithParamInterface<Row> {};

TEST_P(ReadmeRow, FirstRunPairsEverythingAndChangesNothing) {
    Server server;
    ASSERT_NO_FATAL_FAILURE(fill_with_the_tool(server, GetParam()));
    expect_mailtwin_takes_over(server, GetParam());
}

const Row k_offlineimap_default{.name = "OfflineimapDefault",
                                .tool = "offlineimap",
                                .tool_settings = "",
                                .layout = "dotted",
                                .tool_tree = {"INBOX", "Lists.dev", "Archive.2024", "Sent"}};

INSTANTIATE_TEST_SUITE_P(
    Tools, ReadmeRow,
    ::testing::Values(Row{.name = "MbsyncVerbatim",
                          .tool = "mbsync",
                          .tool_settings = k_mbsync_path + "SubFolders Verbatim\n",
                          .layout = "verbatim",
                          .tool_tree = {"INBOX", "Lists/dev", "Archive/2024", "Sent"}},
                      Row{.name = "MbsyncMaildirPlusPlus",
                          .tool = "mbsync",
                          .tool_settings = "Inbox @ROOT\nSubFolders Maildir++\n",
                          .layout = "maildir++",
                          .tool_tree = {".", ".Lists.dev", ".Archive.2024", ".Sent"}},
                      Row{.name = "MbsyncLegacyConverted",
                          .tool = "mbsync",
                          .tool_settings = k_mbsync_path + "SubFolders Legacy\n",
                          .layout = "verbatim",
                          .tool_tree = {"INBOX", "Lists/dev", "Archive/2024", "Sent"},
                          .convert = k_legacy_to_verbatim},
                      // Without `SubFolders` mbsync stops at the first sub-folder: an account without any.
                      Row{.name = "MbsyncNoSubFoldersFlatAccount",
                          .tool = "mbsync",
                          .tool_settings = k_mbsync_path,
                          .layout = "verbatim",
                          .tool_tree = {"INBOX", "Sent", "Drafts"},
                          .folders = k_flat},
                      Row{.name = "MbsyncFlattenDot",
                          .tool = "mbsync",
                          .tool_settings = k_mbsync_path + "Flatten .\n",
                          .layout = "dotted",
                          .tool_tree = {"INBOX", "Lists.dev", "Archive.2024", "Sent"}},
                      k_offlineimap_default,
                      Row{.name = "OfflineimapSepSlash",
                          .tool = "offlineimap",
                          .tool_settings = "sep = /\n",
                          .layout = "verbatim",
                          .tool_tree = {"INBOX", "Lists/dev", "Archive/2024", "Sent"}}),
    [](const auto& param_info) { return param_info.param.name; });

// The Legacy tree itself, before README's renaming: sub-folders are dot-directories inside their parent.
TEST_F(MigrationLayout, MbsyncLegacyTreeBeforeTheRenaming) {
    Server server;
    const Row row{.name = "MbsyncLegacy",
                  .tool = "mbsync",
                  .tool_settings = k_mbsync_path + "SubFolders Legacy\n",
                  .layout = "verbatim"};
    ASSERT_NO_FATAL_FAILURE(fill_with_the_tool(server, row));
    EXPECT_EQ(tree_of(m_root).folders, (std::set<std::string>{"INBOX", "Lists/.dev", "Archive/.2024", "Sent"}));
}

// After offlineimap, the dotted layout keeps working both ways: a folder the user makes by hand, as
// offlineimap's users do, is created on the server with its levels, and a new server folder gets
// the directory offlineimap would have written for it.
TEST_F(MigrationLayout, OfflineimapDefaultThenNewFoldersOnBothSides) {
    Server server;
    ASSERT_NO_FATAL_FAILURE(fill_with_the_tool(server, k_offlineimap_default));
    expect_mailtwin_takes_over(server, k_offlineimap_default);

    for (const char* sub : {"cur", "new", "tmp"}) fs::create_directories(m_root / "Lists.new" / sub);
    std::ofstream(m_root / "Lists.new" / "new" / "1700000000.hand.host") << sample_message("by-hand");
    server.create("Projects/x");
    server.append("Projects/x", "on-server", "\\Seen");

    auto r = sync();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto state = server.state();
    ASSERT_TRUE(state.contains("Lists/new")) << r.output;
    EXPECT_EQ(std::get<1>(state.at("Lists/new")), 1u);
    EXPECT_FALSE(state.contains("Lists.new")) << "the folder was created under its directory name";
    const auto tree = tree_of(m_root);
    EXPECT_EQ(tree.folders,
              (std::set<std::string>{"INBOX", "Lists.dev", "Lists.new", "Archive.2024", "Sent", "Projects.x"}));
    std::size_t downloaded = 0;
    for (const auto& f : tree.files) downloaded += f.starts_with("Projects.x/cur/") || f.starts_with("Projects.x/new/");
    EXPECT_EQ(downloaded, 1u);

    auto again = sync();
    ASSERT_EQ(again.exit_code, 0) << again.output;
    EXPECT_EQ(again.output.find('+'), std::string::npos) << again.output;
    EXPECT_EQ(server.state(), state);
    EXPECT_EQ(tree_of(m_root), tree);
}

// A server folder with '.' in its name: offlineimap keeps "v1.2" in v1.2/ and would read that back as
// "v1/2" (its next run creates v1 and v1/2 on the server). mailtwin refuses the folder and the
// directory alike, reports both (exit 1), and copies, creates and deletes nothing; the others sync.
TEST_F(MigrationLayout, OfflineimapDefaultWithADotInAServerNameIsRefusedNotGuessed) {
    Server server(k_dots_allowed);
    const Row row{.name = "OfflineimapDots",
                  .tool = "offlineimap",
                  .tool_settings = "",
                  .layout = "dotted",
                  .folders = {"INBOX", "Sent", "v1.2", "Lists/a.b"}};
    ASSERT_NO_FATAL_FAILURE(fill_with_the_tool(server, row));
    const auto server_before = server.state();
    const auto local_before = tree_of(m_root);
    ASSERT_EQ(local_before.folders, (std::set<std::string>{"INBOX", "Sent", "v1.2", "Lists.a.b"}))
        << joined(local_before.folders);

    for (int run = 0; run < 2; ++run) {
        auto r = sync();
        EXPECT_EQ(r.exit_code, 1) << r.output;
        EXPECT_NE(r.output.find("'v1.2' holds a '.'"), std::string::npos) << r.output;
        EXPECT_NE(r.output.find("read back as the folder 'v1/2'"), std::string::npos) << r.output;
        EXPECT_NE(r.output.find("'Lists/a.b' holds a '.'"), std::string::npos) << r.output;
        EXPECT_NE(r.output.find("the folder \"v1/2\" maps to the local folder"), std::string::npos) << r.output;
        EXPECT_NE(r.output.find("the folder \"Lists/a/b\" maps to the local folder"), std::string::npos) << r.output;
        EXPECT_EQ(r.output.find('+'), std::string::npos) << r.output;
        EXPECT_EQ(r.output.find("creating"), std::string::npos) << r.output;
        EXPECT_EQ(matched_in_folder_lines(r.output), run == 0 ? 6u : 0u) << r.output;  // INBOX and Sent
        EXPECT_EQ(server.state(), server_before) << r.output;
        EXPECT_EQ(tree_of(m_root), local_before);
    }

    // Excluding the refused folders, as the message advises, does not turn offlineimap's copies of
    // them into new server folders "v1/2" and "Lists/a/b": their directories stay refused.
    std::ofstream(m_dir / "config.toml", std::ios::app)
        << "\n[accounts.test.sync]\nfolders = [\"*\", \"!v1.2\", \"!Lists/a.b\"]\n";
    auto excluded = sync();
    EXPECT_EQ(excluded.exit_code, 1) << excluded.output;
    EXPECT_EQ(excluded.output.find("holds a '.'"), std::string::npos) << excluded.output;
    EXPECT_NE(excluded.output.find("the folder \"v1/2\" maps to the local folder"), std::string::npos)
        << excluded.output;
    EXPECT_NE(excluded.output.find("the folder \"Lists/a/b\" maps to the local folder"), std::string::npos)
        << excluded.output;
    EXPECT_EQ(server.state(), server_before) << excluded.output;
    EXPECT_EQ(tree_of(m_root), local_before);
}

}  // namespace
}  // namespace mailtwin::test
