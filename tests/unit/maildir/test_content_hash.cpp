#include "mailtwin/maildir/content_hash.hpp"

#include <gtest/gtest.h>

#include "fixtures/temp_dir.hpp"
#include "maildir_test_support.hpp"

namespace mailtwin::maildir {
namespace {

TEST(Sha256, KnownVectors) {
    Sha256 empty;
    auto e = empty.finish();
    ASSERT_TRUE(e);
    EXPECT_EQ(to_hex(*e), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    Sha256 abc;
    abc.update("abc");
    auto a = abc.finish();
    ASSERT_TRUE(a);
    EXPECT_EQ(to_hex(*a), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, ChunkingDoesNotChangeTheDigest) {
    std::string data;
    for (int i = 0; i < 10'000; ++i) data += static_cast<char>(i * 7);
    Sha256 whole;
    whole.update(data);
    Sha256 pieces;
    for (std::size_t i = 0; i < data.size(); i += 13) pieces.update(std::string_view(data).substr(i, 13));
    EXPECT_EQ(*whole.finish(), *pieces.finish());
}

TEST(Sha256, FinishTwiceFails) {
    Sha256 h;
    h.update("x");
    ASSERT_TRUE(h.finish());
    EXPECT_FALSE(h.finish());
}

TEST(HashFile, MatchesTheInMemoryDigest) {
    test::TempDir dir;
    const std::string content(200'000, 'q');
    test_support::write_file(dir / "f", content);
    Sha256 h;
    h.update(content);
    auto file = hash_file(dir / "f");
    ASSERT_TRUE(file);
    EXPECT_EQ(*file, *h.finish());
    EXPECT_FALSE(hash_file(dir / "missing"));
}

}  // namespace
}  // namespace mailtwin::maildir
