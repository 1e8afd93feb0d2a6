#include "mailtwin/maildir/unique_name.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <string>
#include <vector>

namespace mailtwin::maildir {
namespace {

TEST(UniqueName, HasTheMaildirFormat) {
    const auto name = make_unique_name();
    // <seconds>.M<usec>P<pid>Q<counter>.<host>: the strict parser accepts it and renders it back.
    auto parts = parse_unique_name(name);
    ASSERT_TRUE(parts) << name;
    EXPECT_EQ(render_unique_name(*parts), name);
    EXPECT_GT(parts->seconds, 1'600'000'000);
    EXPECT_EQ(parts->pid, getpid());
    EXPECT_EQ(parts->hostname, local_hostname());
    EXPECT_LT(parts->microseconds, 1'000'000);
    EXPECT_EQ(name.find(':'), std::string::npos);
    EXPECT_EQ(name.find('/'), std::string::npos);
}

TEST(UniqueName, EncodesSlashAndColonInTheHostName) {
    EXPECT_EQ(encode_hostname("a/b:c"), "a\\057b\\072c");
    EXPECT_EQ(encode_hostname("plain.example"), "plain.example");
    UniqueNameParts p{1700000000, 42, 77, 5, encode_hostname("h:1/x")};
    const auto name = render_unique_name(p);
    EXPECT_EQ(name, "1700000000.M42P77Q5.h\\0721\\057x");
    EXPECT_EQ(parse_unique_name(name), p);
}

TEST(UniqueName, ParseRejectsOtherForms) {
    EXPECT_FALSE(parse_unique_name("1700000000.M42P77.host"));  // Dovecot's form, no Q
    EXPECT_FALSE(parse_unique_name("1700000000.M42P77Q1."));
    EXPECT_FALSE(parse_unique_name("1700000000.M42P77Q1.host,S=5"));
    EXPECT_FALSE(parse_unique_name("1700000000.M42P77Q1.host:2,S"));
    EXPECT_FALSE(parse_unique_name("garbage"));
}

TEST(UniqueName, NeverRepeatsWithinAProcess) {
    constexpr int k_count = 100'000;
    std::set<std::string> seen;
    for (int i = 0; i < k_count; ++i) seen.insert(make_unique_name());
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(k_count));
}

TEST(UniqueName, NeverRepeatsAcrossForkedChildren) {
    // Children inherit the counter: only the pid keeps their names apart, which is the point.
    constexpr int k_children = 4;
    constexpr int k_per_child = 2'000;
    std::vector<int> pipes;
    std::vector<pid_t> pids;
    for (int c = 0; c < k_children; ++c) {
        int fds[2];
        ASSERT_EQ(pipe(fds), 0);
        const pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            close(fds[0]);
            std::string out;
            for (int i = 0; i < k_per_child; ++i) out += make_unique_name() + "\n";
            const char* p = out.data();
            std::size_t left = out.size();
            while (left > 0) {
                const auto n = write(fds[1], p, left);
                if (n <= 0) _exit(1);
                p += n;
                left -= static_cast<std::size_t>(n);
            }
            _exit(0);
        }
        close(fds[1]);
        pipes.push_back(fds[0]);
        pids.push_back(pid);
    }
    std::set<std::string> seen;
    for (int i = 0; i < k_per_child; ++i) seen.insert(make_unique_name());
    std::size_t total = k_per_child;
    for (int fd : pipes) {
        std::string data;
        char buf[4096];
        for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) data.append(buf, static_cast<std::size_t>(n));
        close(fd);
        for (std::size_t start = 0, end; (end = data.find('\n', start)) != std::string::npos; start = end + 1) {
            seen.insert(data.substr(start, end - start));
            ++total;
        }
    }
    for (pid_t pid : pids) {
        int status = 0;
        ASSERT_EQ(waitpid(pid, &status, 0), pid);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    EXPECT_EQ(total, static_cast<std::size_t>(k_per_child * (k_children + 1)));
    EXPECT_EQ(seen.size(), total);
}

}  // namespace
}  // namespace mailtwin::maildir
