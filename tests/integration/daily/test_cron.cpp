// The shipped cron line (contrib/cron/mailtwin.cron) under Debian's real cron daemon, with the binary
// where `cmake --install` puts it and the config where a user keeps it (tests/fixtures/cron-private.sh
// runs cron in a private mount namespace, so nothing of the system's is touched). The job's schedule
// is replaced by @reboot so that it runs at once; its command is the shipped one, word for word.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "daily_setup.hpp"
#include "fixtures/run_command.hpp"
#include "fixtures/temp_dir.hpp"
#include "mailtwin/state/account_lock.hpp"

namespace mailtwin::test {
namespace {

namespace fs = std::filesystem;
constexpr const char* k_mail_check = "echo mail-check";  // proves that cron's mails are seen at all

std::string read_text(const fs::path& p) {
    std::ifstream in(p);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The shipped file with its one active job line run at start; the comments and PATH stay as they are.
std::string crontab_from_shipped(std::string& job_command) {
    std::istringstream in(read_text(fs::path(MAILTWIN_SOURCE_DIR) / "contrib/cron/mailtwin.cron"));
    std::string line, out;
    int jobs = 0;
    while (std::getline(in, line)) {
        if (!line.empty() && line[0] != '#' && line.find('=') == std::string::npos) {
            std::istringstream fields(line);
            std::string field;
            for (int i = 0; i < 5; ++i) fields >> field;  // minute hour day month weekday
            std::getline(fields >> std::ws, job_command);
            line = "@reboot " + job_command;
            ++jobs;
        }
        out += line + "\n";
    }
    EXPECT_EQ(jobs, 1) << "the shipped crontab should have exactly one active job line";
    return out + "@reboot " + k_mail_check + "\n";
}

// One private cron daemon, run until the job has run `runs` times in all (the wrapper counts them).
class PrivateCron {
public:
    explicit PrivateCron(const fs::path& dir) : m_dir(dir) {
        const std::string cmd = "bash " MAILTWIN_TEST_FIXTURE_DIR "/cron-private.sh " + dir.string() + " >" +
                                (dir / "cron.log").string() + " 2>&1 & echo $!";
        m_pid = std::stoi(run_command(cmd).output);
    }
    ~PrivateCron() {
        ::kill(m_pid, SIGTERM);
        for (int i = 0; i < 50 && ::kill(m_pid, 0) == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        ::kill(m_pid, SIGKILL);
        run_command("wait " + std::to_string(m_pid) + " 2>/dev/null");
    }
    // Waits for the job's `n`-th run to end and for cron's mail of the check line; false on timeout.
    bool wait_for(std::size_t n, std::size_t mails) const {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
        while (std::chrono::steady_clock::now() < deadline) {
            if (runs().size() >= n && mail_count() >= mails) {
                std::this_thread::sleep_for(std::chrono::seconds(2));  // a mail of the job would be sent by now
                return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        return false;
    }
    [[nodiscard]] std::vector<std::string> runs() const {
        std::vector<std::string> out;
        std::istringstream in(read_text(m_dir / "runs"));
        for (std::string l; std::getline(in, l);) out.push_back(l);
        return out;
    }
    [[nodiscard]] std::size_t mail_count() const {
        std::size_t n = 0;
        for ([[maybe_unused]] const auto& e : fs::directory_iterator(m_dir / "mail")) ++n;
        return n;
    }
    [[nodiscard]] std::string mails() const {
        std::string all;
        for (const auto& e : fs::directory_iterator(m_dir / "mail")) all += read_text(e.path()) + "\n----\n";
        return all;
    }

private:
    fs::path m_dir;
    int m_pid = -1;
};

TEST(Cron, TheShippedLineSyncsAndALockClashSendsNoMail) {
    ASSERT_EQ(::geteuid(), 0u) << "the cron test runs cron in a private mount namespace: run it as root (CI does)";
    DailySetup s("cron");
    s.server_create("A");
    s.server_append("A", "c1");
    s.server_append("A", "c2");

    TempDir dir("mailtwin-cron");
    std::string job;
    std::ofstream(dir / "crontab") << crontab_from_shipped(job);
    fs::create_directories(dir / "bin");
    fs::create_directories(dir / "home/.config/mailtwin");
    fs::create_directories(dir / "mail");
    fs::copy_file(s.config_path(), dir / "home/.config/mailtwin/config.toml");
    fs::permissions(dir / "home/.config/mailtwin/config.toml", fs::perms::owner_read | fs::perms::owner_write);
    // /usr/local/bin/mailtwin: the binary, behind a wrapper that only counts runs and their exit codes.
    std::ofstream(dir / "bin/mailtwin") << "#!/bin/sh\n" MAILTWIN_BINARY " \"$@\"\nrc=$?\necho $rc >> "
                                        << (dir / "runs").string() << "\nexit $rc\n";
    fs::permissions(dir / "bin/mailtwin", fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    ASSERT_EQ(job, "mailtwin -q sync");

    {  // Another mailtwin is at work: the job exits 4 and prints nothing, so cron sends no mail.
        auto lock = state::AccountLock::acquire(s.state_dir(), "test");
        ASSERT_TRUE(lock) << lock.error().describe();
        PrivateCron cron(dir.path());
        ASSERT_TRUE(cron.wait_for(1, 1)) << read_text(dir / "cron.log") << cron.mails();
        EXPECT_EQ(cron.runs(), std::vector<std::string>{"4"});
        EXPECT_EQ(cron.mail_count(), 1u) << cron.mails();
        EXPECT_NE(cron.mails().find(k_mail_check), std::string::npos) << cron.mails();
    }
    fs::remove_all(dir / "mail");
    fs::create_directories(dir / "mail");
    {  // The lock is free: the job syncs, silently.
        PrivateCron cron(dir.path());
        ASSERT_TRUE(cron.wait_for(2, 1)) << read_text(dir / "cron.log") << cron.mails();
        EXPECT_EQ(cron.runs(), (std::vector<std::string>{"4", "0"}));
        EXPECT_EQ(cron.mail_count(), 1u) << "only the check line may mail:\n" << cron.mails();
    }
    std::size_t delivered = 0;
    for (const char* sub : {"new", "cur"})
        for ([[maybe_unused]] const auto& e : fs::directory_iterator(s.local_dir("A") / sub)) ++delivered;
    EXPECT_EQ(delivered, 2u);
}

}  // namespace
}  // namespace mailtwin::test
