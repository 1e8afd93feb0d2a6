#include "mailtwin/state/lmdb.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <thread>

#include "fixtures/temp_dir.hpp"
#include "mailtwin/state/error.hpp"
#include "state_test_util.hpp"

namespace mailtwin::state {
namespace {

using mailtwin::test::TempDir;

std::string key_of(int i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "k%08d", i);
    return buf;
}

// Opens the one test database "t" in a committed step and returns its handle.
Dbi open_t(Env& env) {
    Dbi dbi;
    auto r = env.write([&](WriteTxn& txn) -> Expected<void> {
        auto d = Dbi::open(txn, "t", MDB_CREATE);
        if (!d) return util::unexpected(std::move(d).error());
        dbi = *d;
        return {};
    });
    EXPECT_TRUE(r) << r.error().describe();
    return dbi;
}

std::size_t count(Env& env, Dbi dbi) {
    auto txn = env.begin_read();
    EXPECT_TRUE(txn);
    MDB_stat st{};
    EXPECT_EQ(mdb_stat(txn->handle(), dbi, &st), 0);
    return st.ms_entries;
}

// Writes `n` records starting at `from` in one step.
Expected<void> write_batch(Env& env, Dbi dbi, int from, int n, const std::string& value) {
    return env.write([&](WriteTxn& txn) -> Expected<void> {
        for (int i = from; i < from + n; ++i) {
            auto r = txn.put(dbi, key_of(i), value);
            if (!r) return util::unexpected(std::move(r).error());
        }
        return {};
    });
}

TEST(Lmdb, CommittedWriteIsVisibleAfterReopen) {
    TempDir dir;
    {
        auto env = Env::open(dir / "s.mdb");
        ASSERT_TRUE(env) << env.error().describe();
        Dbi dbi = open_t(*env);
        ASSERT_TRUE(write_batch(*env, dbi, 0, 3, "v"));
    }
    auto env = Env::open(dir / "s.mdb");
    ASSERT_TRUE(env);
    Dbi dbi = open_t(*env);
    auto txn = env->begin_read();
    ASSERT_TRUE(txn);
    auto v = txn->get(dbi, key_of(2));
    ASSERT_TRUE(v);
    ASSERT_TRUE(v->has_value());
    EXPECT_EQ(**v, "v");
    EXPECT_TRUE(std::filesystem::exists(dir / "s.mdb-lock")) << "MDB_NOSUBDIR: lock file beside the data file";
}

TEST(Lmdb, DestructorAbortsUncommittedWrite) {
    TempDir dir;
    auto env = Env::open(dir / "s.mdb");
    ASSERT_TRUE(env);
    Dbi dbi = open_t(*env);
    {
        auto txn = env->begin_write();
        ASSERT_TRUE(txn);
        ASSERT_TRUE(txn->put(dbi, "a", "1"));
    }  // no commit(): aborted here
    EXPECT_EQ(count(*env, dbi), 0U);
}

TEST(Lmdb, FailedStepIsAbortedAndReturned) {
    TempDir dir;
    auto env = Env::open(dir / "s.mdb");
    ASSERT_TRUE(env);
    Dbi dbi = open_t(*env);
    auto r = env->write([&](WriteTxn& txn) -> Expected<void> {
        EXPECT_TRUE(txn.put(dbi, "a", "1"));
        return util::unexpected(error(Errc::invalid_record, "step refuses"));
    });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, make_error_code(Errc::invalid_record));
    EXPECT_EQ(count(*env, dbi), 0U);
}

TEST(Lmdb, PutDelAndCursorOrder) {
    TempDir dir;
    auto env = Env::open(dir / "s.mdb");
    ASSERT_TRUE(env);
    Dbi dbi = open_t(*env);
    ASSERT_TRUE(env->write([&](WriteTxn& txn) -> Expected<void> {
        EXPECT_EQ(*txn.put(dbi, "b", "2"), true);
        EXPECT_EQ(*txn.put(dbi, "a", "1"), true);
        EXPECT_EQ(*txn.put(dbi, "a", "x", MDB_NOOVERWRITE), false);
        EXPECT_EQ(*txn.del(dbi, "zz"), false);
        EXPECT_EQ(*txn.put(dbi, "c", "3"), true);
        EXPECT_EQ(*txn.del(dbi, "c"), true);
        return {};
    }));
    auto txn = env->begin_read();
    ASSERT_TRUE(txn);
    auto cursor = Cursor::open(*txn, dbi);
    ASSERT_TRUE(cursor);
    std::string seen;
    for (auto e = cursor->get(MDB_FIRST); e && e->has_value(); e = cursor->get(MDB_NEXT))
        seen += std::string((*e)->key) + "=" + std::string((*e)->value) + ";";
    EXPECT_EQ(seen, "a=1;b=2;");
}

TEST(Lmdb, MapFullGrowsAndRetriesTheStep) {
    TempDir dir;
    Env::Options options;
    options.map_size = 64 * 1024;
    const std::string value(200, 'x');
    int step_runs = 0;
    {
        auto env = Env::open(dir / "s.mdb", options);
        ASSERT_TRUE(env) << env.error().describe();
        const std::size_t initial = env->map_size();
        Dbi dbi = open_t(*env);
        for (int batch = 0; batch < 20; ++batch) {
            auto r = env->write([&](WriteTxn& txn) -> Expected<void> {
                ++step_runs;
                for (int i = batch * 500; i < (batch + 1) * 500; ++i) {
                    auto p = txn.put(dbi, key_of(i), value);
                    if (!p) return util::unexpected(std::move(p).error());
                }
                return {};
            });
            ASSERT_TRUE(r) << r.error().describe();
        }
        EXPECT_GE(env->map_size(), initial * 8) << "grew several times";
        EXPECT_GT(step_runs, 20) << "some steps were re-run after growth";
    }
    auto env = Env::open(dir / "s.mdb", options);
    ASSERT_TRUE(env);
    Dbi dbi = open_t(*env);
    EXPECT_EQ(count(*env, dbi), 10000U);
    auto txn = env->begin_read();
    auto v = txn->get(dbi, key_of(9999));
    ASSERT_TRUE(v && v->has_value());
    EXPECT_EQ(**v, value);
}

TEST(Lmdb, MapGrowthFailsCleanlyWhileOwnReaderIsOpen) {
    TempDir dir;
    Env::Options options;
    options.map_size = 64 * 1024;
    options.resize_wait = std::chrono::milliseconds(50);
    auto env = Env::open(dir / "s.mdb", options);
    ASSERT_TRUE(env);
    Dbi dbi = open_t(*env);
    auto reader = env->begin_read();
    ASSERT_TRUE(reader);
    auto r = write_batch(*env, dbi, 0, 2000, std::string(200, 'x'));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, make_error_code(Errc::resize_blocked));
    reader->abort();
    EXPECT_TRUE(write_batch(*env, dbi, 0, 2000, std::string(200, 'x')));
}

TEST(Lmdb, ReaderAdoptsMapGrownByAnotherProcess) {
    TempDir dir;
    Env::Options small;
    small.map_size = 64 * 1024;
    auto env = Env::open(dir / "s.mdb", small);
    ASSERT_TRUE(env);
    Dbi dbi = open_t(*env);
    const int status = test::run_in_child([&] {
        Env::Options big;
        big.map_size = 16 << 20;
        auto child = Env::open(dir / "s.mdb", big);
        if (!child) return 1;
        Dbi d = open_t(*child);
        return write_batch(*child, d, 0, 20000, std::string(200, 'y')) ? 0 : 2;
    });
    ASSERT_TRUE(test::exited_ok(status)) << status;
    auto txn = env->begin_read();  // MDB_MAP_RESIZED inside, adopted
    ASSERT_TRUE(txn) << txn.error().describe();
    auto v = txn->get(dbi, key_of(19999));
    ASSERT_TRUE(v && v->has_value());
    txn->abort();
    EXPECT_GE(env->map_size(), std::size_t{16} << 20);
    EXPECT_TRUE(write_batch(*env, dbi, 20000, 10, "z"));
}

TEST(Lmdb, ReadTxnMayEndOnAnotherThread) {
    TempDir dir;
    auto env = Env::open(dir / "s.mdb");
    ASSERT_TRUE(env);
    Dbi dbi = open_t(*env);
    ASSERT_TRUE(write_batch(*env, dbi, 0, 1, "v"));
    auto txn = env->begin_read();
    ASSERT_TRUE(txn);
    bool found = false;
    std::thread t([&, moved = std::move(*txn)]() mutable {
        auto v = moved.get(dbi, key_of(0));
        found = v && v->has_value();
        moved.abort();
    });
    t.join();
    EXPECT_TRUE(found);
    EXPECT_TRUE(write_batch(*env, dbi, 1, 1, "w")) << "the gate saw the moved txn end";
}

TEST(Lmdb, KilledBeforeCommitLeavesPreviousState) {
    TempDir dir;
    {
        auto env = Env::open(dir / "s.mdb");
        ASSERT_TRUE(env);
        Dbi dbi = open_t(*env);
        ASSERT_TRUE(write_batch(*env, dbi, 0, 100, "old"));
    }
    const int status = test::run_in_child([&] {
        auto env = Env::open(dir / "s.mdb");
        if (!env) return 1;
        Dbi dbi = open_t(*env);
        auto txn = env->begin_write();
        for (int i = 0; i < 5000; ++i) (void)txn->put(dbi, key_of(i), "new");
        ::raise(SIGKILL);
        return 3;
    });
    ASSERT_TRUE(test::killed_by(status, SIGKILL));
    auto env = Env::open(dir / "s.mdb");
    ASSERT_TRUE(env);
    Dbi dbi = open_t(*env);
    EXPECT_EQ(count(*env, dbi), 100U);
    auto txn = env->begin_read();
    EXPECT_EQ(**txn->get(dbi, key_of(0)), "old");
    txn->abort();
    EXPECT_TRUE(write_batch(*env, dbi, 100, 1, "after")) << "the dead writer's mutex was recovered";
}

TEST(Lmdb, KilledAfterCommitKeepsNewState) {
    TempDir dir;
    const int status = test::run_in_child([&] {
        auto env = Env::open(dir / "s.mdb");
        if (!env) return 1;
        Dbi dbi = open_t(*env);
        if (!write_batch(*env, dbi, 0, 5000, "new")) return 2;
        ::raise(SIGKILL);
        return 3;
    });
    ASSERT_TRUE(test::killed_by(status, SIGKILL));
    auto env = Env::open(dir / "s.mdb");
    ASSERT_TRUE(env);
    Dbi dbi = open_t(*env);
    EXPECT_EQ(count(*env, dbi), 5000U);
}

TEST(Lmdb, ReadersNeverSeeHalfAStep) {
    TempDir dir;
    auto env = Env::open(dir / "s.mdb");
    ASSERT_TRUE(env);
    Dbi dbi = open_t(*env);
    constexpr int k_step = 500;
    constexpr int k_steps = 40;
    const pid_t writer = ::fork();
    if (writer == 0) {
        auto child = Env::open(dir / "s.mdb");
        if (!child) ::_exit(1);
        Dbi d = open_t(*child);
        for (int s = 0; s < k_steps; ++s)
            if (!write_batch(*child, d, s * k_step, k_step, "v")) ::_exit(2);
        ::_exit(0);
    }
    std::size_t last = 0;
    int observations = 0;
    for (;;) {
        const std::size_t n = count(*env, dbi);
        EXPECT_EQ(n % k_step, 0U) << "a reader saw part of a step";
        EXPECT_GE(n, last);
        last = n;
        ++observations;
        if (n == std::size_t{k_step} * k_steps) break;
        int status = 0;
        if (::waitpid(writer, &status, WNOHANG) == writer) {
            EXPECT_TRUE(test::exited_ok(status));
            EXPECT_EQ(count(*env, dbi), std::size_t{k_step} * k_steps);
            return;
        }
    }
    int status = 0;
    ::waitpid(writer, &status, 0);
    EXPECT_TRUE(test::exited_ok(status));
    EXPECT_GT(observations, 1);
}

TEST(LmdbError, MapsCodesToTheStateCategory) {
    auto e = lmdb_error(MDB_MAP_FULL, "put");
    EXPECT_EQ(e.code, make_error_code(Errc::map_full));
    EXPECT_NE(e.message.find("put"), std::string::npos);
    auto sys = lmdb_error(ENOENT, "open");
    EXPECT_EQ(sys.code, std::error_code(ENOENT, std::generic_category()));
    EXPECT_STREQ(state_category().name(), "state");
}

}  // namespace
}  // namespace mailtwin::state
