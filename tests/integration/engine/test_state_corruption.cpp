// Issue 13 item 7: bytes of state.mdb that change on disk (the file still opens) are caught by the
// records' checksums; such records are unknown, the folder is re-paired by identity as after a lost
// state, and nothing is copied again: no duplicate on either side, no loss.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <regex>

#include "mailtwin/maildir/filename.hpp"
#include "mailtwin/state/codec.hpp"
#include "scenario.hpp"

namespace mailtwin::test {
namespace {

std::string read_all(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_all(const std::filesystem::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
}

// The Maildir unique names of the folder's messages (the part of the file name before ':2,').
std::vector<std::string> local_keys(const std::filesystem::path& folder) {
    std::vector<std::string> out;
    for (const char* sub : {"cur", "new"})
        for (const auto& e : std::filesystem::directory_iterator(folder / sub))
            out.emplace_back(maildir::key_of(e.path().filename().string()));
    return out;
}

std::uint64_t varint_at(const std::string& b, std::size_t& at) {
    std::uint64_t v = 0;
    for (int shift = 0; at < b.size(); shift += 7) {
        const auto c = static_cast<unsigned char>(b[at++]);
        v |= std::uint64_t{c & 0x7Fu} << shift;
        if ((c & 0x80u) == 0) break;
    }
    return v;
}

// Changes bytes inside every messages value holding one of `keys` (docs/state-schema.md: version
// byte, then the local key with its length, two flag sets, the size, the hashes): one byte of the
// key, so it names no file, and one of the Message-ID hash, so the row's identity is another
// message's. Both still decode without a checksum. Returns how many values were hit (stale copies in
// free pages count too; at least the live one must be among them).
std::size_t damage_message_values(const std::filesystem::path& file, const std::vector<std::string>& keys) {
    std::string bytes = read_all(file);
    std::size_t hit = 0;
    for (const auto& key : keys) {
        const std::string pattern = std::string(1, static_cast<char>(key.size())) + key;
        for (auto pos = bytes.find(pattern); pos != std::string::npos; pos = bytes.find(pattern, pos + 1)) {
            if (pos == 0 || (bytes[pos - 1] != '\x02' && bytes[pos - 1] != '\x03')) continue;
            std::size_t at = pos + pattern.size();
            for (int set = 0; set < 2; ++set) {  // remote flags, local flags: bits, keyword count, keywords
                ++at;
                for (auto n = varint_at(bytes, at); n > 0; --n) at += varint_at(bytes, at);
            }
            (void)varint_at(bytes, at);  // size
            const bool has_hash = at < bytes.size() && (bytes[at] & 1) != 0;
            bytes[pos + 1 + key.size() / 2] ^= 0x01;  // still a plausible key, now of no file
            if (has_hash && at + 1 < bytes.size()) bytes[at + 1] ^= 0x40;
            ++hit;
        }
    }
    write_all(file, bytes);
    return hit;
}

// Raises the HIGHESTMODSEQ of the folder's record (found by its local path) far above the server's:
// believed, the server would seem to have gone backwards.
std::size_t damage_folder_value(const std::filesystem::path& file, const std::string& local_path) {
    std::string bytes = read_all(file);
    std::size_t hit = 0;
    for (auto pos = bytes.find(local_path); pos != std::string::npos; pos = bytes.find(local_path, pos + 1)) {
        const std::size_t len_bytes = local_path.size() < 128 ? 1 : 2;
        if (pos < len_bytes + 33) continue;
        const std::size_t start = pos - len_bytes - 33;                // ver u32 u64 u32 i64 i64, then the length
        const auto version = static_cast<std::uint8_t>(bytes[start]);  // every version starts so
        if (version < state::codec::k_oldest_folder_version || version > state::codec::k_folder_version) continue;
        bytes[start + 5] = '\x7f';  // the top byte of highestmodseq
        ++hit;
    }
    write_all(file, bytes);
    return hit;
}

// A folder summary that reports copies: "+3 \u2193", "+1 \u2191".
bool copied(const std::string& output) {
    static const std::regex copies("\\+[0-9]+ (\u2193|\u2191)");
    return std::regex_search(output, copies);
}

struct Synced {
    explicit Synced(const std::string& name) : s(name) {
        s.server_create("INBOX");
        for (int i = 1; i <= 5; ++i) s.server_append("INBOX", "srv" + std::to_string(i), i % 2 ? "\\Seen" : "");
        auto first = s.sync();
        EXPECT_EQ(first.exit_code, 0) << first.output;
        for (int i = 1; i <= 4; ++i) s.local_deliver("INBOX", "loc" + std::to_string(i), i % 2 ? "S" : "");
        auto second = s.sync();
        EXPECT_EQ(second.exit_code, 0) << second.output;
        EXPECT_EQ(s.server_bodies("INBOX").size(), 9U);
        bodies = s.server_bodies("INBOX");
    }
    void expect_no_copy_and_no_duplicate(const RunResult& r) {
        EXPECT_EQ(r.exit_code, 0) << r.output;
        EXPECT_FALSE(copied(r.output)) << "nothing may be copied again:\n" << r.output;
        EXPECT_EQ(s.server_bodies("INBOX"), bodies);
        EXPECT_EQ(s.local_bodies("INBOX"), bodies);
        for (const auto& [id, n] : s.local_id_counts()) EXPECT_EQ(n, 1U) << id;
        auto next = s.sync();
        EXPECT_EQ(next.exit_code, 0) << next.output;
        EXPECT_FALSE(copied(next.output)) << next.output;
        EXPECT_EQ(next.output.find("checksum"), std::string::npos) << "the damage is repaired:\n" << next.output;
        EXPECT_EQ(s.server_bodies("INBOX"), bodies);
        EXPECT_EQ(s.local_bodies("INBOX"), bodies);
    }
    Scenario s;
    std::multiset<std::string> bodies;
};

TEST(StateCorruption, ChangedMessageRecordsAreRepairedByIdentityWithoutCopies) {
    Synced t("sc-messages");
    const auto keys = local_keys(t.s.local_dir("INBOX"));
    ASSERT_EQ(keys.size(), 9U);
    ASSERT_GE(damage_message_values(t.s.state_dir() / "state.mdb", keys), 9U);
    // The reader changes a flag: the folder is listed again (no shortcut hides the damage).
    t.s.local_rename_flags("INBOX", "loc2", "F");
    auto r = t.s.sync();
    EXPECT_NE(r.output.find("failed their checksum"), std::string::npos) << r.output;
    t.expect_no_copy_and_no_duplicate(r);
    // The reader's flag reached the server (re-paired without a base, flags are merged: nothing is lost).
    std::string flags_of_loc2 = "(not found)";
    for (const auto& [folder, messages] : t.s.server())
        for (const auto& [id, flags] : messages)
            if (id.find("loc2") != std::string::npos) flags_of_loc2 = flags;
    EXPECT_NE(flags_of_loc2.find("\\Flagged"), std::string::npos) << flags_of_loc2;
}

TEST(StateCorruption, ChangedFolderRecordIsALostStateNotAServerGoneBack) {
    Synced t("sc-folder");
    ASSERT_GE(damage_folder_value(t.s.state_dir() / "state.mdb", t.s.local_dir("INBOX").string()), 1U);
    t.s.server_append("INBOX", "srv6");  // the server changed too: the folder must be planned
    t.bodies.insert(body_digest(message_text("srv6")));
    auto r = t.s.sync();
    EXPECT_NE(r.output.find("failed their checksum"), std::string::npos) << r.output;
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("+1 \u2193"), std::string::npos) << "only the new message is copied:\n" << r.output;
    EXPECT_EQ(t.s.server_bodies("INBOX"), t.bodies);
    EXPECT_EQ(t.s.local_bodies("INBOX"), t.bodies);
    auto next = t.s.sync();
    EXPECT_EQ(next.exit_code, 0) << next.output;
    EXPECT_FALSE(copied(next.output)) << next.output;
    EXPECT_EQ(t.s.server_bodies("INBOX"), t.bodies);
    EXPECT_EQ(t.s.local_bodies("INBOX"), t.bodies);
}

}  // namespace
}  // namespace mailtwin::test
