#include "mailtwin/state/account_lock.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>

#include "fixtures/temp_dir.hpp"
#include "mailtwin/state/error.hpp"
#include "state_test_util.hpp"

namespace mailtwin::state {
namespace {

using mailtwin::test::TempDir;
using namespace std::chrono_literals;

// Forks a child that takes the lock, reports through a pipe, then waits for the parent's word
// (or is killed). Returns the child's pid; `release` (write end) lets it exit normally.
pid_t spawn_holder(const std::filesystem::path& state_dir, const std::string& account, int& release) {
    int ready[2];
    int go[2];
    EXPECT_EQ(::pipe(ready), 0);
    EXPECT_EQ(::pipe(go), 0);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(ready[0]);
        ::close(go[1]);
        auto lock = AccountLock::acquire(state_dir, account);
        const char status = lock ? 'y' : 'n';
        (void)::write(ready[1], &status, 1);
        char c = 0;
        (void)::read(go[0], &c, 1);  // blocks until the parent writes or closes
        ::_exit(0);
    }
    ::close(ready[1]);
    ::close(go[0]);
    char status = 0;
    EXPECT_EQ(::read(ready[0], &status, 1), 1);
    EXPECT_EQ(status, 'y');
    ::close(ready[0]);
    release = go[1];
    return pid;
}

TEST(AccountLock, SecondProcessGetsDistinctErrorNamingThePid) {
    TempDir dir;
    const auto state_dir = dir / "nested" / "state";
    int release = -1;
    const pid_t holder = spawn_holder(state_dir, "work", release);
    auto second = AccountLock::acquire(state_dir, "work");
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, make_error_code(Errc::account_locked));
    EXPECT_EQ(second.error().message, "another mailtwin (pid " + std::to_string(holder) + ") is syncing account work");
    // Other accounts are independent.
    EXPECT_TRUE(AccountLock::acquire(state_dir, "home"));
    ::close(release);
    ::waitpid(holder, nullptr, 0);
    EXPECT_TRUE(AccountLock::acquire(state_dir, "work")) << "released when the holder exits";
}

TEST(AccountLock, KilledHolderReleasesTheLock) {
    TempDir dir;
    int release = -1;
    const pid_t holder = spawn_holder(dir.path(), "work", release);
    ASSERT_FALSE(AccountLock::acquire(dir.path(), "work"));
    ::kill(holder, SIGKILL);
    int status = 0;
    ::waitpid(holder, &status, 0);
    EXPECT_TRUE(test::killed_by(status, SIGKILL));
    ::close(release);
    auto lock = AccountLock::acquire(dir.path(), "work");
    ASSERT_TRUE(lock) << lock.error().describe();
    std::ifstream in(lock->path());
    std::string pid;
    std::getline(in, pid);
    EXPECT_EQ(pid, std::to_string(::getpid())) << "the new holder's pid replaced the dead one's";
}

TEST(AccountLock, WaitModeAcquiresOnceReleased) {
    TempDir dir;
    int release = -1;
    const pid_t holder = spawn_holder(dir.path(), "work", release);
    std::thread releaser([&] {
        std::this_thread::sleep_for(150ms);
        ::close(release);
    });
    const auto start = std::chrono::steady_clock::now();
    auto lock = AccountLock::acquire_wait(dir.path(), "work", 10s);
    const auto waited = std::chrono::steady_clock::now() - start;
    releaser.join();
    ::waitpid(holder, nullptr, 0);
    ASSERT_TRUE(lock) << lock.error().describe();
    EXPECT_GE(waited, 100ms);
}

TEST(AccountLock, WaitModeTimesOut) {
    TempDir dir;
    int release = -1;
    const pid_t holder = spawn_holder(dir.path(), "work", release);
    auto lock = AccountLock::acquire_wait(dir.path(), "work", 100ms);
    ASSERT_FALSE(lock);
    EXPECT_EQ(lock.error().code, make_error_code(Errc::lock_timeout));
    EXPECT_NE(lock.error().message.find("pid " + std::to_string(holder)), std::string::npos);
    ::close(release);
    ::waitpid(holder, nullptr, 0);
}

TEST(AccountLock, SecondDescriptorInTheSameProcessIsAlsoRefused) {
    TempDir dir;
    auto first = AccountLock::acquire(dir.path(), "work");
    ASSERT_TRUE(first);
    auto second = AccountLock::acquire(dir.path(), "work");
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, make_error_code(Errc::account_locked));
    { AccountLock moved = std::move(*first); }  // destructor releases
    EXPECT_TRUE(AccountLock::acquire(dir.path(), "work"));
}

TEST(AccountLock, AccountNamesMapToSafeDistinctFiles) {
    EXPECT_EQ(AccountLock::lock_path("/s", "work").filename(), "work.lock");
    EXPECT_EQ(AccountLock::lock_path("/s", "a/b c").filename(), "a%2Fb%20c.lock");
    EXPECT_NE(AccountLock::lock_path("/s", "a/b"), AccountLock::lock_path("/s", "a_b"));
    EXPECT_EQ(AccountLock::lock_path("/s", "..").parent_path(), "/s");
}

}  // namespace
}  // namespace mailtwin::state
