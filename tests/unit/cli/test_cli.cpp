// The command line of the contract, through the real binary: exit codes and messages.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>

#include "fixtures/build_paths.hpp"
#include "fixtures/temp_dir.hpp"

namespace mailtwin::test {
namespace {

struct RunResult {
    int exit_code = -1;
    std::string output;  // stdout and stderr together
};

RunResult run_mailtwin(const std::string& args) {
    std::string cmd = mailtwin_binary() + " " + args + " 2>&1";
    RunResult r;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf;
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) r.output.append(buf.data(), n);
    int status = ::pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::string write_file(const TempDir& dir, const std::string& name, const std::string& text) {
    auto path = dir / name;
    std::ofstream(path) << text;
    return path.string();
}

TEST(Cli, HelpAndVersion) {
    auto help = run_mailtwin("--help");
    EXPECT_EQ(help.exit_code, 0);
    for (const char* cmd : {"sync", "watch", "status", "folders", "check-config", "--log-format"})
        EXPECT_NE(help.output.find(cmd), std::string::npos) << cmd;
    auto version = run_mailtwin("--version");
    EXPECT_EQ(version.exit_code, 0);
    EXPECT_EQ(version.output.rfind("mailtwin ", 0), 0u);
}

TEST(Cli, CheckConfigAcceptsTheExample) {
    auto r = run_mailtwin("--config " MAILTWIN_SOURCE_DIR "/etc/mailtwin.toml.example check-config");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("[accounts.work.imap]"), std::string::npos);
}

TEST(Cli, CheckConfigWithATypoExitsTwoNamingKeyAndLine) {
    TempDir dir;
    auto path = write_file(dir, "c.toml",
                           "[accounts.a]\nmaildir = \"/m\"\n[accounts.a.imap]\nhost = \"h\"\nuser = \"u\"\n"
                           "pasword = \"p\"\n");
    auto r = run_mailtwin("--config " + path + " check-config");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.output.find(":6:1: unknown key 'accounts.a.imap.pasword'"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("did you mean 'password'"), std::string::npos) << r.output;
}

TEST(Cli, CheckConfigWithAWrongTypeExitsTwo) {
    TempDir dir;
    auto path = write_file(dir, "c.toml", "[general]\nmax_connections = \"four\"\n");
    auto r = run_mailtwin("--config " + path + " check-config");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.output.find(":2:19: key 'general.max_connections' must be an integer"), std::string::npos) << r.output;
}

TEST(Cli, CheckConfigNeverPrintsThePassword) {
    TempDir dir;
    auto path = write_file(dir, "c.toml",
                           "[accounts.a]\nmaildir = \"/m\"\n[accounts.a.imap]\nhost = \"h\"\nuser = \"u\"\n"
                           "password = \"s3cr3t-value\"\n");
    auto r = run_mailtwin("--config " + path + " check-config");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output.find("s3cr3t-value"), std::string::npos);
}

TEST(Cli, UsageErrorsExitTwo) {
    EXPECT_EQ(run_mailtwin("").exit_code, 2);
    EXPECT_EQ(run_mailtwin("frobnicate").exit_code, 2);
    EXPECT_EQ(run_mailtwin("--log-format xml check-config").exit_code, 2);
    EXPECT_EQ(run_mailtwin("-v -q check-config").exit_code, 2);
    auto missing = run_mailtwin("--config /nonexistent/mailtwin.toml check-config");
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.output.find("no such file"), std::string::npos) << missing.output;
}

}  // namespace
}  // namespace mailtwin::test
