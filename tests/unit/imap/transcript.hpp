#pragma once
// Server transcripts from tests/data/imap for the parser and response tests.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "fixtures/build_paths.hpp"

namespace mailtwin::imap::test {

// Reads a transcript; line ends are normalised to CRLF so that a checkout that rewrote them cannot
// change the literal counts.
inline std::string transcript(const std::string& name) {
    std::ifstream in(mailtwin::test::test_data_dir() + "/imap/" + name, std::ios::binary);
    EXPECT_TRUE(in.good()) << name;
    std::stringstream ss;
    ss << in.rdbuf();
    std::string raw = ss.str();
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') continue;
        if (raw[i] == '\n') out += '\r';
        out += raw[i];
    }
    return out;
}

}  // namespace mailtwin::imap::test
