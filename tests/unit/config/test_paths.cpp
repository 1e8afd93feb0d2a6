#include "mailtwin/config/paths.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace mailtwin::config {
namespace {

TEST(ExpandPath, TildeAndVariables) {
    ::setenv("HOME", "/home/tester", 1);
    ::setenv("MT_X", "xval", 1);
    EXPECT_EQ(expand_path("~/Mail"), std::filesystem::path("/home/tester/Mail"));
    EXPECT_EQ(expand_path("~"), std::filesystem::path("/home/tester"));
    EXPECT_EQ(expand_path("~other/Mail"), std::filesystem::path("~other/Mail"));  // other users' homes: literal
    EXPECT_EQ(expand_path("/a/$MT_X/b"), std::filesystem::path("/a/xval/b"));
    EXPECT_EQ(expand_path("/a/${MT_X}b"), std::filesystem::path("/a/xvalb"));
    EXPECT_EQ(expand_path("/cost$"), std::filesystem::path("/cost$"));
}

TEST(ExpandPath, UnsetVariableIsReported) {
    ::unsetenv("MT_NOT_SET");
    std::string missing;
    EXPECT_FALSE(expand_path("$MT_NOT_SET/x", &missing).has_value());
    EXPECT_EQ(missing, "MT_NOT_SET");
}

TEST(XdgHome, PrefersTheVariableAndFallsBackToHome) {
    ::setenv("HOME", "/home/tester", 1);
    ::setenv("XDG_STATE_HOME", "/xdg/state", 1);
    EXPECT_EQ(xdg_home("XDG_STATE_HOME", ".local/state"), std::filesystem::path("/xdg/state"));
    ::setenv("XDG_STATE_HOME", "relative/ignored", 1);  // the XDG spec: relative paths are invalid
    EXPECT_EQ(xdg_home("XDG_STATE_HOME", ".local/state"), std::filesystem::path("/home/tester/.local/state"));
    ::unsetenv("XDG_STATE_HOME");
    EXPECT_EQ(xdg_home("XDG_STATE_HOME", ".local/state"), std::filesystem::path("/home/tester/.local/state"));
}

}  // namespace
}  // namespace mailtwin::config
