#pragma once
// Helpers shared by the state tests: running code in a forked child, sample records, raw reads.
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "mailtwin/state/bytes.hpp"
#include "mailtwin/state/codec.hpp"
#include "mailtwin/state/keys.hpp"
#include "mailtwin/state/records.hpp"
#include "mailtwin/state/schema.hpp"
#include "mailtwin/state/state_db.hpp"

namespace mailtwin::state::test {

// Runs `body` in a child process and returns its wait status. The child ends with _exit(body()), or
// by whatever signal `body` raises; gtest assertions do not cross the fork, so `body` returns a code.
inline int run_in_child(const std::function<int()>& body) {
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(body());
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
}

inline bool killed_by(int status, int sig) { return WIFSIGNALED(status) && WTERMSIG(status) == sig; }
inline bool exited_ok(int status) { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }

inline MessageIdHash mid_hash(std::uint32_t n) {
    MessageIdHash h{};
    for (std::size_t i = 0; i < h.size(); ++i) h[i] = static_cast<std::uint8_t>((n >> ((i % 4) * 8)) ^ i);
    return h;
}

inline MessageRecord sample_message(model::Uid uid) {
    MessageRecord m;
    m.uid = uid;
    m.local_key = "1700000000.M" + std::to_string(uid) + "P4242Q1.host";
    m.remote_flags.set(model::Flag::seen);
    m.remote_flags.keywords = {"$label1", "Work"};
    m.local_flags.set(model::Flag::seen);
    m.local_flags.set(model::Flag::flagged, uid % 2 == 0);
    m.local_flags.keywords = {"Work"};
    m.size = 1000 + uid;
    m.message_id_hash = mid_hash(uid);
    if (uid % 3 == 0) {
        ContentHash c{};
        c.fill(static_cast<std::uint8_t>(uid));
        m.content_hash = c;
    }
    return m;
}

// `m` as a version-2 messages value, the layout written before the checksums (schema 2): the v3
// encoding is v2 plus a trailing u32 checksum.
inline std::string encode_message_v2(const MessageRecord& m) {
    std::string bytes = codec::encode(m);
    bytes.resize(bytes.size() - 4);
    bytes[0] = 2;
    return bytes;
}

// `m` as a version-1 messages value, the layout written before row_flags existed: the v2 encoding
// is v1 plus one trailing row_flags byte. Only for records that are not detached (v1 cannot say so).
inline std::string encode_message_v1(const MessageRecord& m) {
    std::string bytes = encode_message_v2(m);
    bytes.pop_back();
    bytes[0] = 1;
    return bytes;
}

// `f` as a version-1 folders value (before checksums and the after-run fields): the fields up to
// scan_blob. Decoded, its after-run counters are the checkpoint's and nothing is skipped.
// `new_mtime` and `cur_mtime` fill the two fields that held the directories' mtimes (reserved since).
inline std::string encode_folder_v1(const FolderState& f, std::int64_t new_mtime = 0, std::int64_t cur_mtime = 0) {
    ByteWriter w;
    w.u8(1);
    w.u32(f.uidvalidity);
    w.u64(f.highestmodseq);
    w.u32(f.uidnext);
    w.i64(new_mtime);
    w.i64(cur_mtime);
    w.bytes(f.local_path);
    w.i64(f.last_sync);
    w.u32(f.message_count);
    w.bytes(f.scan_blob);
    return w.take();
}

// `f` as a version-3 folders value (schemas 4 and 5, before the MAILBOXID): the version-4 layout
// without its trailing mailbox_id bytes, checksummed again. `f.mailbox_id` is not written.
inline std::string encode_folder_v3(FolderState f) {
    f.mailbox_id.clear();
    std::string bytes = codec::encode(f);
    bytes.resize(bytes.size() - 4 - 1);  // the checksum, then the empty mailbox_id (varint 0)
    bytes[0] = 3;
    const auto crc =
        ::crc32(::crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size()));
    ByteWriter w;
    w.raw(bytes);
    w.u32(static_cast<std::uint32_t>(crc));
    return w.take();
}

// A row without a uid, as put_keyed stores it.
inline MessageRecord sample_keyed(const std::string& local_key, bool detached) {
    MessageRecord m = sample_message(7);
    m.uid = 0;
    m.local_key = local_key;
    m.detached = detached;
    return m;
}

// The by_local_key entries under (account, local key), read raw and sorted: what the index holds,
// whether or not get_by_local_key would take them.
inline std::vector<MessageRef> local_key_refs(StateDb& db, std::string_view account, std::string_view local) {
    std::vector<MessageRef> out;
    auto r = db.write([&](WriteTxn& txn) -> Expected<void> {
        out.clear();
        auto dbis = schema::open_dbis(txn);
        if (!dbis) return util::unexpected(std::move(dbis).error());
        auto cursor = Cursor::open(txn, dbis->by_local_key);
        if (!cursor) return util::unexpected(std::move(cursor).error());
        for (auto e = cursor->get(MDB_SET_KEY, keys::local_key(account, local));; e = cursor->get(MDB_NEXT_DUP)) {
            if (!e) return util::unexpected(std::move(e).error());
            if (!e->has_value()) return {};
            auto ref = keys::parse_ref((*e)->value);
            EXPECT_TRUE(ref) << "malformed by_local_key entry";
            if (ref) out.push_back(std::move(*ref));
        }
    });
    EXPECT_TRUE(r) << r.error().describe();
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace mailtwin::state::test
