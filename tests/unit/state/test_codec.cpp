#include "mailtwin/state/codec.hpp"

#include <gtest/gtest.h>

#include "mailtwin/state/error.hpp"
#include "mailtwin/state/state_db.hpp"
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
    // version, len+key, 2 x (bits, count), size varint, presence, row_flags, checksum
    EXPECT_EQ(bytes.size(), 1U + 2U + 2U + 2U + 1U + 1U + 1U + 4U);
    EXPECT_EQ(bytes[bytes.size() - 5], '\0');
    auto back = codec::decode_message(bytes, 5);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, m);
}

TEST(Codec, DetachedRowsRoundTripAndAreWrittenAsVersion3) {
    MessageRecord m = test::sample_message(4);
    m.detached = true;
    const std::string bytes = codec::encode(m);
    EXPECT_EQ(bytes[0], '\x03');
    EXPECT_EQ(bytes[bytes.size() - 5], static_cast<char>(codec::k_row_detached));
    auto back = codec::decode_message(bytes, 4);
    ASSERT_TRUE(back) << back.error().describe();
    EXPECT_TRUE(back->detached);
    EXPECT_EQ(*back, m);

    // A row without a uid (keyed) uses the same layout; the uid comes from the caller.
    MessageRecord keyed = m;
    keyed.uid = 0;
    auto keyed_back = codec::decode_message(codec::encode(keyed), 0);
    ASSERT_TRUE(keyed_back);
    EXPECT_EQ(*keyed_back, keyed);
}

TEST(Codec, Version1MessageDecodesAsNotDetached) {
    // Hand-written v1 bytes: version 1, local key "k", no flags, size 5, no hashes — no row_flags.
    const std::string v1("\x01\x01k\x00\x00\x00\x00\x05\x00", 9);
    auto r = codec::decode_message(v1, 12);
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(r->uid, 12U);
    EXPECT_EQ(r->local_key, "k");
    EXPECT_EQ(r->size, 5U);
    EXPECT_FALSE(r->detached);

    // A full record written as v1 reads back equal to the (not detached) original.
    const MessageRecord m = test::sample_message(6);
    auto full = codec::decode_message(test::encode_message_v1(m), 6);
    ASSERT_TRUE(full) << full.error().describe();
    EXPECT_EQ(*full, m);

    // A v1 record followed by a byte is not a v2 record: the version byte decides the layout.
    auto longer = codec::decode_message(v1 + std::string(1, '\0'), 12);
    ASSERT_FALSE(longer);
    EXPECT_EQ(longer.error().code, make_error_code(Errc::trailing_bytes));
}

TEST(Codec, UnknownRowFlagsAreRefused) {
    std::string bytes = test::encode_message_v2(test::sample_message(2));
    bytes.back() = static_cast<char>(0x02);
    auto r = codec::decode_message(bytes, 2);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, make_error_code(Errc::unknown_record_version));
    EXPECT_NE(r.error().message.find("row flags"), std::string::npos) << r.error().message;
}

TEST(Codec, FolderAndIntentRoundTrip) {
    FolderState f;
    f.uidvalidity = 0xFFFFFFFF;
    f.highestmodseq = 0xFFFFFFFFFFFFFFFFULL;
    f.local_path = "/m/INBOX";
    f.scan_blob = std::string(40, '\0');
    f.after_run_highestmodseq = 0xFFFFFFFFFFFFFFFEULL;
    f.after_run_uidnext = 0xFFFFFFFF;
    f.after_run_messages = 7;
    f.skipped_remote = {1, 2, 300, 0xFFFFFFFE};
    f.skipped_local = {"1700000000.M1P2Q3.host", ""};
    f.mailbox_id = "F2212ea87-6097-4256-9d51-71338625";
    auto fb = codec::decode_folder(codec::encode(f));
    ASSERT_TRUE(fb);
    EXPECT_EQ(*fb, f);

    Intent i;  // a late-append watch
    i.id = 77;
    i.kind = IntentKind::append;
    i.folder = "INBOX";
    i.uid = 12;
    i.local_key = "1700000000.M1P2Q3.host";
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
    EXPECT_NE(r.error().message.find("newer mailtwin"), std::string::npos) << r.error().message;

    // Versions this build reads are 1 to 3 only: 4 is newer, 0 was never written.
    for (char v : {'\x04', '\x00'}) {
        bytes[0] = v;
        auto other = codec::decode_message(bytes, 1);
        ASSERT_FALSE(other);
        EXPECT_EQ(other.error().code, make_error_code(Errc::unknown_record_version));
        EXPECT_NE(other.error().message.find("reads versions 1 to 3"), std::string::npos) << other.error().message;
    }

    std::string folder = codec::encode(FolderState{});
    folder[0] = static_cast<char>(codec::k_folder_version + 1);
    EXPECT_EQ(codec::decode_folder(folder).error().code, make_error_code(Errc::unknown_record_version));
    std::string runs = codec::encode(AccountRuns{});
    runs[0] = 2;
    EXPECT_EQ(codec::decode_runs(runs).error().code, make_error_code(Errc::unknown_record_version));
}

TEST(Codec, FolderMailboxIdIsWrittenAsVersion4) {
    FolderState f;
    f.uidvalidity = 3;
    f.local_path = "/m/Lists";
    f.mailbox_id = std::string(255, 'x');  // RFC 8474's longest objectid
    const std::string bytes = codec::encode(f);
    EXPECT_EQ(bytes[0], '\x04');
    EXPECT_EQ(*codec::decode_folder(bytes), f);
    FolderState none = f;
    none.mailbox_id.clear();
    EXPECT_EQ(*codec::decode_folder(codec::encode(none)), none);
    // The id as bytes: varint 255 takes two bytes where an empty one's varint 0 takes one.
    EXPECT_EQ(codec::encode(none).size() + 1 + 255, bytes.size());
}

// Records written before the MAILBOXID was kept decode with none; everything else as before.
TEST(Codec, FoldersBeforeVersion4DecodeWithoutAMailboxId) {
    FolderState f;
    f.uidvalidity = 0xFFFFFFFF;
    f.highestmodseq = 1234;
    f.uidnext = 77;
    f.local_path = "/m/INBOX";
    f.last_sync = 1'700'000'000;
    f.message_count = 9;
    f.scan_blob = "stamp";
    f.after_run_highestmodseq = 1240;
    f.after_run_uidnext = 79;
    f.after_run_messages = 10;
    f.skipped_remote = {5, 70};
    f.skipped_local = {"big"};
    f.mailbox_id = "not-written-by-v3";
    const std::string v3 = test::encode_folder_v3(f);
    EXPECT_EQ(v3[0], '\x03');
    auto back = codec::decode_folder(v3);
    ASSERT_TRUE(back) << back.error().describe();
    FolderState expected = f;
    expected.mailbox_id.clear();
    EXPECT_EQ(*back, expected);
    // A v3 record is checksummed like any other: one changed byte makes it unreadable.
    std::string bad = v3;
    bad[5] = static_cast<char>(bad[5] ^ 0x01);
    EXPECT_EQ(codec::decode_folder(bad).error().code, make_error_code(Errc::checksum_mismatch));

    auto v1 = codec::decode_folder(test::encode_folder_v1(f));
    ASSERT_TRUE(v1) << v1.error().describe();
    EXPECT_TRUE(v1->mailbox_id.empty());
    EXPECT_EQ(v1->local_path, "/m/INBOX");
}

TEST(Codec, AccountRunsRoundTripAndCarryAChecksum) {
    AccountRuns runs;
    runs.last_run = 1'700'000'123;
    runs.last_run_error = "server not reached";
    runs.folders["INBOX"] = FolderRun{1'700'000'123, 0, ""};
    runs.folders["Lists/d\xc3\xa9v"] = FolderRun{1'600'000'000, 1'700'000'123, "UIDVALIDITY changed"};
    const std::string bytes = codec::encode(runs);
    auto back = codec::decode_runs(bytes);
    ASSERT_TRUE(back) << back.error().describe();
    EXPECT_EQ(*back, runs);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        std::string bad = bytes;
        bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ 0x20);
        auto decoded = codec::decode_runs(bad);
        ASSERT_FALSE(decoded) << "byte " << i << " went unnoticed";
        EXPECT_TRUE(is_unreadable_record(decoded.error())) << decoded.error().describe();
    }
}

TEST(Codec, TruncatedAndTrailingBytesAreRejected) {
    // The layout without its checksum (version 2): cut short or lengthened, it says which. With the
    // checksum (version 3) both fail the checksum first (test_record_checksum.cpp).
    const std::string bytes = test::encode_message_v2(test::sample_message(3));
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
    // 2 and 3 (move, download) were named once but never written: unknown like any other.
    for (char kind : {'\x02', '\x03', '\x2a'}) {
        bytes[1] = kind;
        auto r = codec::decode_intent(bytes, 1);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, make_error_code(Errc::unknown_record_version));
        EXPECT_NE(r.error().message.find("kind " + std::to_string(kind)), std::string::npos) << r.error().message;
    }
}

// The reserved fields keep the layout of the records written before them: folders v1-v3 carry two
// zero i64s where the directory mtimes were, intents v1 empty bytes where a target folder was.
TEST(Codec, ReservedFieldsAreWrittenEmptyAndOldValuesIgnoredOrRefused) {
    FolderState f;
    f.uidvalidity = 9;
    f.local_path = "/m/INBOX";
    const std::string v1_with_mtimes = test::encode_folder_v1(f, 1'700'000'000'123'456'789, -5);
    auto old = codec::decode_folder(v1_with_mtimes);
    ASSERT_TRUE(old) << old.error().describe();
    EXPECT_EQ(old->local_path, "/m/INBOX") << "the reserved fields are read past, not into the next field";
    EXPECT_EQ(old->uidvalidity, 9U);
    const std::string written = codec::encode(f);
    EXPECT_EQ(written.substr(17, 16), std::string(16, '\0')) << "after ver u32 u64 u32: two zero i64s";

    Intent i;
    i.folder = "INBOX";
    const std::string bytes = codec::encode(i);
    // ver, kind, bytes "INBOX" (varint 5), u32 uid, bytes "" (local key), bytes "" (reserved)
    const std::size_t reserved_at = 1 + 1 + 1 + 5 + 4 + 1;
    ASSERT_EQ(bytes[reserved_at], '\0');
    std::string with_target = bytes.substr(0, reserved_at);
    with_target.push_back('\x07');
    with_target.append("Archive").append(bytes.substr(reserved_at + 1));
    auto r = codec::decode_intent(with_target, 1);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, make_error_code(Errc::unknown_record_version));
}

TEST(Codec, MetaValue) {
    auto v = codec::decode_meta_u64(codec::encode_meta_u64(123456789012ULL));
    ASSERT_TRUE(v);
    EXPECT_EQ(*v, 123456789012ULL);
    EXPECT_FALSE(codec::decode_meta_u64(""));
}

}  // namespace
}  // namespace mailtwin::state
