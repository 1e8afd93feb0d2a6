#include "mailtwin/state/codec.hpp"

#include <zlib.h>

#include "mailtwin/state/bytes.hpp"
#include "mailtwin/state/error.hpp"

namespace mailtwin::state::codec {
namespace {

constexpr std::size_t k_checksum_bytes = 4;

std::uint32_t crc_of(std::uint32_t seed, std::string_view bytes) {
    return static_cast<std::uint32_t>(
        ::crc32(seed, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

// The checksum of a record's bytes, after `salt` (the messages uid, big-endian; "" for others).
std::uint32_t checksum(std::string_view salt, std::string_view body) {
    return crc_of(crc_of(static_cast<std::uint32_t>(::crc32(0L, Z_NULL, 0)), salt), body);
}

std::string uid_salt(model::Uid uid) {
    ByteWriter w;
    w.u32(uid);
    return w.take();
}

void seal(ByteWriter& w, std::string_view salt) { w.u32(checksum(salt, w.data())); }

// The record without its checksum, once the checksum matched.
util::Expected<std::string_view> unseal(std::string_view value, std::string_view salt, const char* what) {
    if (value.size() < 1 + k_checksum_bytes)
        return util::unexpected(error(Errc::truncated_record, std::string(what) + " record is truncated"));
    const std::string_view body = value.substr(0, value.size() - k_checksum_bytes);
    ByteReader tail(value.substr(body.size()));
    if (tail.u32() != checksum(salt, body))
        return util::unexpected(error(Errc::checksum_mismatch,
                                      std::string(what) + " record fails its checksum: its bytes changed on disk"));
    return body;
}

constexpr std::uint8_t k_has_message_id = 1U << 0;
constexpr std::uint8_t k_has_content = 1U << 1;

// Reads the version byte; it must lie in [oldest, newest]. Returns it so a decoder can branch on it.
util::Expected<std::uint8_t> check_version(ByteReader& r, std::uint8_t oldest, std::uint8_t newest, const char* what) {
    const std::uint8_t v = r.u8();
    if (r.failed()) return util::unexpected(error(Errc::truncated_record, std::string("empty ") + what + " record"));
    if (v < oldest || v > newest) {
        const std::string reads = oldest == newest
                                      ? "version " + std::to_string(newest)
                                      : "versions " + std::to_string(oldest) + " to " + std::to_string(newest);
        return util::unexpected(error(Errc::unknown_record_version,
                                      std::string(what) + " record has version " + std::to_string(v) +
                                          "; this mailtwin reads " + reads + " (state written by a newer mailtwin?)"));
    }
    return v;
}

util::Expected<std::uint8_t> check_version(ByteReader& r, std::uint8_t known, const char* what) {
    return check_version(r, known, known, what);
}

util::Expected<void> finish(const ByteReader& r, const char* what) {
    if (r.failed()) return util::unexpected(error(Errc::truncated_record, std::string(what) + " record is truncated"));
    if (!r.at_end())
        return util::unexpected(
            error(Errc::trailing_bytes,
                  std::string(what) + " record has " + std::to_string(r.remaining()) + " unexpected trailing bytes"));
    return {};
}

// FlagSet: u8 system-flag bits, varint keyword count, each keyword varint length + bytes.
void put_flags(ByteWriter& w, const model::FlagSet& f) {
    w.u8(f.bits());
    w.varint(f.keywords.size());
    for (const auto& k : f.keywords) w.bytes(k);
}

model::FlagSet get_flags(ByteReader& r) {
    model::FlagSet f(r.u8());
    const std::uint64_t n = r.varint();
    for (std::uint64_t i = 0; i < n && !r.failed(); ++i) f.keywords.emplace(r.bytes());
    return f;
}

template <std::size_t N>
void put_hash(ByteWriter& w, const std::array<std::uint8_t, N>& h) {
    for (auto b : h) w.u8(b);
}

template <std::size_t N>
std::array<std::uint8_t, N> get_hash(ByteReader& r) {
    std::array<std::uint8_t, N> h{};
    for (auto& b : h) b = r.u8();
    return h;
}

std::uint8_t presence(bool message_id, bool content) {
    return static_cast<std::uint8_t>((message_id ? k_has_message_id : 0U) | (content ? k_has_content : 0U));
}

void put_hashes(ByteWriter& w, const std::optional<MessageIdHash>& mid, const std::optional<ContentHash>& content) {
    w.u8(presence(mid.has_value(), content.has_value()));
    if (mid) put_hash(w, *mid);
    if (content) put_hash(w, *content);
}

void get_hashes(ByteReader& r, std::optional<MessageIdHash>& mid, std::optional<ContentHash>& content) {
    const std::uint8_t bits = r.u8();
    if ((bits & k_has_message_id) != 0) mid = get_hash<16>(r);
    if ((bits & k_has_content) != 0) content = get_hash<32>(r);
}

}  // namespace

// folders v1: ver, u32 uidvalidity, u64 highestmodseq, u32 uidnext, i64 reserved, i64 reserved,
// bytes local_path, i64 last_sync, u32 message_count, bytes scan_blob. The two reserved fields held
// the mtimes of new/ and cur/ before scan_blob carried a fuller stamp: written 0, not read.
// v2: the same, then u32 checksum.
// v3: the v1 fields, then u64 after_run_highestmodseq, u32 after_run_uidnext, u32 after_run_messages,
// varint count + that many varint UID gaps (skipped_remote, each UID minus the previous one), varint
// count + that many bytes (skipped_local), then u32 checksum.
// v4: the v3 fields, then bytes mailbox_id (the server's MAILBOXID, empty: none), then u32 checksum.
std::string encode(const FolderState& f) {
    ByteWriter w;
    w.u8(k_folder_version);
    w.u32(f.uidvalidity);
    w.u64(f.highestmodseq);
    w.u32(f.uidnext);
    w.i64(0);  // reserved (was new/'s mtime)
    w.i64(0);  // reserved (was cur/'s mtime)
    w.bytes(f.local_path);
    w.i64(f.last_sync);
    w.u32(f.message_count);
    w.bytes(f.scan_blob);
    w.u64(f.after_run_highestmodseq);
    w.u32(f.after_run_uidnext);
    w.u32(f.after_run_messages);
    w.varint(f.skipped_remote.size());
    model::Uid previous = 0;
    for (model::Uid uid : f.skipped_remote) {
        w.varint(uid - previous);  // ascending: small gaps, a byte or two each
        previous = uid;
    }
    w.varint(f.skipped_local.size());
    for (const auto& key : f.skipped_local) w.bytes(key);
    w.bytes(f.mailbox_id);
    seal(w, "");
    return w.take();
}

util::Expected<FolderState> decode_folder(std::string_view value) {
    ByteReader peek(value);
    auto version = check_version(peek, k_oldest_folder_version, k_folder_version, "folders");
    if (!version) return util::unexpected(std::move(version).error());
    if (*version >= 2) {
        auto body = unseal(value, "", "folders");
        if (!body) return util::unexpected(std::move(body).error());
        value = *body;
    }
    ByteReader r(value);
    r.u8();  // the version, read above
    FolderState f;
    f.uidvalidity = r.u32();
    f.highestmodseq = r.u64();
    f.uidnext = r.u32();
    r.i64();  // reserved
    r.i64();  // reserved
    f.local_path = std::string(r.bytes());
    f.last_sync = r.i64();
    f.message_count = r.u32();
    f.scan_blob = std::string(r.bytes());
    if (*version >= 3) {
        f.after_run_highestmodseq = r.u64();
        f.after_run_uidnext = r.u32();
        f.after_run_messages = r.u32();
        const std::uint64_t remote = r.varint();
        model::Uid uid = 0;
        for (std::uint64_t i = 0; i < remote && !r.failed(); ++i) {
            uid += static_cast<model::Uid>(r.varint());
            f.skipped_remote.push_back(uid);
        }
        const std::uint64_t local = r.varint();
        for (std::uint64_t i = 0; i < local && !r.failed(); ++i) f.skipped_local.emplace_back(r.bytes());
        // Written before mailtwin kept the server's MAILBOXID: none known (the next sync fills it in).
        if (*version >= 4) f.mailbox_id = std::string(r.bytes());
    } else {
        // Written before mailtwin told its own writes apart: the server as the checkpoint saw it.
        f.after_run_highestmodseq = f.highestmodseq;
        f.after_run_uidnext = f.uidnext;
        f.after_run_messages = f.message_count;
    }
    if (auto e = finish(r, "folders"); !e) return util::unexpected(std::move(e).error());
    return f;
}

// messages v3: ver, bytes local_key, flags remote, flags local, varint size, u8 presence, [16], [32],
// u8 row_flags, u32 checksum (of the uid, then the bytes before it). Version 2 is the same without
// the checksum, version 1 also without row_flags.
std::string encode(const MessageRecord& m) {
    ByteWriter w;
    w.u8(k_message_version);
    w.bytes(m.local_key);
    put_flags(w, m.remote_flags);
    put_flags(w, m.local_flags);
    w.varint(m.size);
    put_hashes(w, m.message_id_hash, m.content_hash);
    w.u8(m.detached ? k_row_detached : 0U);
    seal(w, uid_salt(m.uid));
    return w.take();
}

util::Expected<MessageRecord> decode_message(std::string_view value, model::Uid uid) {
    ByteReader peek(value);
    auto version = check_version(peek, k_oldest_message_version, k_message_version, "messages");
    if (!version) return util::unexpected(std::move(version).error());
    if (*version >= 3) {
        auto body = unseal(value, uid_salt(uid), "messages");
        if (!body) return util::unexpected(std::move(body).error());
        value = *body;
    }
    ByteReader r(value);
    r.u8();  // the version, read above
    MessageRecord m;
    m.uid = uid;
    m.local_key = std::string(r.bytes());
    m.remote_flags = get_flags(r);
    m.local_flags = get_flags(r);
    m.size = r.varint();
    get_hashes(r, m.message_id_hash, m.content_hash);
    const std::uint8_t row_flags = *version >= 2 ? r.u8() : std::uint8_t{0};
    if (auto e = finish(r, "messages"); !e) return util::unexpected(std::move(e).error());
    // A bit this build does not know may carry a meaning it would drop on the next write: refuse it
    // like an unknown version rather than lose it.
    if ((row_flags & ~k_row_detached) != 0)
        return util::unexpected(error(Errc::unknown_record_version, "messages record has unknown row flags " +
                                                                        std::to_string(row_flags) +
                                                                        " (state written by a newer mailtwin?)"));
    m.detached = (row_flags & k_row_detached) != 0;
    return m;
}

// intents v1: ver, u8 kind, bytes folder, u32 uid, bytes local_key, bytes reserved, u8 presence,
// [16 message-id hash], [32 content hash], i64 created. The reserved bytes were a target folder for
// kinds (move, download) no build ever wrote: written empty, and a record with any is refused.
std::string encode(const Intent& i) {
    ByteWriter w;
    w.u8(k_intent_version);
    w.u8(static_cast<std::uint8_t>(i.kind));
    w.bytes(i.folder);
    w.u32(i.uid);
    w.bytes(i.local_key);
    w.bytes("");  // reserved
    put_hashes(w, i.message_id_hash, i.content_hash);
    w.i64(i.created);
    return w.take();
}

util::Expected<Intent> decode_intent(std::string_view value, IntentId id) {
    ByteReader r(value);
    if (auto v = check_version(r, k_intent_version, "intents"); !v) return util::unexpected(std::move(v).error());
    Intent i;
    i.id = id;
    const std::uint8_t kind = r.u8();
    i.folder = std::string(r.bytes());
    i.uid = r.u32();
    i.local_key = std::string(r.bytes());
    const bool reserved_empty = r.bytes().empty();
    get_hashes(r, i.message_id_hash, i.content_hash);
    i.created = r.i64();
    if (auto e = finish(r, "intents"); !e) return util::unexpected(std::move(e).error());
    // Refused like an unknown version: a newer build may give them a meaning this one would lose.
    if (kind != static_cast<std::uint8_t>(IntentKind::append))
        return util::unexpected(
            error(Errc::unknown_record_version, "intents record has unknown kind " + std::to_string(kind)));
    if (!reserved_empty)
        return util::unexpected(
            error(Errc::unknown_record_version, "intents record has a target folder; this mailtwin writes none"));
    i.kind = static_cast<IntentKind>(kind);
    return i;
}

// runs v1: ver, i64 last_run, bytes last_run_error, varint count, that many { bytes folder,
// i64 checked_ok, i64 failed_at, bytes failure }, u32 checksum.
std::string encode(const AccountRuns& runs) {
    ByteWriter w;
    w.u8(k_runs_version);
    w.i64(runs.last_run);
    w.bytes(runs.last_run_error);
    w.varint(runs.folders.size());
    for (const auto& [folder, run] : runs.folders) {
        w.bytes(folder);
        w.i64(run.checked_ok);
        w.i64(run.failed_at);
        w.bytes(run.failure);
    }
    seal(w, "");
    return w.take();
}

util::Expected<AccountRuns> decode_runs(std::string_view value) {
    ByteReader peek(value);
    if (auto v = check_version(peek, k_runs_version, "runs"); !v) return util::unexpected(std::move(v).error());
    auto body = unseal(value, "", "runs");
    if (!body) return util::unexpected(std::move(body).error());
    ByteReader r(*body);
    r.u8();  // the version, read above
    AccountRuns runs;
    runs.last_run = r.i64();
    runs.last_run_error = std::string(r.bytes());
    const std::uint64_t n = r.varint();
    for (std::uint64_t i = 0; i < n && !r.failed(); ++i) {
        std::string folder(r.bytes());
        FolderRun run;
        run.checked_ok = r.i64();
        run.failed_at = r.i64();
        run.failure = std::string(r.bytes());
        runs.folders.emplace(std::move(folder), std::move(run));
    }
    if (auto e = finish(r, "runs"); !e) return util::unexpected(std::move(e).error());
    return runs;
}

std::string encode_meta_u64(std::uint64_t v) {
    ByteWriter w;
    w.u8(k_meta_version);
    w.u64(v);
    return w.take();
}

util::Expected<std::uint64_t> decode_meta_u64(std::string_view value) {
    ByteReader r(value);
    if (auto v = check_version(r, k_meta_version, "meta"); !v) return util::unexpected(std::move(v).error());
    const std::uint64_t n = r.u64();
    if (auto e = finish(r, "meta"); !e) return util::unexpected(std::move(e).error());
    return n;
}

}  // namespace mailtwin::state::codec
