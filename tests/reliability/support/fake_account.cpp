#include "support/fake_account.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <iterator>

namespace mailtwin::test {

FakeAccountSetup::FakeAccountSetup(const std::string& name, const std::string& capabilities, const FakeLogin& login)
    : s(name) {
    fake.capabilities = capabilities;
    fake.greeting = "* OK [CAPABILITY " + capabilities + "] fake ready\r\n";
    e.port = fake.port();
    e.tls = "none";
    e.user = login.user;
    e.password = login.password;
    config = s.write_config("fake.toml", e);
}

ChildResult FakeAccountSetup::sync_for(std::chrono::seconds timeout, const std::vector<std::string>& args) const {
    ChildOptions o;
    o.timeout = timeout;
    return s.sync(args, o, config);
}

SaneFirstAccount::SaneFirstAccount(const std::string& name, const std::string& capabilities, std::size_t messages,
                                   std::chrono::seconds timeout)
    : FakeAccountSetup(name, capabilities, {"mallory", "not-a-real-password"}), m_timeout(timeout) {
    struct Sane {
        const char* id;
        const char* body;
        const char* flags;
    };
    static constexpr Sane k_sane[] = {{"m1", "first", "\\Seen"}, {"m2", "second", ""}, {"m3", "third", "\\Flagged"}};
    auto& inbox = fake.folders[s.folder("INBOX")];
    for (std::size_t i = 0; i < messages && i < std::size(k_sane); ++i)
        inbox.add(k_sane[i].id, k_sane[i].body, k_sane[i].flags);
}

void SaneFirstAccount::baseline() {
    auto r = run();
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    before = s.local_files();
}

}  // namespace mailtwin::test
