#pragma once
// What the folder tests (test_folder_renames.cpp, test_folder_deletes.cpp) build and check.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scenario.hpp"

namespace mailtwin::test {

// Message-IDs stem0, stem1, ... stem<n-1>.
inline std::vector<std::string> numbered_ids(const std::string& stem, int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back(stem + std::to_string(i));
    return out;
}

// Both sides hold the same messages in the same folders, each once.
inline void expect_same_once(Scenario& s) {
    const auto server = s.server();
    EXPECT_EQ(server, s.local());
    for (const auto& [folder, contents] : server)
        for (const auto& [id, flags] : contents)
            EXPECT_EQ(contents.count(id), 1u) << id << " in " << folder << " on the server";
    for (const auto& [id, n] : s.local_id_counts()) EXPECT_EQ(n, 1u) << id << " in the Maildir " << n << " times";
}

}  // namespace mailtwin::test
