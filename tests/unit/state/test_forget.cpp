// Forgetting (mailtwin forget): one account's rows, or one folder's, go from every database; the
// rows of every other account (one whose name starts with the same letters too) and folder stay.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "fixtures/temp_dir.hpp"
#include "mailtwin/state/state_db.hpp"
#include "state_test_util.hpp"

namespace mailtwin::state {
namespace {

using mailtwin::test::TempDir;
using test::sample_message;

class ForgetTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto db = StateDb::open(m_dir / "state.mdb");
        ASSERT_TRUE(db) << db.error().describe();
        m_db.emplace(std::move(*db));
        for (const char* account : {"a", "ab", "b"})
            for (const char* folder : {"INBOX", "Sent"}) fill(account, folder);
    }
    void fill(const std::string& account, const std::string& folder) {
        auto r = m_db->write([&](WriteTxn& txn) -> Expected<void> {
            FolderState f;
            f.uidvalidity = 7;
            if (auto s = m_db->save_folder(txn, account, folder, f); !s) return s;
            for (model::Uid uid = 1; uid <= 3; ++uid) {
                MessageRecord m = sample_message(uid);
                m.local_key = account + "-" + folder + "-" + std::to_string(uid);
                if (auto s = m_db->put_message(txn, account, folder, m); !s) return s;
            }
            MessageRecord keyed = sample_message(0);
            keyed.uid = 0;
            keyed.local_key = account + "-" + folder + "-keyed";
            if (auto s = m_db->put_keyed(txn, account, folder, keyed); !s) return s;
            Intent intent;  // a late-append watch
            intent.folder = folder;
            intent.local_key = keyed.local_key;
            if (auto id = m_db->add_intent(txn, account, intent); !id) return util::unexpected(id.error());
            auto runs = m_db->load_runs(txn, account);
            if (!runs) return util::unexpected(runs.error());
            AccountRuns record = runs->value_or(AccountRuns{});
            record.folders[folder].checked_ok = 1'700'000'000;
            return m_db->save_runs(txn, account, record);
        });
        ASSERT_TRUE(r) << r.error().describe();
    }
    StateDb::Forgotten forget(const std::string& account, const std::optional<std::string>& folder = {}) {
        StateDb::Forgotten out;
        auto r = m_db->write([&](WriteTxn& txn) -> Expected<void> {
            auto f = folder ? m_db->forget_folder(txn, account, *folder) : m_db->forget_account(txn, account);
            if (!f) return util::unexpected(f.error());
            out = *f;
            return {};
        });
        EXPECT_TRUE(r) << r.error().describe();
        return out;
    }
    std::size_t messages(const std::string& account, const std::string& folder) {
        std::size_t n = 0;
        auto r = m_db->for_each_message(account, folder, [&](const MessageRecord&) { return ++n, true; });
        EXPECT_TRUE(r);
        return n;
    }
    std::optional<AccountRuns> runs(const std::string& account) {
        auto txn = m_db->begin_read();
        EXPECT_TRUE(txn);
        auto r = m_db->load_runs(*txn, account);
        EXPECT_TRUE(r);
        return r ? *r : std::nullopt;
    }
    bool intact(const std::string& account) {
        auto folders = m_db->list_folders(account);
        auto intents = m_db->list_intents(account);
        auto by_key = test::local_key_refs(*m_db, account, account + "-INBOX-1");
        auto run = runs(account);
        return folders && folders->size() == 2 && messages(account, "INBOX") == 3 && messages(account, "Sent") == 3 &&
               intents && intents->size() == 2 && by_key.size() == 1 && run && run->folders.size() == 2;
    }

    TempDir m_dir{"mailtwin-forget"};
    std::optional<StateDb> m_db;
};

TEST_F(ForgetTest, AnAccountGoesFromEveryDatabaseAndOnlyIt) {
    ASSERT_TRUE(intact("a"));
    const auto f = forget("a");
    EXPECT_EQ(f.folders, 2u);
    EXPECT_EQ(f.messages, 8u);  // 3 pairs and 1 keyed row per folder
    EXPECT_EQ(f.intents, 2u);
    EXPECT_TRUE(m_db->list_folders("a")->empty());
    EXPECT_EQ(messages("a", "INBOX"), 0u);
    EXPECT_TRUE(m_db->list_intents("a")->empty());
    EXPECT_TRUE(test::local_key_refs(*m_db, "a", "a-INBOX-1").empty());
    EXPECT_FALSE(m_db->get_keyed("a", "INBOX", "a-INBOX-keyed")->has_value());
    EXPECT_FALSE(runs("a").has_value());
    EXPECT_TRUE(intact("ab")) << "an account whose name extends the forgotten one is untouched";
    EXPECT_TRUE(intact("b"));
    EXPECT_FALSE(forget("a").any()) << "forgetting twice finds nothing";
}

TEST_F(ForgetTest, AFolderGoesWithItsWatchesAndOnlyIt) {
    const auto f = forget("a", "Sent");
    EXPECT_EQ(f.folders, 1u);
    EXPECT_EQ(f.messages, 4u);
    EXPECT_EQ(f.intents, 1u);
    EXPECT_EQ(*m_db->list_folders("a"), std::vector<std::string>{"INBOX"});
    EXPECT_EQ(messages("a", "INBOX"), 3u);
    EXPECT_EQ(messages("a", "Sent"), 0u);
    ASSERT_EQ(m_db->list_intents("a")->size(), 1u);
    EXPECT_EQ(m_db->list_intents("a")->front().folder, "INBOX");
    ASSERT_TRUE(runs("a").has_value());
    EXPECT_EQ(runs("a")->folders.size(), 1u);
    EXPECT_TRUE(runs("a")->folders.contains("INBOX"));
    EXPECT_TRUE(intact("ab"));
    EXPECT_TRUE(intact("b"));
}

}  // namespace
}  // namespace mailtwin::state
