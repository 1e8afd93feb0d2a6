// StateDb::rename_folder: one folder's rows (folders record, messages and their by_local_key entries,
// keyed rows, late-append watches, run record entry) move to a new name in one transaction; a taken
// name is refused with nothing changed; every other folder (one whose name starts with the same
// letters, the folder's children) and every other account stays as it was.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "fixtures/temp_dir.hpp"
#include "mailtwin/state/error.hpp"
#include "mailtwin/state/state_db.hpp"
#include "state_test_util.hpp"

namespace mailtwin::state {
namespace {

using mailtwin::test::TempDir;
using test::sample_message;

// Everything the state holds for one folder of one account, read back through the public API.
struct FolderRows {
    std::optional<FolderState> record;
    std::vector<MessageRecord> messages;
    std::vector<MessageRecord> keyed;
    std::vector<Intent> watches;
    std::optional<FolderRun> run;

    friend bool operator==(const FolderRows&, const FolderRows&) = default;
};

class RenameFolderTest : public ::testing::Test {
protected:
    const std::vector<std::string> m_folders{"INBOX", "Projects", "Projects2", "Projects/Sub"};

    void SetUp() override {
        auto db = StateDb::open(m_dir / "state.mdb");
        ASSERT_TRUE(db) << db.error().describe();
        m_db.emplace(std::move(*db));
        for (const char* account : {"a", "ab"})
            for (const auto& folder : m_folders) fill(account, folder);
    }

    static std::string local(const std::string& account, const std::string& folder, model::Uid uid) {
        std::string key = account;
        key.append("-").append(folder).append("-").append(std::to_string(uid));
        return key;
    }

    void fill(const std::string& account, const std::string& folder) {
        auto r = m_db->write([&](WriteTxn& txn) -> Expected<void> {
            FolderState f;
            f.uidvalidity = 7;
            f.uidnext = 5;
            f.local_path = "/mail/" + account + "/" + folder;
            f.mailbox_id = "id-" + account + "-" + std::to_string(folder.size());
            if (auto s = m_db->save_folder(txn, account, folder, f); !s) return s;
            for (model::Uid uid = 1; uid <= 4; ++uid) {
                MessageRecord m = sample_message(uid);
                m.local_key = uid == 4 ? std::string() : local(account, folder, uid);  // 4: a download in flight
                if (auto s = m_db->put_message(txn, account, folder, m); !s) return s;
            }
            if (auto s = m_db->put_keyed(txn, account, folder, test::sample_keyed(local(account, folder, 0), false));
                !s)
                return s;
            Intent watch;
            watch.folder = folder;
            watch.uid = 4;
            watch.local_key = local(account, folder, 0);
            if (auto id = m_db->add_intent(txn, account, watch); !id) return util::unexpected(id.error());
            auto runs = m_db->load_runs(txn, account);
            if (!runs) return util::unexpected(runs.error());
            AccountRuns record = runs->value_or(AccountRuns{});
            record.folders[folder] = FolderRun{1'700'000'000 + static_cast<std::int64_t>(folder.size()), 0, ""};
            return m_db->save_runs(txn, account, record);
        });
        ASSERT_TRUE(r) << r.error().describe();
    }

    FolderRows rows(const std::string& account, const std::string& folder) {
        FolderRows out;
        auto txn = m_db->begin_read();
        EXPECT_TRUE(txn);
        auto record = m_db->load_folder(*txn, account, folder);
        EXPECT_TRUE(record) << record.error().describe();
        if (record) out.record = *record;
        auto collect = [](std::vector<MessageRecord>& into) {
            return [&into](const MessageRecord& m) {
                into.push_back(m);
                return true;
            };
        };
        EXPECT_TRUE(m_db->for_each_message(*txn, account, folder, collect(out.messages)));
        EXPECT_TRUE(m_db->for_each_keyed(*txn, account, folder, collect(out.keyed)));
        auto watches = m_db->list_intents(*txn, account);
        EXPECT_TRUE(watches);
        if (watches)
            for (const auto& w : *watches)
                if (w.folder == folder) out.watches.push_back(w);
        auto runs = m_db->load_runs(*txn, account);
        EXPECT_TRUE(runs);
        if (runs && *runs) {
            auto it = (*runs)->folders.find(folder);
            if (it != (*runs)->folders.end()) out.run = it->second;
        }
        return out;
    }

    // Every folder of every account, to compare before and after.
    std::vector<FolderRows> everything(const std::vector<std::string>& extra = {}) {
        std::vector<FolderRows> out;
        for (const char* account : {"a", "ab"}) {
            for (const auto& folder : m_folders) out.push_back(rows(account, folder));
            for (const auto& folder : extra) out.push_back(rows(account, folder));
        }
        return out;
    }

    Expected<bool> rename(const std::string& account, const std::string& from, const std::string& to) {
        Expected<bool> result = false;
        // The step commits whatever the call did, refused or not, so a refusal must have changed nothing.
        auto r = m_db->write([&](WriteTxn& txn) -> Expected<void> {
            result = m_db->rename_folder(txn, account, from, to);
            return {};
        });
        EXPECT_TRUE(r) << r.error().describe();
        return result;
    }

    TempDir m_dir{"mailtwin-rename"};
    std::optional<StateDb> m_db;
};

TEST_F(RenameFolderTest, EveryRowOfTheFolderMovesToTheNewName) {
    const FolderRows before = rows("a", "Projects");
    ASSERT_TRUE(before.record);
    ASSERT_EQ(before.messages.size(), 4u);
    ASSERT_EQ(before.keyed.size(), 1u);
    ASSERT_EQ(before.watches.size(), 1u);
    ASSERT_TRUE(before.run);

    auto renamed = rename("a", "Projects", "Archive/Projects");
    ASSERT_TRUE(renamed) << renamed.error().describe();
    EXPECT_TRUE(*renamed);

    const FolderRows after = rows("a", "Archive/Projects");
    EXPECT_EQ(after.record, before.record) << "local_path, mailbox_id and the rest move as they were";
    EXPECT_EQ(after.messages, before.messages);
    EXPECT_EQ(after.keyed, before.keyed);
    ASSERT_EQ(after.watches.size(), 1u);
    EXPECT_EQ(after.watches[0].id, before.watches[0].id);
    Intent moved_watch = before.watches[0];
    moved_watch.folder = "Archive/Projects";
    EXPECT_EQ(after.watches[0], moved_watch);
    EXPECT_EQ(after.run, before.run);
    EXPECT_EQ(rows("a", "Projects"), FolderRows{}) << "nothing is left under the old name";

    const std::vector<std::string> names = *m_db->list_folders("a");
    EXPECT_EQ(names, (std::vector<std::string>{"INBOX", "Projects2", "Projects/Sub", "Archive/Projects"}));
    auto txn = m_db->begin_read();
    ASSERT_TRUE(txn);
    auto runs = m_db->load_runs(*txn, "a");
    ASSERT_TRUE(runs && *runs);
    EXPECT_FALSE((*runs)->folders.contains("Projects"));
}

TEST_F(RenameFolderTest, TheLocalKeyIndexFollowsTheMessages) {
    ASSERT_TRUE(*rename("a", "Projects", "Done"));
    for (model::Uid uid = 1; uid <= 3; ++uid) {
        const std::string key = local("a", "Projects", uid);
        auto found = m_db->get_by_local_key("a", "Done", key);
        ASSERT_TRUE(found && found->has_value()) << key;
        EXPECT_EQ((*found)->uid, uid);
        EXPECT_EQ((*found)->local_key, key);
        EXPECT_FALSE(m_db->get_by_local_key("a", "Projects", key)->has_value()) << key;
        EXPECT_EQ(test::local_key_refs(*m_db, "a", key), (std::vector<MessageRef>{{"Done", uid}}))
            << "one index entry, under the new name: none left behind";
        EXPECT_EQ(**m_db->get_by_uid("a", "Done", uid), (*found).value());
    }
    EXPECT_EQ((*m_db->get_by_uid("a", "Done", 4))->local_key, "") << "a row without a local key moves too";
    EXPECT_TRUE(m_db->get_keyed("a", "Done", local("a", "Projects", 0))->has_value());
    EXPECT_FALSE(m_db->get_keyed("a", "Projects", local("a", "Projects", 0))->has_value());
    // The moved rows take writes under their new name as any others.
    ASSERT_TRUE(m_db->write([&](WriteTxn& txn) { return m_db->put_message(txn, "a", "Done", sample_message(9)); }));
    EXPECT_EQ(m_db->get_by_local_key("a", "Done", sample_message(9).local_key)->value().uid, 9u);
}

TEST_F(RenameFolderTest, OtherFoldersAndAccountsAreUntouched) {
    const std::vector<FolderRows> before = everything({"Renamed"});
    ASSERT_TRUE(*rename("a", "Projects", "Renamed"));
    const std::vector<FolderRows> after = everything({"Renamed"});
    ASSERT_EQ(before.size(), after.size());
    for (std::size_t i = 0; i < before.size(); ++i) {
        const std::size_t per_account = m_folders.size() + 1;
        const bool moved = i == 1 || i == per_account - 1;  // a/Projects and a/Renamed
        if (!moved) {
            EXPECT_EQ(after[i], before[i]) << "row set " << i;
        }
    }
    // "Projects2" and "Projects/Sub" start with the old name; "ab" with the account's.
    EXPECT_EQ(rows("a", "Projects2").messages.size(), 4u);
    EXPECT_EQ(rows("a", "Projects/Sub").messages.size(), 4u);
    EXPECT_EQ(rows("ab", "Projects").messages.size(), 4u);
    EXPECT_EQ(test::local_key_refs(*m_db, "ab", local("ab", "Projects", 1)),
              (std::vector<MessageRef>{{"Projects", 1}}));
}

TEST_F(RenameFolderTest, ATakenNameIsRefusedAndNothingChanges) {
    const std::vector<FolderRows> before = everything({"Orphan", "KeyedOnly"});
    // A name with a folders record; one with messages but no folders record (a first sync cut
    // short); one with only keyed rows.
    ASSERT_TRUE(m_db->write([&](WriteTxn& txn) -> Expected<void> {
        if (auto r = m_db->put_message(txn, "a", "Orphan", sample_message(20)); !r) return r;
        return m_db->put_keyed(txn, "a", "KeyedOnly", test::sample_keyed("upload-x", false));
    }));
    const std::vector<FolderRows> with_targets = everything({"Orphan", "KeyedOnly"});
    EXPECT_NE(with_targets, before);
    for (const char* taken : {"Projects2", "Orphan", "KeyedOnly", "Projects"}) {
        auto r = rename("a", "Projects", taken);
        ASSERT_FALSE(r) << taken;
        EXPECT_EQ(r.error().code, make_error_code(Errc::folder_exists)) << r.error().describe();
        EXPECT_NE(r.error().message.find(taken), std::string::npos) << r.error().message;
        EXPECT_EQ(everything({"Orphan", "KeyedOnly"}), with_targets) << "refused into " << taken;
    }
}

TEST_F(RenameFolderTest, AMissingFolderReturnsFalseAndChangesNothing) {
    const std::vector<FolderRows> before = everything({"Nowhere", "Elsewhere"});
    auto r = rename("a", "Nowhere", "Elsewhere");
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_FALSE(*r);
    EXPECT_EQ(everything({"Nowhere", "Elsewhere"}), before);
    // A folder of another account is not this account's.
    ASSERT_TRUE(m_db->write([&](WriteTxn& txn) { return m_db->save_folder(txn, "ab", "OnlyInAb", FolderState{}); }));
    auto other = rename("a", "OnlyInAb", "Elsewhere");
    ASSERT_TRUE(other);
    EXPECT_FALSE(*other);
    EXPECT_TRUE(m_db->load_folder("ab", "OnlyInAb")->has_value());
    EXPECT_FALSE(m_db->load_folder("a", "Elsewhere")->has_value());
}

TEST_F(RenameFolderTest, AStaleRunEntryUnderTheNewNameGoes) {
    // "Gone" was synced once and is gone from the state but not from the run record; a folder
    // renamed to it must not inherit that history. Here the renamed folder has no entry of its own.
    ASSERT_TRUE(m_db->write([&](WriteTxn& txn) -> Expected<void> {
        auto runs = m_db->load_runs(txn, "a");
        if (!runs) return util::unexpected(runs.error());
        AccountRuns record = **runs;
        record.folders["Gone"] = FolderRun{5, 6, "it failed"};
        record.folders.erase("Projects");
        return m_db->save_runs(txn, "a", record);
    }));
    ASSERT_TRUE(*rename("a", "Projects", "Gone"));
    auto txn = m_db->begin_read();
    ASSERT_TRUE(txn);
    auto runs = m_db->load_runs(*txn, "a");
    ASSERT_TRUE(runs && *runs);
    EXPECT_FALSE((*runs)->folders.contains("Gone"));
    EXPECT_FALSE((*runs)->folders.contains("Projects"));
    EXPECT_EQ((*runs)->folders.size(), 3u);
}

TEST_F(RenameFolderTest, AnUnreadableMessageMovesAsItsBytes) {
    // A record whose bytes changed on disk cannot be read: it moves as it is and stays unreadable.
    ASSERT_TRUE(m_db->write([&](WriteTxn& txn) -> Expected<void> {
        auto dbis = schema::open_dbis(txn);
        if (!dbis) return util::unexpected(std::move(dbis).error());
        const std::string key = keys::message("a", "Projects", 2);
        auto raw = txn.get(dbis->messages, key);
        if (!raw) return util::unexpected(std::move(raw).error());
        std::string bad(**raw);
        bad[3] = static_cast<char>(bad[3] ^ 0x40);
        auto put = txn.put(dbis->messages, key, bad);
        if (!put) return util::unexpected(std::move(put).error());
        return {};
    }));
    ASSERT_TRUE(*rename("a", "Projects", "Moved"));
    std::vector<std::string> unreadable;
    std::vector<model::Uid> readable;
    auto txn = m_db->begin_read();
    ASSERT_TRUE(m_db->for_each_message(
        *txn, "a", "Moved",
        [&](const MessageRecord& m) {
            readable.push_back(m.uid);
            return true;
        },
        [&](std::string_view key, const util::Error&) { unreadable.emplace_back(key); }));
    EXPECT_EQ(readable, (std::vector<model::Uid>{1, 3, 4}));
    EXPECT_EQ(unreadable, (std::vector<std::string>{keys::message("a", "Moved", 2)}));
    EXPECT_FALSE(m_db->get_by_local_key(*txn, "a", "Moved", local("a", "Projects", 2))->has_value());
    EXPECT_FALSE(m_db->get_by_local_key(*txn, "a", "Projects", local("a", "Projects", 2))->has_value());
}

}  // namespace
}  // namespace mailtwin::state
