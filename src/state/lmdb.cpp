#include "mailtwin/state/lmdb.hpp"

#include <sys/mman.h>

#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>

#include "mailtwin/state/error.hpp"

namespace mailtwin::state {
namespace {

MDB_val to_val(std::string_view s) noexcept {
    // LMDB takes non-const pointers but does not write through input keys and values.
    return MDB_val{s.size(), const_cast<char*>(s.data())};
}

std::string_view from_val(const MDB_val& v) noexcept { return {static_cast<const char*>(v.mv_data), v.mv_size}; }

}  // namespace

// The gate that makes mdb_env_set_mapsize safe: it may run only while this process has no open
// transaction, so every Txn enters here and growth waits for the count to reach zero while
// `resizing` holds new transactions back. A mutex + counter (not a shared_mutex) because a read Txn
// may end on a different thread than the one that began it (MDB_NOTLS).
struct Env::Shared {
    MDB_env* env = nullptr;
    std::mutex mutex;
    std::condition_variable cv;
    std::size_t active = 0;
    bool resizing = false;

    Shared() = default;
    Shared(const Shared&) = delete;
    Shared& operator=(const Shared&) = delete;
    ~Shared() {
        if (env) mdb_env_close(env);
    }

    void enter() {
        std::unique_lock lock(mutex);
        cv.wait(lock, [this] { return !resizing; });
        ++active;
    }

    void leave() noexcept {
        {
            std::lock_guard lock(mutex);
            --active;
        }
        cv.notify_all();
    }

    // Sets the map size (0 = adopt the size another process persisted) with no transaction open here.
    Expected<void> set_map_size(std::size_t size, std::chrono::milliseconds wait) {
        std::unique_lock lock(mutex);
        cv.wait(lock, [this] { return !resizing; });
        resizing = true;
        const bool idle = cv.wait_for(lock, wait, [this] { return active == 0; });
        int rc = idle ? mdb_env_set_mapsize(env, size) : 0;
        resizing = false;
        lock.unlock();
        cv.notify_all();
        if (!idle)
            return util::unexpected(
                error(Errc::resize_blocked, "the LMDB map must grow but a transaction of this process stayed open"));
        if (rc != 0) return util::unexpected(lmdb_error(rc, "mdb_env_set_mapsize"));
        return {};
    }
};

// ---- Env ----

Expected<Env> Env::open(const std::filesystem::path& file, const Options& options) {
    Env env;
    env.m_shared = std::make_unique<Shared>();
    env.m_path = file;
    env.m_options = options;
    int rc = mdb_env_create(&env.m_shared->env);
    if (rc != 0) return util::unexpected(lmdb_error(rc, "mdb_env_create"));
    MDB_env* e = env.m_shared->env;
    if ((rc = mdb_env_set_maxdbs(e, options.max_dbs)) != 0 ||
        (rc = mdb_env_set_maxreaders(e, options.max_readers)) != 0 ||
        (rc = mdb_env_set_mapsize(e, options.map_size)) != 0)
        return util::unexpected(lmdb_error(rc, "configuring LMDB environment " + file.string()));
    rc = mdb_env_open(e, file.c_str(), MDB_NOSUBDIR | MDB_NOTLS, 0600);
    if (rc != 0) return util::unexpected(lmdb_error(rc, "opening state database " + file.string()));
    // Reader slots of killed processes would pin old pages forever; clear them now.
    int dead = 0;
    mdb_reader_check(e, &dead);
    return env;
}

Env::Env(Env&&) noexcept = default;
Env& Env::operator=(Env&&) noexcept = default;
Env::~Env() = default;

MDB_env* Env::handle() const noexcept { return m_shared ? m_shared->env : nullptr; }

std::size_t Env::map_size() const {
    MDB_envinfo info{};
    mdb_env_info(m_shared->env, &info);
    return info.me_mapsize;
}

void Env::release_mapped_pages() const noexcept {
    if (!m_shared) return;
    // LMDB does not tell where it mapped the file (me_mapaddr is set only for MDB_FIXEDMAP), and a
    // map resize moves it: find the file's mappings in /proc/self/maps each time. They are MAP_SHARED
    // (read-only without MDB_WRITEMAP): dropping them loses nothing, the pages stay in the page cache
    // and return on the next access. Best effort: any failure leaves the pages mapped.
    std::error_code ec;
    const auto file = std::filesystem::weakly_canonical(m_path, ec).string();
    if (ec) return;
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        if (line.size() < file.size() || line.compare(line.size() - file.size(), file.size(), file) != 0) continue;
        unsigned long begin = 0, end = 0;
        if (std::sscanf(line.c_str(), "%lx-%lx", &begin, &end) != 2 || end <= begin) continue;
        (void)::madvise(reinterpret_cast<void*>(begin), end - begin,
                        MADV_DONTNEED);  // NOLINT: an address from the kernel
    }
}

Expected<Txn> Env::begin(bool writable) {
    for (int attempt = 0;; ++attempt) {
        m_shared->enter();
        MDB_txn* txn = nullptr;
        int rc = mdb_txn_begin(m_shared->env, nullptr, writable ? 0U : MDB_RDONLY, &txn);
        if (rc == 0) return Txn(m_shared.get(), txn, writable);
        m_shared->leave();
        if (rc == MDB_MAP_RESIZED && attempt < 3) {
            // Another process grew the map past ours: adopt its size, then begin again.
            if (auto r = m_shared->set_map_size(0, m_options.resize_wait); !r)
                return util::unexpected(std::move(r).error());
            continue;
        }
        return util::unexpected(
            lmdb_error(rc, writable ? "beginning a write transaction" : "beginning a read transaction"));
    }
}

Expected<Txn> Env::begin_read() { return begin(false); }

Expected<WriteTxn> Env::begin_write() {
    auto txn = begin(true);
    if (!txn) return util::unexpected(std::move(txn).error());
    WriteTxn w(txn->m_shared, txn->m_txn);
    // Ownership moves to `w`; `txn` must not abort or leave the gate.
    txn->m_shared = nullptr;
    txn->m_txn = nullptr;
    return w;
}

Expected<void> Env::grow(std::size_t seen_size) {
    const std::size_t now = map_size();
    // Another thread may have grown it already since our step began.
    if (now > seen_size) return {};
    return m_shared->set_map_size(now * 2, m_options.resize_wait);
}

Expected<void> Env::write(const std::function<Expected<void>(WriteTxn&)>& step) {
    for (unsigned growths = 0;; ++growths) {
        const std::size_t seen = map_size();
        auto txn = begin_write();
        if (!txn) return util::unexpected(std::move(txn).error());
        auto result = step(*txn);
        if (result) result = txn->commit();  // the one place a step becomes durable
        if (result) return {};
        txn->abort();  // before any growth: set_mapsize needs no open txn in this process
        if (result.error().code != make_error_code(Errc::map_full) || growths >= m_options.max_growths_per_write)
            return result;
        if (auto g = grow(seen); !g) return g;
    }
}

// ---- Txn ----

Txn::Txn(Txn&& other) noexcept
    : m_shared(std::exchange(other.m_shared, nullptr)),
      m_txn(std::exchange(other.m_txn, nullptr)),
      m_writable(other.m_writable) {}

Txn& Txn::operator=(Txn&& other) noexcept {
    if (this != &other) {
        release();
        m_shared = std::exchange(other.m_shared, nullptr);
        m_txn = std::exchange(other.m_txn, nullptr);
        m_writable = other.m_writable;
    }
    return *this;
}

Txn::~Txn() { release(); }

void Txn::release() noexcept {
    if (m_txn) {
        mdb_txn_abort(m_txn);
        m_txn = nullptr;
        m_shared->leave();
    }
}

void Txn::abort() noexcept { release(); }

Expected<void> Txn::commit() {
    if (!m_txn) return util::unexpected(error(Errc::lmdb_other, "commit of a transaction that is not active"));
    // mdb_txn_commit frees the handle whether or not it succeeds.
    int rc = mdb_txn_commit(std::exchange(m_txn, nullptr));
    m_shared->leave();
    if (rc != 0) return util::unexpected(lmdb_error(rc, "committing state transaction"));
    return {};
}

Expected<std::optional<std::string_view>> Txn::get(MDB_dbi dbi, std::string_view key) {
    MDB_val k = to_val(key);
    MDB_val v{};
    int rc = mdb_get(m_txn, dbi, &k, &v);
    if (rc == MDB_NOTFOUND) return std::optional<std::string_view>{};
    if (rc != 0) return util::unexpected(lmdb_error(rc, "mdb_get"));
    return std::optional<std::string_view>{from_val(v)};
}

Expected<bool> Txn::put(MDB_dbi dbi, std::string_view key, std::string_view value, unsigned flags) {
    MDB_val k = to_val(key);
    MDB_val v = to_val(value);
    int rc = mdb_put(m_txn, dbi, &k, &v, flags);
    if (rc == MDB_KEYEXIST && (flags & (MDB_NOOVERWRITE | MDB_NODUPDATA)) != 0) return false;
    if (rc != 0) return util::unexpected(lmdb_error(rc, "mdb_put"));
    return true;
}

Expected<bool> Txn::del(MDB_dbi dbi, std::string_view key, std::optional<std::string_view> value) {
    MDB_val k = to_val(key);
    MDB_val v{};
    if (value) v = to_val(*value);
    int rc = mdb_del(m_txn, dbi, &k, value ? &v : nullptr);
    if (rc == MDB_NOTFOUND) return false;
    if (rc != 0) return util::unexpected(lmdb_error(rc, "mdb_del"));
    return true;
}

// ---- Dbi ----

Expected<Dbi> Dbi::open(Txn& txn, const char* name, unsigned flags) {
    MDB_dbi dbi = 0;
    int rc = mdb_dbi_open(txn.handle(), name, flags, &dbi);
    if (rc != 0) return util::unexpected(lmdb_error(rc, std::string("opening database '") + name + "'"));
    return Dbi(dbi);
}

// ---- Cursor ----

Expected<Cursor> Cursor::open(Txn& txn, MDB_dbi dbi) {
    MDB_cursor* c = nullptr;
    int rc = mdb_cursor_open(txn.handle(), dbi, &c);
    if (rc != 0) return util::unexpected(lmdb_error(rc, "mdb_cursor_open"));
    return Cursor(c);
}

Cursor::Cursor(Cursor&& other) noexcept : m_cursor(std::exchange(other.m_cursor, nullptr)) {}

Cursor::~Cursor() {
    if (m_cursor) mdb_cursor_close(m_cursor);
}

Expected<std::optional<Entry>> Cursor::get(MDB_cursor_op op, std::string_view key, std::string_view value) {
    MDB_val k = to_val(key);
    MDB_val v = to_val(value);
    int rc = mdb_cursor_get(m_cursor, &k, &v, op);
    if (rc == MDB_NOTFOUND) return std::optional<Entry>{};
    if (rc != 0) return util::unexpected(lmdb_error(rc, "mdb_cursor_get"));
    return std::optional<Entry>{Entry{from_val(k), from_val(v)}};
}

Expected<void> Cursor::del(unsigned flags) {
    int rc = mdb_cursor_del(m_cursor, flags);
    if (rc != 0) return util::unexpected(lmdb_error(rc, "mdb_cursor_del"));
    return {};
}

}  // namespace mailtwin::state
