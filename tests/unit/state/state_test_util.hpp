#pragma once
// Helpers shared by the state tests: running code in a forked child and sample records.
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <functional>
#include <string>

#include "mailtwin/state/bytes.hpp"
#include "mailtwin/state/codec.hpp"
#include "mailtwin/state/records.hpp"

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
inline std::string encode_folder_v1(const FolderState& f) {
    ByteWriter w;
    w.u8(1);
    w.u32(f.uidvalidity);
    w.u64(f.highestmodseq);
    w.u32(f.uidnext);
    w.i64(f.new_mtime_ns);
    w.i64(f.cur_mtime_ns);
    w.bytes(f.local_path);
    w.i64(f.last_sync);
    w.u32(f.message_count);
    w.bytes(f.scan_blob);
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

}  // namespace mailtwin::state::test
