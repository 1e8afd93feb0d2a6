#include "mailtwin/settings/secret.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "mailtwin/results/engine_error.hpp"

namespace mailtwin::engine {
namespace {

using namespace std::chrono_literals;

config::Imap with_command(const std::string& command) {
    config::Imap imap;
    imap.password_cmd = command;
    return imap;
}

TEST(PasswordCommand, PrintsThePassword) {
    auto secret = resolve_secret(with_command("printf 'hunter2\\n'"), 5s);
    ASSERT_TRUE(secret) << secret.error().describe();
    EXPECT_EQ(*secret, "hunter2");
}

TEST(PasswordCommand, TakesOnlyTheFirstLineLikeMbsyncPassCmd) {
    // `pass show` prints the password, then more lines (login:, url:).
    auto secret = resolve_secret(with_command("printf 's3cret\\r\\nlogin: me\\nurl: x\\n'"), 5s);
    ASSERT_TRUE(secret) << secret.error().describe();
    EXPECT_EQ(*secret, "s3cret");
    auto raw = run_password_command("printf 'a\\nb\\n'", 5s);
    ASSERT_TRUE(raw);
    EXPECT_EQ(*raw, "a\nb\n");
}

TEST(PasswordCommand, AFailingCommandQuotesItsStderrAndExitStatus) {
    auto secret = resolve_secret(with_command("echo 'gpg: decryption failed: No secret key' >&2; exit 2"), 5s);
    ASSERT_FALSE(secret);
    EXPECT_EQ(secret.error().code, make_error_code(EngineError::password_command_failed));
    EXPECT_NE(secret.error().message.find("failed (exit 2): gpg: decryption failed: No secret key"), std::string::npos)
        << secret.error().message;
}

TEST(PasswordCommand, AFailingCommandNeverLeaksWhatItPrintedOnStdout) {
    // The command's text is quoted in the message; the secret it prints must not be (spelt apart here).
    auto secret = resolve_secret(with_command("printf 'leaked-%s\\n' secret; exit 1"), 5s);
    ASSERT_FALSE(secret);
    EXPECT_EQ(secret.error().message.find("leaked-secret"), std::string::npos) << secret.error().message;
}

TEST(PasswordCommand, ACommandThatHangsIsKilledAfterTheTimeout) {
    const auto start = std::chrono::steady_clock::now();
    auto secret = resolve_secret(with_command("exec sleep 30"), 1500ms);
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(secret);
    EXPECT_EQ(secret.error().code, make_error_code(EngineError::password_command_failed));
    EXPECT_NE(secret.error().message.find("did not finish within 1 s"), std::string::npos) << secret.error().message;
    EXPECT_LT(took, 10s);
}

TEST(PasswordCommand, EmptyOutputIsAnError) {
    auto secret = resolve_secret(with_command("true"), 5s);
    ASSERT_FALSE(secret);
    EXPECT_EQ(secret.error().code, make_error_code(EngineError::password_command_failed));
    EXPECT_NE(secret.error().message.find("printed nothing"), std::string::npos) << secret.error().message;
    EXPECT_FALSE(resolve_secret(with_command("echo"), 5s));  // an empty first line is no password either
}

TEST(PasswordCommand, StdinIsNotTheTerminal) {
    // A command that reads stdin must see end of file at once, not wait for the user.
    auto secret = resolve_secret(with_command("read line; echo \"got:$line\""), 5s);
    ASSERT_TRUE(secret) << secret.error().describe();
    EXPECT_EQ(*secret, "got:");
}

TEST(PasswordCommand, AnInlinePasswordIsUsedAsWritten) {
    config::Imap imap;
    imap.password = "in-the-file";
    auto secret = resolve_secret(imap, 5s);
    ASSERT_TRUE(secret);
    EXPECT_EQ(*secret, "in-the-file");
    EXPECT_FALSE(resolve_secret(config::Imap{}, 5s));
}

}  // namespace
}  // namespace mailtwin::engine
