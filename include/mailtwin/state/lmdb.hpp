#pragma once
// Thin RAII over the LMDB C API: Env, Txn/WriteTxn, Dbi, Cursor.
//
// Layout on disk: MDB_NOSUBDIR — the environment is one data file (e.g. <state_dir>/state.mdb) with its
// lock file next to it (<file>-lock), so the state directory can also hold the per-account lock files
// without LMDB owning the whole directory.
//
// MDB_NOTLS: reader slots belong to the Txn object, not the thread, so a read Txn may be handed to
// another thread (one thread at a time). A write Txn must stay on the thread that began it (LMDB's
// writer mutex is owned by that thread).
//
// Map growth: mdb_env_set_mapsize is legal only while this process has no open transaction. Every Txn
// is begun through Env, which counts open transactions; growth (after MDB_MAP_FULL) and adoption of a
// size grown by another process (MDB_MAP_RESIZED) wait until the count is zero while holding back new
// transactions. Consequence for callers: do not hold a read Txn on a thread that then calls
// Env::write — growth would wait for it; after Options::resize_wait it fails with Errc::resize_blocked.
//
// One Env per file per process: LMDB's locks are per process, so opening the same file twice in one
// process is not supported. A Cursor must be destroyed before its Txn ends.
#include <lmdb.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "mailtwin/util/expected.hpp"

namespace mailtwin::state {

template <typename T>
using Expected = util::Expected<T>;

class Txn;
class WriteTxn;

class Env {
public:
    struct Options {
        std::size_t map_size = std::size_t{64} << 20;  // grown by doubling on MDB_MAP_FULL
        unsigned max_dbs = 16;
        unsigned max_readers = 126;
        std::chrono::milliseconds resize_wait{10000};
        unsigned max_growths_per_write = 24;  // 64 KiB doubled 24 times is 1 TiB
    };

    // Opens (creating if missing, mode 0600) the environment file at `file`. Its parent must exist.
    static Expected<Env> open(const std::filesystem::path& file, const Options& options);
    static Expected<Env> open(const std::filesystem::path& file) { return open(file, Options{}); }

    Env(Env&&) noexcept;
    Env& operator=(Env&&) noexcept;
    ~Env();

    Expected<Txn> begin_read();
    // A raw write transaction: no retry on MDB_MAP_FULL. Prefer write().
    Expected<WriteTxn> begin_write();

    // One committed step. `step` runs in a fresh write transaction; if it (or the commit) reports
    // Errc::map_full, the transaction is aborted, the map doubled and `step` run again from the
    // start — so `step` must be a pure function of the txn (captured outputs assigned, not appended).
    // Any other error aborts and is returned. Commit happens here, never in a destructor.
    Expected<void> write(const std::function<Expected<void>(WriteTxn&)>& step);

    [[nodiscard]] std::size_t map_size() const;
    // Unmaps the data file's pages from this process (madvise MADV_DONTNEED); they stay in the page
    // cache and come back on the next access by a minor fault. Pages of a file map count in the
    // resident set although they are the kernel's cache: a sync that reads every folder's rows would
    // otherwise show the whole state file as its own memory.
    void release_mapped_pages() const noexcept;
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_path; }
    [[nodiscard]] MDB_env* handle() const noexcept;

    struct Shared;  // the MDB_env plus the open-transaction gate; stable across moves of Env

private:
    Env() = default;
    Expected<void> grow(std::size_t seen_size);
    Expected<Txn> begin(bool writable);

    std::unique_ptr<Shared> m_shared;
    std::filesystem::path m_path;
    Options m_options;
};

// A transaction. Destruction aborts unless commit() succeeded: a destructor never commits.
class Txn {
public:
    Txn(Txn&& other) noexcept;
    Txn& operator=(Txn&& other) noexcept;
    Txn(const Txn&) = delete;
    Txn& operator=(const Txn&) = delete;
    ~Txn();

    Expected<void> commit();
    void abort() noexcept;

    [[nodiscard]] bool writable() const noexcept { return m_writable; }
    [[nodiscard]] bool active() const noexcept { return m_txn != nullptr; }
    [[nodiscard]] MDB_txn* handle() const noexcept { return m_txn; }

    // The value for `key`, or nullopt. The view points into the map: valid until this txn ends or
    // writes again, so decode it before either.
    Expected<std::optional<std::string_view>> get(MDB_dbi dbi, std::string_view key);
    // MDB_NOOVERWRITE / MDB_NODUPDATA make an existing key/pair return false instead of an error.
    Expected<bool> put(MDB_dbi dbi, std::string_view key, std::string_view value, unsigned flags = 0);
    // Deletes `key` (all duplicates) or, with `value`, that one duplicate; false when absent.
    Expected<bool> del(MDB_dbi dbi, std::string_view key, std::optional<std::string_view> value = {});

protected:
    Txn(Env::Shared* shared, MDB_txn* txn, bool writable) noexcept
        : m_shared(shared), m_txn(txn), m_writable(writable) {}
    friend class Env;

private:
    void release() noexcept;

    Env::Shared* m_shared = nullptr;
    MDB_txn* m_txn = nullptr;
    bool m_writable = false;
};

// The type write functions take, so a read txn cannot be passed by mistake.
class WriteTxn : public Txn {
    friend class Env;

private:
    WriteTxn(Env::Shared* shared, MDB_txn* txn) noexcept : Txn(shared, txn, true) {}
};

// A named database handle. LMDB handles are process-wide and need no closing; a handle opened in a
// transaction that aborts is discarded by LMDB, so open Dbis in the step that uses them first.
class Dbi {
public:
    Dbi() = default;
    static Expected<Dbi> open(Txn& txn, const char* name, unsigned flags);
    [[nodiscard]] MDB_dbi handle() const noexcept { return m_dbi; }
    operator MDB_dbi() const noexcept { return m_dbi; }  // NOLINT: a handle is its value

private:
    explicit Dbi(MDB_dbi dbi) : m_dbi(dbi) {}
    MDB_dbi m_dbi = 0;
};

struct Entry {
    std::string_view key;
    std::string_view value;
};

// A cursor; closed by the destructor, which must run before its Txn ends.
class Cursor {
public:
    static Expected<Cursor> open(Txn& txn, MDB_dbi dbi);
    Cursor(Cursor&& other) noexcept;
    Cursor& operator=(Cursor&&) = delete;
    Cursor(const Cursor&) = delete;
    Cursor& operator=(const Cursor&) = delete;
    ~Cursor();

    // mdb_cursor_get; nullopt on MDB_NOTFOUND. `key`/`value` are inputs for SET_RANGE, GET_BOTH…
    Expected<std::optional<Entry>> get(MDB_cursor_op op, std::string_view key = {}, std::string_view value = {});
    // Deletes the entry at the cursor (MDB_NODUPDATA: all its duplicates).
    Expected<void> del(unsigned flags = 0);

private:
    explicit Cursor(MDB_cursor* c) : m_cursor(c) {}
    MDB_cursor* m_cursor = nullptr;
};

}  // namespace mailtwin::state
