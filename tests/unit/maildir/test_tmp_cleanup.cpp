#include "mailtwin/maildir/tmp_cleanup.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures/temp_dir.hpp"
#include "maildir_test_support.hpp"
#include "mailtwin/maildir/folder.hpp"
#include "mailtwin/maildir/unique_name.hpp"

namespace mailtwin::maildir {
namespace {

using namespace test_support;
using namespace std::chrono_literals;

pid_t dead_pid() {
    const pid_t pid = fork();
    if (pid == 0) _exit(0);
    int status = 0;
    waitpid(pid, &status, 0);
    return pid;
}

class TmpCleanup : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(create_folder(m_folder)); }
    std::filesystem::path tmp(const std::string& name) const { return m_folder / "tmp" / name; }
    std::string own_name(std::int64_t pid, const std::string& host) const {
        return render_unique_name(UniqueNameParts{1'700'000'000, 1, pid, 9, host});
    }
    test::TempDir m_dir;
    std::filesystem::path m_folder = m_dir / "f";
};

TEST_F(TmpCleanup, RemovesOursWhoseWriterIsDeadKeepsTheRest) {
    const auto dead = dead_pid();
    write_file(tmp(own_name(dead, local_hostname())), "x");                   // ours, writer gone
    write_file(tmp(own_name(getpid(), local_hostname())), "x");               // ours, writer alive (this process)
    write_file(tmp(own_name(dead, "other.host")), "x");                       // another host's: pid says nothing
    write_file(tmp("1700000000.M1P" + std::to_string(dead) + ".host"), "x");  // not our format
    std::filesystem::create_directory(tmp("subdir"));

    auto r = clean_tmp(m_folder);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->removed, 1u);
    EXPECT_EQ(r->kept, 4u);
    EXPECT_FALSE(std::filesystem::exists(tmp(own_name(dead, local_hostname()))));
    EXPECT_TRUE(std::filesystem::exists(tmp(own_name(getpid(), local_hostname()))));
}

TEST_F(TmpCleanup, RemovesAnythingOlderThan36Hours) {
    write_file(tmp("foreign-delivery"), "x");
    write_file(tmp(own_name(getpid(), local_hostname())), "x");
    // ctime cannot be set back, so the clock is moved forward instead.
    auto early = clean_tmp(m_folder, {.now = std::chrono::system_clock::now() + 35h});
    ASSERT_TRUE(early);
    EXPECT_EQ(early->removed, 0u);
    auto late = clean_tmp(m_folder, {.now = std::chrono::system_clock::now() + 37h});
    ASSERT_TRUE(late);
    EXPECT_EQ(late->removed, 2u);
    EXPECT_TRUE(names_in(m_folder / "tmp").empty());
}

TEST_F(TmpCleanup, AgeRuleUsesCtimeNotTheBackdatedMtime) {
    const auto path = tmp("delivery-in-progress");
    write_file(path, "x");
    std::filesystem::last_write_time(path, std::filesystem::file_time_type::clock::now() - 24h * 400);
    auto r = clean_tmp(m_folder);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->removed, 0u);
    EXPECT_TRUE(std::filesystem::exists(path));
}

TEST_F(TmpCleanup, MissingFolderIsAnError) {
    auto r = clean_tmp(m_dir / "absent");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("absent"), std::string::npos);
}

}  // namespace
}  // namespace mailtwin::maildir
