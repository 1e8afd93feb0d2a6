#include "mailtwin/util/base64.hpp"

#include <gtest/gtest.h>

namespace mailtwin::util {
namespace {

// RFC 4648 §10 test vectors.
TEST(Base64, EncodesRfc4648Vectors) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
    EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, DecodesRfc4648Vectors) {
    EXPECT_EQ(base64_decode(""), std::string());
    EXPECT_EQ(base64_decode("Zg=="), std::string("f"));
    EXPECT_EQ(base64_decode("Zm8="), std::string("fo"));
    EXPECT_EQ(base64_decode("Zm9vYmFy"), std::string("foobar"));
}

TEST(Base64, RoundTripsEveryByte) {
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    for (std::size_t len = 0; len <= all.size(); len += 37) {
        const std::string part = all.substr(0, len);
        EXPECT_EQ(base64_decode(base64_encode(part)), part) << len;
    }
    // SASL PLAIN: authzid NUL user NUL password
    EXPECT_EQ(base64_encode(std::string("\0alice\0secret", 13)), "AGFsaWNlAHNlY3JldA==");
}

TEST(Base64, RejectsMalformedText) {
    EXPECT_FALSE(base64_decode("Zg="));       // length not a multiple of 4
    EXPECT_FALSE(base64_decode("Zg=a"));      // data after padding
    EXPECT_FALSE(base64_decode("Z==="));      // too much padding
    EXPECT_FALSE(base64_decode("Zh=="));      // non-zero pad bits
    EXPECT_FALSE(base64_decode("Zm9v\r\n"));  // line breaks are not part of SASL base64
    EXPECT_FALSE(base64_decode("Zm,v"));      // modified-UTF-7 alphabet is not this one
    EXPECT_FALSE(base64_decode("Zg==Zg=="));  // padding in the middle
}

}  // namespace
}  // namespace mailtwin::util
