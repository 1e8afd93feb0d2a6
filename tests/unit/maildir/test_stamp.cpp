#include "mailtwin/maildir/stamp.hpp"

#include <gtest/gtest.h>

namespace mailtwin::maildir {
namespace {

TEST(Stamp, RoundTripsThroughBytes) {
    FolderStamp s{{1'700'000'000'123'456'789, 4096, 77, 2049}, {-5, 1u << 20, ~0ull, 1}, false};
    const auto blob = encode_stamp(s);
    EXPECT_EQ(blob.size(), 66u);
    EXPECT_EQ(static_cast<std::uint8_t>(blob[0]), k_stamp_version);
    EXPECT_EQ(decode_stamp(blob), s);
    s.racy = true;
    EXPECT_EQ(decode_stamp(encode_stamp(s)), s);
}

TEST(Stamp, ForeignBlobsAreNotTrusted) {
    auto blob = encode_stamp(FolderStamp{});
    EXPECT_FALSE(decode_stamp(""));
    EXPECT_FALSE(decode_stamp(blob.substr(1)));
    auto other_version = blob;
    other_version[0] = 2;
    EXPECT_FALSE(decode_stamp(other_version));
    auto bad_flag = blob;
    bad_flag.back() = 7;
    EXPECT_FALSE(decode_stamp(bad_flag));
}

TEST(Stamp, DefaultIsRacy) { EXPECT_TRUE(FolderStamp{}.racy); }

}  // namespace
}  // namespace mailtwin::maildir
