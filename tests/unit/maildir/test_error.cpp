#include "mailtwin/maildir/error.hpp"

#include <gtest/gtest.h>

namespace mailtwin::maildir {
namespace {

TEST(MaildirError, CodesCompareByValueAndNameTheCategory) {
    const std::error_code ec = Errc::message_not_found;
    EXPECT_EQ(ec, Errc::message_not_found);
    EXPECT_NE(ec, Errc::not_a_maildir);
    EXPECT_STREQ(ec.category().name(), "maildir");
    EXPECT_EQ(ec.message(), "message not found");
}

TEST(MaildirError, EveryCodeHasAMessage) {
    for (int v = static_cast<int>(Errc::invalid_file_name); v <= static_cast<int>(Errc::already_finished); ++v)
        EXPECT_NE(error_category().message(v), "unknown maildir error") << v;
    EXPECT_EQ(error_category().message(999), "unknown maildir error");
}

TEST(MaildirError, MakeErrorKeepsTheMessage) {
    const auto e = make_error(Errc::cross_device, "move '/a' to '/b': keep one file system");
    EXPECT_EQ(e.code, Errc::cross_device);
    EXPECT_EQ(e.describe(), "move '/a' to '/b': keep one file system (maildir: folders are on different file systems)");
}

}  // namespace
}  // namespace mailtwin::maildir
