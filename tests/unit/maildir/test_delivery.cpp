#include "mailtwin/maildir/delivery.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures/temp_dir.hpp"
#include "maildir_test_support.hpp"
#include "mailtwin/maildir/error.hpp"
#include "mailtwin/maildir/folder.hpp"
#include "mailtwin/maildir/tmp_cleanup.hpp"

namespace mailtwin::maildir {
namespace {

using namespace test_support;
using namespace std::chrono_literals;

class Delivery : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(create_folder(m_folder)); }
    test::TempDir m_dir;
    std::filesystem::path m_folder = m_dir / "INBOX";
};

TEST_F(Delivery, StreamsChunksIntoNewWithoutFlags) {
    auto writer = MessageWriter::open(m_folder);
    ASSERT_TRUE(writer);
    std::string expected;
    for (int i = 0; i < 20'000; ++i) {  // small pieces, as the IMAP parser hands them over
        const std::string chunk = "line " + std::to_string(i) + "\r\n";
        expected += chunk;
        ASSERT_TRUE(writer->write(chunk));
    }
    const std::string big(200'000, 'x');  // a piece larger than the buffer
    expected += big;
    ASSERT_TRUE(writer->write(big));
    EXPECT_EQ(writer->bytes_written(), expected.size());

    auto done = writer->commit({});
    ASSERT_TRUE(done) << done.error().describe();
    EXPECT_TRUE(writer->finished());
    EXPECT_EQ(done->location, Location::new_dir);
    EXPECT_EQ(done->file_name, done->key);
    EXPECT_EQ(done->key.substr(done->key.rfind(',')), ",S=" + std::to_string(expected.size()));
    EXPECT_EQ(done->path, m_folder / "new" / done->file_name);
    EXPECT_EQ(read_file(done->path), expected);
    EXPECT_TRUE(names_in(m_folder / "tmp").empty());
    EXPECT_TRUE(names_in(m_folder / "cur").empty());
}

TEST_F(Delivery, WithFlagsGoesToCurWithInfo) {
    auto done = deliver(m_folder, "Subject: x\r\n\r\nbody\r\n", {.flags = MaildirFlags::from_letters("SF")});
    ASSERT_TRUE(done);
    EXPECT_EQ(done->location, Location::cur_dir);
    EXPECT_EQ(done->file_name, done->key + ":2,FS");
    EXPECT_EQ(names_in(m_folder / "cur"), std::vector<std::string>{done->file_name});
    EXPECT_TRUE(names_in(m_folder / "new").empty());
}

TEST_F(Delivery, KeyWithoutSizeWhenAsked) {
    auto done = deliver(m_folder, "abc", {.size_in_key = false});
    ASSERT_TRUE(done);
    EXPECT_EQ(done->key.find(",S="), std::string::npos);
    EXPECT_EQ(done->size, 3u);
}

TEST_F(Delivery, MtimeIsTheInternalDate) {
    const auto date = std::chrono::system_clock::time_point(std::chrono::seconds(1'234'567'890)) + 250ms;
    auto done = deliver(m_folder, "m", {.internal_date = date});
    ASSERT_TRUE(done);
    struct stat st {};
    ASSERT_EQ(::stat(done->path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mtim.tv_sec, 1'234'567'890);
    EXPECT_EQ(st.st_mtim.tv_nsec, 250'000'000);
}

TEST_F(Delivery, NewWithFlagsIsRefusedAndLeavesNothing) {
    auto writer = MessageWriter::open(m_folder);
    ASSERT_TRUE(writer);
    ASSERT_TRUE(writer->write("m"));
    auto done = writer->commit({.flags = MaildirFlags::from_letters("S"), .location = Location::new_dir});
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().code, Errc::invalid_file_name);
    EXPECT_TRUE(names_in(m_folder / "tmp").empty());
    EXPECT_TRUE(names_in(m_folder / "new").empty());
}

TEST_F(Delivery, DestructorWithoutCommitRemovesTheTmpFile) {
    std::filesystem::path tmp;
    {
        auto writer = MessageWriter::open(m_folder);
        ASSERT_TRUE(writer);
        ASSERT_TRUE(writer->write("partial"));
        tmp = writer->tmp_path();
        EXPECT_TRUE(std::filesystem::exists(tmp));
    }
    EXPECT_FALSE(std::filesystem::exists(tmp));
    EXPECT_TRUE(names_in(m_folder / "tmp").empty());
    EXPECT_TRUE(names_in(m_folder / "new").empty());
    EXPECT_TRUE(names_in(m_folder / "cur").empty());
}

TEST_F(Delivery, AbortFinishesTheWriter) {
    auto writer = MessageWriter::open(m_folder);
    ASSERT_TRUE(writer);
    writer->abort();
    EXPECT_TRUE(writer->finished());
    auto w = writer->write("more");
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().code, Errc::already_finished);
    EXPECT_FALSE(writer->commit({}));
    EXPECT_TRUE(names_in(m_folder / "tmp").empty());
}

TEST_F(Delivery, MovedWriterKeepsOwnership) {
    auto writer = MessageWriter::open(m_folder);
    ASSERT_TRUE(writer);
    ASSERT_TRUE(writer->write("abc"));
    MessageWriter moved = std::move(*writer);
    auto done = moved.commit({});
    ASSERT_TRUE(done);
    EXPECT_EQ(read_file(done->path), "abc");
}

TEST_F(Delivery, OpenFailsWithThePathWhenTheFolderIsMissing) {
    auto writer = MessageWriter::open(m_dir / "nope");
    ASSERT_FALSE(writer);
    EXPECT_NE(writer.error().message.find((m_dir / "nope" / "tmp").string()), std::string::npos);
    EXPECT_EQ(writer.error().code, std::errc::no_such_file_or_directory);
}

TEST_F(Delivery, KilledBetweenFsyncAndRenameLeavesOnlyTmpWhichCleanupRemoves) {
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        auto writer = MessageWriter::open(m_folder);
        if (!writer) _exit(2);
        for (int i = 0; i < 100; ++i)
            if (!writer->write(std::string(8192, 'm'))) _exit(3);
        writer->set_before_rename_hook([](const std::filesystem::path&) { ::raise(SIGKILL); });
        (void)writer->commit({.flags = MaildirFlags::from_letters("S")});
        _exit(4);  // not reached: the hook kills the process
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status));
    EXPECT_EQ(WTERMSIG(status), SIGKILL);

    EXPECT_TRUE(names_in(m_folder / "new").empty());
    EXPECT_TRUE(names_in(m_folder / "cur").empty());
    const auto left = names_in(m_folder / "tmp");
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(std::filesystem::file_size(m_folder / "tmp" / left[0]), 100u * 8192u);

    auto cleaned = clean_tmp(m_folder);
    ASSERT_TRUE(cleaned);
    EXPECT_EQ(cleaned->removed, 1u);
    EXPECT_TRUE(names_in(m_folder / "tmp").empty());
}

}  // namespace
}  // namespace mailtwin::maildir
