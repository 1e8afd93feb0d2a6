// Waits that fit the failure (connect_timeout, greeting_timeout, command_timeout): a server that
// accepts and never greets, the wrong TLS mode in either direction, a stall mid-session, an untagged
// BYE with the socket left open. Each test asserts the error arrives within its timeout (plus a
// margin for a loaded machine), says what was waited for and which setting to change, and that the
// account is free again at once (the next run is not refused with exit 4).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/fake_account.hpp"
#include "support/fake_imap.hpp"
#include "support/proxy.hpp"
#include "support/setup.hpp"

namespace mailtwin::test {
namespace {

using namespace std::chrono_literals;
constexpr auto k_margin = 4s;  // process start, login, a loaded CI machine

// Inserts `lines` right after the line `header` of the config file.
void add_to(const std::filesystem::path& config, const std::string& header, const std::string& lines) {
    std::ifstream in(config);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    const auto at = text.find(header + "\n");
    ASSERT_NE(at, std::string::npos) << header;
    text.insert(at + header.size() + 1, lines);
    std::ofstream(config) << text;
}

ChildResult run(const SyncSetup& s, const std::filesystem::path& config, const std::vector<std::string>& args = {}) {
    ChildOptions o;
    o.timeout = 90s;
    return s.sync(args, o, config);
}

// The fixture Dovecot's account, at `port` (its own or a proxy's), in clear text.
Endpoint plain_to(unsigned short port) {
    Endpoint e = SyncSetup::direct();
    e.port = port;
    e.tls = "none";
    e.ca_file.clear();
    return e;
}

std::string peer(unsigned short port) { return "127.0.0.1:" + std::to_string(port); }

TEST(Timeouts, AServerThatNeverGreetsFailsAfterGreetingTimeout) {
    FakeAccountSetup a("t-nogreet");
    a.fake.on_connect = [](FakeConnection& c) { c.linger(60s); };
    add_to(a.config, "[general]", "greeting_timeout = 2\n");
    auto r = run(a.s, a.config);
    EXPECT_EQ(r.exit_code, 3) << describe(r);
    EXPECT_GE(r.elapsed, 2s) << describe(r);
    EXPECT_LT(r.elapsed, 2s + k_margin) << describe(r);
    EXPECT_NE(r.output.find("mailtwin: error: test: " + peer(a.fake.port()) +
                            " sent nothing for 2 s while mailtwin waited for the greeting (greeting_timeout); the "
                            "connection was closed; if " +
                            peer(a.fake.port()) +
                            " expects TLS from the first byte (port 993 usually does), set tls = \"implicit\""),
              std::string::npos)
        << describe(r);
}

TEST(Timeouts, AGreetingSlowedBeyondTheTimeoutByTheProxyFails) {
    SyncSetup s("t-slowgreet");
    FaultPlan plan;
    plan.delay = 4000ms;  // every chunk, the greeting first
    FaultProxy proxy(dovecot().port, plan);
    const auto config = s.write_config("proxy.toml", plain_to(proxy.port()));
    add_to(config, "[accounts.test.imap]", "greeting_timeout = 1\n");
    auto r = run(s, config);
    EXPECT_EQ(r.exit_code, 3) << describe(r);
    EXPECT_LT(r.elapsed, 1s + k_margin) << describe(r);
    EXPECT_NE(r.output.find("sent nothing for 1 s while mailtwin waited for the greeting (greeting_timeout)"),
              std::string::npos)
        << describe(r);
}

// A sync of the fixture Dovecot's `upstream_port` through a proxy without faults (it only records what
// the client sent), in the TLS mode `tls`.
struct ThroughProxy {
    ThroughProxy(const std::string& name, unsigned short upstream_port, const std::string& tls)
        : s(name), proxy(upstream_port, FaultPlan{}) {
        Endpoint e = SyncSetup::direct();
        e.port = proxy.port();
        e.tls = tls;
        r = run(s, s.write_config("wrong.toml", e));
    }
    SyncSetup s;
    FaultProxy proxy;
    ChildResult r;
};

TEST(Timeouts, StarttlsOnTheImplicitTlsPortIsDetectedWithinTheDefaultGreetingTimeout) {
    ThroughProxy t("t-starttls-on-993", dovecot().tls_port, "starttls");
    const auto& r = t.r;
    EXPECT_EQ(r.exit_code, 3) << describe(r);
    EXPECT_LT(r.elapsed, 5s + k_margin) << "the default greeting_timeout is 5 s\n" << describe(r);
    EXPECT_NE(r.output.find("while mailtwin waited for the greeting (greeting_timeout)"), std::string::npos)
        << describe(r);
    EXPECT_NE(r.output.find("set tls = \"implicit\""), std::string::npos) << describe(r);
    EXPECT_EQ(t.proxy.client_bytes().find(SyncSetup::direct().password), std::string::npos) << "the password went out";
}

TEST(Timeouts, PlainOnTheImplicitTlsPortSaysToUseImplicit) {
    SyncSetup s("t-none-on-993");
    const auto config = s.write_config("wrong.toml", plain_to(SyncSetup::direct().port));
    add_to(config, "[general]", "greeting_timeout = 2\n");
    auto r = run(s, config);
    EXPECT_EQ(r.exit_code, 3) << describe(r);
    EXPECT_LT(r.elapsed, 2s + k_margin) << describe(r);
    EXPECT_NE(r.output.find("set tls = \"implicit\""), std::string::npos) << describe(r);
}

TEST(Timeouts, ImplicitTlsOnThePlainPortFailsAtOnceAndSaysToUseStarttls) {
    ThroughProxy t("t-implicit-on-143", dovecot().port, "implicit");
    const auto& r = t.r;
    EXPECT_EQ(r.exit_code, 3) << describe(r);
    EXPECT_LT(r.elapsed, k_margin) << describe(r);
    EXPECT_NE(r.output.find("TLS handshake with " + peer(t.proxy.port()) + " failed"), std::string::npos)
        << describe(r);
    EXPECT_NE(r.output.find("if " + peer(t.proxy.port()) +
                            " speaks plain IMAP or STARTTLS (port 143 usually does), set tls = \"starttls\""),
              std::string::npos)
        << describe(r);
}

struct FakeAccount : FakeAccountSetup {
    explicit FakeAccount(const std::string& name) : FakeAccountSetup(name) {
        fake.folders[s.folder("INBOX")].add("m1", "first");
        auto first = run(s, config);
        EXPECT_EQ(first.exit_code, 0) << describe(first);
    }
};

bool selecting(const FakeCommand& c) { return c.name == "SELECT" || c.name == "EXAMINE"; }

TEST(Timeouts, AStallMidSessionFailsTheFolderAfterCommandTimeoutAndFreesTheAccount) {
    FakeAccount a("t-stall");
    add_to(a.config, "[accounts.test.imap]", "command_timeout = 2\n");
    std::atomic<bool> stall{true};
    a.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (!stall || !selecting(cmd)) return false;
        c.linger(60s);
        return true;
    };
    auto r = run(a.s, a.config, {"--full"});
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    EXPECT_GE(r.elapsed, 2s) << describe(r);
    EXPECT_LT(r.elapsed, 2s + k_margin) << describe(r);
    EXPECT_NE(r.output.find(peer(a.fake.port()) + " sent nothing for 2 s while mailtwin waited for the answer to "),
              std::string::npos)
        << describe(r);
    EXPECT_NE(r.output.find("(command_timeout); the connection was closed"), std::string::npos) << describe(r);
    stall = false;
    auto next = run(a.s, a.config);
    EXPECT_EQ(next.exit_code, 0) << "the account is free and the server answers again\n" << describe(next);
}

TEST(Timeouts, VerboseShowsWhatIsWaitedFor) {
    FakeAccount a("t-verbose");
    add_to(a.config, "[accounts.test.imap]", "command_timeout = 2\ngreeting_timeout = 3\nconnect_timeout = 4\n");
    a.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (!selecting(cmd)) return false;
        c.linger(60s);
        return true;
    };
    ChildOptions o;
    o.timeout = 90s;
    auto r = run_mailtwin({"-v", "--config", a.config.string(), "sync", "--full"}, o);
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    const std::string p = peer(a.fake.port());
    for (const std::string& line : {"connecting to " + p + " (waiting up to 4 s, connect_timeout)",
                                    "from " + p + " (a silence of 2 s fails, command_timeout)"})
        EXPECT_NE(r.output.find(line), std::string::npos) << line << "\n" << describe(r);
    EXPECT_TRUE(r.output.find("waiting for the answer to SELECT from " + p) != std::string::npos ||
                r.output.find("waiting for the answer to EXAMINE from " + p) != std::string::npos)
        << describe(r);
}

TEST(Timeouts, AnUntaggedByeEndsTheSessionAtOnce) {
    FakeAccount a("t-bye");
    a.fake.hook = [&](FakeConnection& c, const FakeCommand& cmd) {
        if (!selecting(cmd)) return false;
        c.send("* BYE server shutting down for maintenance\r\n");
        c.linger(60s);  // the socket stays open: only the BYE says the session is over
        return true;
    };
    auto r = run(a.s, a.config, {"--full"});
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    EXPECT_LT(r.elapsed, k_margin) << "the default command_timeout is 60 s; BYE must not wait for it\n" << describe(r);
    EXPECT_NE(r.output.find(peer(a.fake.port()) + " ended the session: server shutting down for maintenance"),
              std::string::npos)
        << describe(r);
}

}  // namespace
}  // namespace mailtwin::test
