// Issue 13 item 5: nothing is counted as done that was not done. A local message that cannot be
// carried to the server (unreadable, not a regular file, a second file holding another message's
// unique name) is reported with its path, fails its folder (exit 1), is not recorded, and is carried
// by the next run once the cause is gone; the summary counts only the copies that were made.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "scenario.hpp"

namespace mailtwin::test {
namespace {

std::filesystem::path write_message(const std::filesystem::path& file, const std::string& id, const std::string& body) {
    std::ofstream(file, std::ios::binary) << message_text(id, body);
    return file;
}

// As root, permissions do not stop a read: the binary then runs without the capabilities that let
// root read any file, as an ordinary user's mailtwin would.
std::string as_ordinary_user() {
    return ::geteuid() == 0 ? "setpriv --inh-caps=-all --bounding-set=-dac_override,-dac_read_search --" : "";
}

TEST(NotCarried, UnreadableFileIsReportedFailsTheFolderAndIsUploadedOnceReadable) {
    Scenario s("nc-unreadable");
    s.server_create("INBOX");
    ASSERT_EQ(s.sync().exit_code, 0);
    const auto cur = s.local_dir("INBOX") / "cur";
    write_message(cur / "1700000001.M1P1.host:2,S", "readable", "one");
    const auto locked = write_message(cur / "1700000002.M2P2.host:2,S", "locked", "two");
    ASSERT_EQ(::chmod(locked.c_str(), 0), 0);

    auto r = s.sync("", as_ordinary_user());
    ::chmod(locked.c_str(), 0600);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find(locked.string()), std::string::npos) << "the path must be named:\n" << r.output;
    EXPECT_NE(r.output.find("Permission denied"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("+1 \u2191"), std::string::npos) << "one upload was made, not two:\n" << r.output;
    EXPECT_EQ(r.output.find("+2 \u2191"), std::string::npos) << r.output;
    EXPECT_EQ(s.server_bodies("INBOX").size(), 1U);

    // Readable again: the next run carries it, and only it.
    auto again = s.sync();
    EXPECT_EQ(again.exit_code, 0) << again.output;
    EXPECT_NE(again.output.find("+1 \u2191"), std::string::npos) << again.output;
    EXPECT_EQ(s.server_bodies("INBOX"), s.local_bodies("INBOX"));
    EXPECT_EQ(s.server_bodies("INBOX").size(), 2U);
    auto quiet = s.sync();
    EXPECT_EQ(quiet.exit_code, 0) << quiet.output;
    EXPECT_EQ(quiet.output.find("\u2191"), std::string::npos) << quiet.output;
}

TEST(NotCarried, MessageNameThatIsNotARegularFileIsReported) {
    Scenario s("nc-fifo");
    s.server_create("INBOX");
    ASSERT_EQ(s.sync().exit_code, 0);
    const auto cur = s.local_dir("INBOX") / "cur";
    write_message(cur / "1700000003.M3P3.host:2,", "plain", "three");
    const auto fifo = cur / "1700000004.M4P4.host:2,S";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const auto dangling = cur / "1700000005.M5P5.host,S=120:2,";
    std::filesystem::create_symlink(s.maildir() / "no-such-file", dangling);
    const auto nameless = write_message(cur / ":2,S", "nameless", "no unique name");
    // A FIFO under the unique name of a regular message: never opened (that would hang), reported.
    const auto twin_fifo = s.local_dir("INBOX") / "new" / "1700000003.M3P3.host";
    ASSERT_EQ(::mkfifo(twin_fifo.c_str(), 0600), 0);

    auto r = s.sync();
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find(fifo.string() + "' is not a regular file"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(dangling.string() + "' is a symbolic link to nothing"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(nameless.string() + "' has no unique name"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(twin_fifo.string() + "' has the Maildir unique name"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("+1 \u2191"), std::string::npos) << r.output;
    EXPECT_EQ(s.server_bodies("INBOX").size(), 1U);
    // Still there next run, still reported: never recorded as synced.
    auto again = s.sync();
    EXPECT_EQ(again.exit_code, 1) << again.output;
    EXPECT_NE(again.output.find(fifo.string()), std::string::npos) << again.output;
    EXPECT_EQ(s.server_bodies("INBOX").size(), 1U);
}

TEST(NotCarried, TwoFilesWithOneUniqueNameAreNeverMergedSilently) {
    Scenario s("nc-samekey");
    s.server_create("INBOX");
    ASSERT_EQ(s.sync().exit_code, 0);
    const auto dir = s.local_dir("INBOX");
    const auto in_new = write_message(dir / "new" / "1700000006.M6P6.host", "in-new", "a new message");
    const auto in_cur = write_message(dir / "cur" / "1700000006.M6P6.host:2,F", "in-cur", "another message");

    auto r = s.sync();
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find(in_new.string()), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(in_cur.string()), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("holds another message"), std::string::npos) << r.output;
    EXPECT_EQ(s.server_bodies("INBOX").size(), 1U);

    // Given a unique name of its own, it is carried; nothing is duplicated.
    std::filesystem::rename(in_new, dir / "new" / "1700000007.M7P7.host");
    auto again = s.sync();
    EXPECT_EQ(again.exit_code, 0) << again.output;
    EXPECT_EQ(s.server_bodies("INBOX").size(), 2U);
    EXPECT_EQ(s.server_bodies("INBOX"), s.local_bodies("INBOX"));
    for (const auto& [id, n] : s.local_id_counts()) EXPECT_EQ(n, 1U) << id;
}

TEST(NotCarried, IdenticalCopiesUnderOneNameAreOneMessage) {
    Scenario s("nc-samecopy");
    s.server_create("INBOX");
    ASSERT_EQ(s.sync().exit_code, 0);
    const auto dir = s.local_dir("INBOX");
    write_message(dir / "new" / "1700000008.M8P8.host", "copy", "same bytes");
    write_message(dir / "cur" / "1700000008.M8P8.host:2,S", "copy", "same bytes");
    auto r = s.sync();
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(s.server_bodies("INBOX").size(), 1U);
}

}  // namespace
}  // namespace mailtwin::test
