#pragma once
// The setup most fake-server tests start from: an isolated SyncSetup whose config (fake.toml) points
// at a scripted fake IMAP server on 127.0.0.1 in clear text. A test adds its folders and messages to
// `fake`, and its hooks, then runs the real binary with sync_for().
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "support/fake_imap.hpp"
#include "support/setup.hpp"

namespace mailtwin::test {

// What FakeImapServer announces unless a test says otherwise.
inline const std::string k_fake_capabilities = "IMAP4rev1 AUTH=PLAIN UIDPLUS";

struct FakeLogin {
    std::string user = "u";
    std::string password = "p";
};

struct FakeAccountSetup {
    // `name` as for SyncSetup; the fake announces `capabilities` in its greeting and CAPABILITY answer.
    explicit FakeAccountSetup(const std::string& name, const std::string& capabilities = k_fake_capabilities,
                              const FakeLogin& login = {});

    // mailtwin --config CONFIG sync ARGS, killed after `timeout`.
    [[nodiscard]] ChildResult sync_for(std::chrono::seconds timeout, const std::vector<std::string>& args = {}) const;

    SyncSetup s;
    FakeImapServer fake;
    Endpoint e;  // what `config` says: the fake, tls = "none", the login
    std::filesystem::path config;
};

// What the hostile-server suites start from: a login that is no real account's, and an INBOX of
// `messages` sane messages (at most 3: m1 "first" \Seen, m2 "second", m3 "third" \Flagged) that
// baseline() syncs before the test turns the server hostile.
struct SaneFirstAccount : FakeAccountSetup {
    SaneFirstAccount(const std::string& name, const std::string& capabilities, std::size_t messages,
                     std::chrono::seconds timeout);

    // mailtwin sync ARGS, killed after the timeout.
    ChildResult run(const std::vector<std::string>& args = {}) const { return sync_for(m_timeout, args); }
    // The sane first sync, which must succeed, then a snapshot of every local file in `before`.
    void baseline();

    std::map<std::string, std::string> before;

private:
    std::chrono::seconds m_timeout;
};

}  // namespace mailtwin::test
