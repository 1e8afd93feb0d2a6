#include "mailtwin/config/suggest.hpp"

#include <gtest/gtest.h>

#include <array>

namespace mailtwin::config {
namespace {

TEST(Suggest, EditDistanceCountsTranspositionsOnce) {
    EXPECT_EQ(edit_distance("port", "port"), 0u);
    EXPECT_EQ(edit_distance("prot", "port"), 1u);
    EXPECT_EQ(edit_distance("hots", "host"), 1u);
    EXPECT_EQ(edit_distance("", "abc"), 3u);
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(Suggest, NearestOnlyWhenPlausible) {
    constexpr std::array<std::string_view, 3> keys{"host", "port", "password_cmd"};
    EXPECT_EQ(nearest("prot", keys), "port");
    EXPECT_EQ(nearest("pasword_cmd", keys), "password_cmd");
    EXPECT_EQ(nearest("zzzz", keys), "");
}

}  // namespace
}  // namespace mailtwin::config
