#include "mailtwin/state/codec.hpp"

#include <gtest/gtest.h>

#include "mailtwin/state/error.hpp"
#include "state_test_util.hpp"

namespace mailtwin::state {
namespace {

TEST(Codec, MessageRoundTripWithKeywordsAndHashes) {
    for (model::Uid uid : {1U, 2U, 3U, 0xFFFFFFFFU}) {
        const MessageRecord m = test::sample_message(uid);
        const std::string bytes = codec::encode(m);
        EXPECT_EQ(static_cast<std::uint8_t>(bytes[0]), codec::k_message_version);
        auto back = codec::decode_message(bytes, uid);
        ASSERT_TRUE(back) << back.error().describe();
        EXPECT_EQ(*back, m);
    }
}

TEST(Codec, MessageWithoutOptionalFieldsIsCompact) {
    MessageRecord m;
    m.uid = 5;
    m.local_key = "k";
    const std::string bytes = codec::encode(m);
    // version, len+key, 2 x (bits, count), size varint, presence
    EXPECT_EQ(bytes.size(), 1U + 2U + 2U + 2U + 1U + 1U);
    auto back = codec::decode_message(bytes, 5);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, m);
}

TEST(Codec, FolderAndIntentRoundTrip) {
    FolderState f;
    f.uidvalidity = 0xFFFFFFFF;
    f.highestmodseq = 0xFFFFFFFFFFFFFFFFULL;
    f.new_mtime_ns = -5;
    f.local_path = "/m/INBOX";
    f.scan_blob = std::string(40, '\0');
    auto fb = codec::decode_folder(codec::encode(f));
    ASSERT_TRUE(fb);
    EXPECT_EQ(*fb, f);

    Intent i;
    i.id = 77;
    i.kind = IntentKind::download;
    i.folder = "INBOX";
    i.uid = 12;
    i.content_hash = ContentHash{};
    i.created = 1'700'000'000;
    auto ib = codec::decode_intent(codec::encode(i), 77);
    ASSERT_TRUE(ib);
    EXPECT_EQ(*ib, i);
}

TEST(Codec, UnknownVersionIsAClearError) {
    std::string bytes = codec::encode(test::sample_message(1));
    bytes[0] = 9;
    auto r = codec::decode_message(bytes, 1);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, make_error_code(Errc::unknown_record_version));
    EXPECT_NE(r.error().message.find("version 9"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("messages"), std::string::npos);

    std::string folder = codec::encode(FolderState{});
    folder[0] = 2;
    EXPECT_EQ(codec::decode_folder(folder).error().code, make_error_code(Errc::unknown_record_version));
}

TEST(Codec, TruncatedAndTrailingBytesAreRejected) {
    const std::string bytes = codec::encode(test::sample_message(3));
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        auto r = codec::decode_message(std::string_view(bytes).substr(0, n), 3);
        ASSERT_FALSE(r) << "prefix of " << n << " bytes decoded";
        EXPECT_EQ(r.error().code, make_error_code(Errc::truncated_record));
    }
    auto longer = codec::decode_message(bytes + "x", 3);
    ASSERT_FALSE(longer);
    EXPECT_EQ(longer.error().code, make_error_code(Errc::trailing_bytes));
}

TEST(Codec, IntentWithUnknownKindIsRejected) {
    Intent i;
    std::string bytes = codec::encode(i);
    bytes[1] = 42;
    auto r = codec::decode_intent(bytes, 1);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("kind 42"), std::string::npos);
}

TEST(Codec, MetaValue) {
    auto v = codec::decode_meta_u64(codec::encode_meta_u64(123456789012ULL));
    ASSERT_TRUE(v);
    EXPECT_EQ(*v, 123456789012ULL);
    EXPECT_FALSE(codec::decode_meta_u64(""));
}

}  // namespace
}  // namespace mailtwin::state
