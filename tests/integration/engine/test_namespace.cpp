// A server whose personal namespace has a prefix ("INBOX." with the delimiter ".", as Cyrus, Courier
// and many hosted servers are set up), reproduced by a private Dovecot: the real binary strips the
// prefix locally (INBOX.Lists.dev -> <maildir>/Lists/dev) and adds it back for folders created
// locally (New/Sub -> INBOX.New.Sub); a second run is a no-op.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "fixtures/build_paths.hpp"
#include "fixtures/imap_test_util.hpp"
#include "fixtures/run_awaitable.hpp"
#include "fixtures/run_command.hpp"
#include "fixtures/temp_dir.hpp"
#include "mailtwin/maildir/delivery.hpp"
#include "mailtwin/maildir/folder.hpp"
#include "scenario.hpp"

namespace mailtwin::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* k_cyrus_like =
    "namespace inbox {\n"
    "  separator = .\n"
    "  prefix = INBOX.\n"
    "}\n";

class Namespace : public ::testing::Test {
protected:
    static void SetUpTestSuite() { s_server = std::make_unique<DovecotServer>(k_cyrus_like); }
    static void TearDownTestSuite() { s_server.reset(); }
    static std::unique_ptr<DovecotServer> s_server;

    void SetUp() override {
        const auto& d = s_server->info();
        m_maildir = m_dir.path() / "Mail";
        m_config = m_dir.path() / "config.toml";
        std::ofstream(m_config) << "[general]\nstate_dir = \"" << (m_dir.path() / "state").string()
                                << "\"\nmax_connections = 2\n\n[accounts.test]\nmaildir = \"" << m_maildir.string()
                                << "\"\n\n[accounts.test.imap]\nhost = \"127.0.0.1\"\nport = " << d.tls_port
                                << "\ntls = \"implicit\"\nuser = \"" << d.user << "\"\npassword = \"" << d.password
                                << "\"\nca_file = \"" << d.ca_file.string() << "\"\n\n[accounts.test.sync]\n"
                                << "folders = [\"*\", \"!Spam\"]\n";
        m_conn = std::make_unique<net::Connection>(m_io.get_executor(), settings_for(d));
        auto r = run_awaitable(m_io, m_conn->open());
        ASSERT_TRUE(r) << r.error().describe();
        m_session = std::make_unique<net::Session>(*m_conn);
    }
    void TearDown() override {
        if (m_conn) run_awaitable(m_io, m_conn->logout());
    }

    RunResult mailtwin(const std::string& args) const {
        return run_command(mailtwin_binary() + " --config " + m_config.string() + " " + args + " 2>&1");
    }
    void create(const std::string& folder) {
        auto r = run_awaitable(m_io, m_session->create_folder(folder));
        ASSERT_TRUE(r) << folder << ": " << r.error().describe();
    }
    void append(const std::string& folder, const std::string& id) {
        std::vector<net::AppendItem> items(1);
        std::string crlf;
        for (char c : message_text(id)) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
        items[0].message.body = imap::make_payload(crlf);
        auto r = run_awaitable(m_io, m_session->append(folder, std::move(items)));
        ASSERT_TRUE(r) << folder << ": " << r.error().describe();
    }
    std::vector<std::string> server_folders() {
        auto listed = run_awaitable(m_io, m_session->list_folders(false));
        EXPECT_TRUE(listed);
        std::vector<std::string> out;
        if (listed)
            for (const auto& f : *listed)
                if (f.selectable) out.push_back(f.name);
        std::sort(out.begin(), out.end());
        return out;
    }
    std::size_t server_count(const std::string& folder, const std::string& id) {
        auto sel = run_awaitable(m_io, m_session->select(folder));
        EXPECT_TRUE(sel) << folder;
        auto found = run_awaitable(m_io, m_session->search_message_id("<" + id + "@scenario.test>"));
        EXPECT_TRUE(found);
        return found ? found->size() : 0;
    }
    static std::size_t local_files(const fs::path& dir) {
        std::size_t n = 0;
        for (const char* sub : {"new", "cur"})
            if (fs::is_directory(dir / sub))
                for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir / sub)) ++n;
        return n;
    }

    TempDir m_dir{"mailtwin-ns"};
    fs::path m_maildir;
    fs::path m_config;
    boost::asio::io_context m_io;
    std::unique_ptr<net::Connection> m_conn;
    std::unique_ptr<net::Session> m_session;
};
std::unique_ptr<DovecotServer> Namespace::s_server;

TEST_F(Namespace, PrefixIsStrippedLocallyAndAddedBackOnTheServer) {
    auto ns = run_awaitable(m_io, m_session->namespaces());
    ASSERT_TRUE(ns);
    ASSERT_FALSE(ns->personal.empty());
    ASSERT_EQ(ns->personal[0].prefix, "INBOX.");  // the fixture reproduces the layout under test

    create("INBOX.Archive");
    create("INBOX.Lists.dev");
    create("INBOX.Spam");
    append("INBOX", "n1");
    append("INBOX.Archive", "n2");
    append("INBOX.Lists.dev", "n3");
    append("INBOX.Spam", "n4");

    auto folders = mailtwin("folders test");
    EXPECT_EQ(folders.exit_code, 0) << folders.output;
    EXPECT_NE(folders.output.find("personal namespace prefix \"INBOX.\""), std::string::npos) << folders.output;
    EXPECT_NE(folders.output.find((m_maildir / "Lists" / "dev").string()), std::string::npos) << folders.output;

    auto first = mailtwin("sync");
    ASSERT_EQ(first.exit_code, 0) << first.output;
    EXPECT_EQ(local_files(m_maildir / "INBOX"), 1u);
    EXPECT_EQ(local_files(m_maildir / "Archive"), 1u);
    EXPECT_EQ(local_files(m_maildir / "Lists" / "dev"), 1u);
    EXPECT_FALSE(fs::exists(m_maildir / "Spam")) << "\"!Spam\" matches INBOX.Spam without its prefix";
    EXPECT_FALSE(fs::exists(m_maildir / "INBOX" / "Archive"));
    EXPECT_FALSE(fs::exists(m_maildir / "INBOX" / "Lists"));

    // A folder made locally, with a message: created on the server under the prefix.
    maildir::CommitOptions options;
    options.internal_date = std::chrono::system_clock::from_time_t(1672740000);
    ASSERT_TRUE(maildir::create_folder(m_maildir / "New" / "Sub"));
    ASSERT_TRUE(maildir::deliver(m_maildir / "New" / "Sub", message_text("n5"), options));
    auto second = mailtwin("sync");
    ASSERT_EQ(second.exit_code, 0) << second.output;
    auto names = server_folders();
    EXPECT_NE(std::find(names.begin(), names.end(), "INBOX.New.Sub"), names.end()) << second.output;
    for (const auto& n : names) EXPECT_EQ(n.rfind("INBOX.INBOX", 0), std::string::npos) << n;
    EXPECT_EQ(server_count("INBOX.New.Sub", "n5"), 1u);
    EXPECT_EQ(local_files(m_maildir / "New" / "Sub"), 1u);

    // Converged: nothing left to do, in either direction.
    auto again = mailtwin("sync --dry-run -v");
    EXPECT_EQ(again.exit_code, 0) << again.output;
    for (const char* word : {"download", "upload", "creating", "delete", "expunge", "flags"})
        EXPECT_EQ(again.output.find(word), std::string::npos) << word << " in:\n" << again.output;
    auto status = mailtwin("status test");
    EXPECT_EQ(status.exit_code, 0) << status.output;
    EXPECT_NE(status.output.find("INBOX.Lists.dev"), std::string::npos) << status.output;
}

}  // namespace
}  // namespace mailtwin::test
