#include "mailtwin/state/bytes.hpp"

#include <gtest/gtest.h>

namespace mailtwin::state {
namespace {

TEST(Bytes, BigEndianSoByteOrderIsNumericOrder) {
    ByteWriter a;
    a.u32(255);
    ByteWriter b;
    b.u32(256);
    EXPECT_EQ(a.data(), std::string("\0\0\0\xff", 4));
    EXPECT_LT(a.data(), b.data());
}

TEST(Bytes, RoundTripEveryWidth) {
    ByteWriter w;
    w.u8(0xAB);
    w.u16(0xBEEF);
    w.u32(0xDEADBEEF);
    w.u64(0x0123456789ABCDEFULL);
    w.i64(-2);
    w.varint(0);
    w.varint(300);
    w.varint(~std::uint64_t{0});
    w.str16("folder");
    w.bytes("kw");
    ByteReader r(w.data());
    EXPECT_EQ(r.u8(), 0xAB);
    EXPECT_EQ(r.u16(), 0xBEEF);
    EXPECT_EQ(r.u32(), 0xDEADBEEFU);
    EXPECT_EQ(r.u64(), 0x0123456789ABCDEFULL);
    EXPECT_EQ(r.i64(), -2);
    EXPECT_EQ(r.varint(), 0U);
    EXPECT_EQ(r.varint(), 300U);
    EXPECT_EQ(r.varint(), ~std::uint64_t{0});
    EXPECT_EQ(r.str16(), "folder");
    EXPECT_EQ(r.bytes(), "kw");
    EXPECT_TRUE(r.at_end());
    EXPECT_FALSE(r.failed());
}

TEST(Bytes, ReadingPastTheEndFailsAndStaysFailed) {
    ByteReader r(std::string_view("\x01\x02", 2));
    EXPECT_EQ(r.u32(), 0U);
    EXPECT_TRUE(r.failed());
    EXPECT_EQ(r.u8(), 0U);
    EXPECT_TRUE(r.failed());
    ByteReader lying(std::string_view("\x05xy", 3));  // varint length 5, only 2 bytes
    EXPECT_EQ(lying.bytes(), "");
    EXPECT_TRUE(lying.failed());
    const std::string continuation_only(11, '\x80');
    ByteReader endless(continuation_only);
    endless.varint();
    EXPECT_TRUE(endless.failed());
}

}  // namespace
}  // namespace mailtwin::state
