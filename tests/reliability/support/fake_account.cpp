#include "support/fake_account.hpp"

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

void add_sane_inbox(FakeAccountSetup& account, std::size_t count) {
    struct Sane {
        const char* id;
        const char* body;
        const char* flags;
    };
    static constexpr Sane k_sane[] = {{"m1", "first", "\\Seen"}, {"m2", "second", ""}, {"m3", "third", "\\Flagged"}};
    auto& inbox = account.fake.folders[account.s.folder("INBOX")];
    for (std::size_t i = 0; i < count && i < std::size(k_sane); ++i)
        inbox.add(k_sane[i].id, k_sane[i].body, k_sane[i].flags);
}

}  // namespace mailtwin::test
