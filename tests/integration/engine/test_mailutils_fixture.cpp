// The private GNU Mailutils imap4d (tests/fixtures/mailutils_server.hpp) on its own: both users log in
// over both listeners, the system's /etc/passwd never sees them, and a restart keeps mail and ports.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "fixtures/imap_test_util.hpp"
#include "fixtures/mailutils_server.hpp"
#include "fixtures/run_awaitable.hpp"
#include "mailtwin/net/session.hpp"

namespace mailtwin::test {
namespace {

// Logs in as `user` over `port` and returns the folder names LIST shows.
std::vector<std::string> folders_of(const DovecotInfo& d, const std::string& user, Port port) {
    boost::asio::io_context io;
    auto settings = settings_for(d, port);
    settings.user = user;
    net::Connection conn(io.get_executor(), settings);
    if (auto r = run_awaitable(io, conn.open()); !r) throw std::runtime_error(r.error().describe());
    net::Session session(conn);
    auto listed = run_awaitable(io, session.list_folders(false));
    if (!listed) throw std::runtime_error(listed.error().describe());
    run_awaitable(io, conn.logout());
    std::vector<std::string> names;
    for (const auto& f : *listed) names.push_back(f.name);
    return names;
}

TEST(MailutilsFixture, BothUsersOnBothListenersRestartKeepsMailAndPorts) {
    MailutilsServer server;
    const auto before = server.info();
    for (const char* user : {"alice", "bob"})
        for (Port port : {Port::implicit_tls, Port::starttls}) EXPECT_NO_THROW(folders_of(before, user, port)) << user;
    // The users exist only in the instance's own passwd file, mounted in imap4d's namespace.
    std::ifstream passwd("/etc/passwd");
    const std::string system_users((std::istreambuf_iterator<char>(passwd)), {});
    EXPECT_EQ(system_users.find("mailtwin test user"), std::string::npos);

    {
        boost::asio::io_context io;
        net::Connection conn(io.get_executor(), settings_for(before));
        ASSERT_TRUE(run_awaitable(io, conn.open()));
        net::Session session(conn);
        ASSERT_TRUE(run_awaitable(io, session.create_folder("Kept")));
        run_awaitable(io, conn.logout());
    }
    server.restart(std::chrono::milliseconds(100));
    EXPECT_EQ(server.info().port, before.port);
    EXPECT_EQ(server.info().tls_port, before.tls_port);
    auto names = folders_of(server.info(), "alice", Port::implicit_tls);
    EXPECT_NE(std::find(names.begin(), names.end(), "Kept"), names.end());
}

}  // namespace
}  // namespace mailtwin::test
