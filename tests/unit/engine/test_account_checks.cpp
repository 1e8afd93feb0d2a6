// Checks made before an account is synced (settings/account_checks.hpp): a maildir that cannot hold
// mail, a --folder that matches nothing; and a password_cmd's error output that repeats its password.
#include "mailtwin/settings/account_checks.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "fixtures/temp_dir.hpp"
#include "mailtwin/results/engine_error.hpp"
#include "mailtwin/run/forget.hpp"
#include "mailtwin/settings/secret.hpp"

namespace mailtwin::engine {
namespace {

config::Account account_at(const std::filesystem::path& maildir) {
    config::Account a;
    a.name = "work";
    a.maildir = maildir;
    return a;
}

TEST(MaildirRoot, ADirectoryOrAPlaceToCreateOneIsFine) {
    test::TempDir dir("mailtwin-root");
    EXPECT_EQ(maildir_root_problem(account_at(dir.path())), std::nullopt);
    EXPECT_EQ(maildir_root_problem(account_at(dir / "a" / "b" / "Mail")), std::nullopt);
}

TEST(MaildirRoot, ARegularFileOrAPathBelowOneNamesTheKey) {
    test::TempDir dir("mailtwin-root");
    const auto file = dir / "file";
    std::ofstream(file) << "not a directory";
    auto e = maildir_root_problem(account_at(file));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, make_error_code(EngineError::maildir_unusable));
    EXPECT_EQ(e->message, "accounts.work.maildir = \"" + file.string() + "\" cannot be used: " + file.string() +
                              " exists and is not a directory; set maildir to a directory you can write");
    e = maildir_root_problem(account_at(file / "Mail" / "work"));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->message, "accounts.work.maildir = \"" + (file / "Mail" / "work").string() +
                              "\" cannot be used: " + file.string() +
                              " is a file, so no directory can be created below it; set maildir to a directory you "
                              "can write");
}

TEST(MaildirRoot, AReadOnlyPlaceNamesTheKey) {
    // /proc/sys refuses new directories even to root (chmod would not stop root).
    if (::access("/proc/sys", W_OK) == 0) GTEST_SKIP() << "/proc/sys is writable here";
    auto e = maildir_root_problem(account_at("/proc/sys/mailtwin-test/Mail"));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->message,
              "accounts.work.maildir = \"/proc/sys/mailtwin-test/Mail\" cannot be used: "
              "/proc/sys/mailtwin-test/Mail would be created in /proc/sys, which is read-only for this "
              "user; set maildir to a directory you can write");
}

TEST(FolderRequest, MatchesAreFineAndTyposListTheNearNames) {
    const std::vector<std::string> names{"INBOX", "Archive", "Archive/2023", "Sent", "Lists/dev"};
    EXPECT_EQ(unmatched_folders("work", {"INBOX", "Lists/dev"}, names), std::nullopt);
    auto e = unmatched_folders("work", {"Archiv"}, names);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, make_error_code(EngineError::folder_not_found));
    EXPECT_EQ(e->message,
              "--folder \"Archiv\" matches no folder of account work; did you mean \"Archive\", \"Archive/2023\"?");
    e = unmatched_folders("work", {"inbox"}, names);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->message, "--folder \"inbox\" matches no folder of account work; did you mean \"INBOX\"?");
    e = unmatched_folders("work", {"Zzzzzzzzzzzz"}, names);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->message,
              "--folder \"Zzzzzzzzzzzz\" matches no folder of account work (it has 5 folders; mailtwin "
              "folders work lists them)");
}

TEST(ForgetCommand, QuotesWhatTheShellWouldSplit) {
    EXPECT_EQ(forget_command("work"), "mailtwin forget work");
    EXPECT_EQ(forget_command("work", "Lists/dev"), "mailtwin forget work --folder Lists/dev");
    EXPECT_EQ(forget_command("work", "Sent Items"), "mailtwin forget work --folder 'Sent Items'");
    EXPECT_EQ(forget_command("work", "it's"), "mailtwin forget work --folder 'it'\\''s'");
}

TEST(PasswordCommandErrors, AStderrLineThatRepeatsThePasswordIsNotShown) {
    using namespace std::chrono_literals;
    config::Imap imap;
    // The password is made at run time, so that the command line quoted in the message does not hold it.
    imap.password_cmd = "p=$(printf 'hunter%d-%s' 2 secret); echo \"$p\"; echo \"$p\" >&2; exit 1";
    auto r = resolve_secret(imap, 5s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message.find("hunter2"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message, "password_cmd \"" + *imap.password_cmd +
                                     "\" failed (exit 1) (its error output repeats what it printed as the password, "
                                     "so it is not shown)");
    imap.password_cmd =
        "p=$(printf 'hunter%d-%s' 2 secret); echo \"$p\"; echo \"+ pass=$p\" >&2; echo 'gpg: decryption failed' "
        ">&2; exit 2";
    r = resolve_secret(imap, 5s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "password_cmd \"" + *imap.password_cmd + "\" failed (exit 2): gpg: decryption failed");
    imap.password_cmd = "echo 'gpg: no secret key' >&2; exit 2";
    r = resolve_secret(imap, 5s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "password_cmd \"" + *imap.password_cmd + "\" failed (exit 2): gpg: no secret key");
}

}  // namespace
}  // namespace mailtwin::engine
