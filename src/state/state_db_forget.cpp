// StateDb: forgetting an account or a folder (mailtwin forget). Every key of an account starts with
// its str16 name (keys.hpp), so a cursor over that prefix in each database finds all of its rows and
// nothing of another account (no name's prefix is a prefix of another's: the length comes first).
#include "mailtwin/state/codec.hpp"
#include "mailtwin/state/error.hpp"
#include "mailtwin/state/keys.hpp"
#include "mailtwin/state/state_db.hpp"

namespace mailtwin::state {
namespace {

// Deletes every entry whose key starts with `prefix` (every duplicate of a DUPSORT key); the count.
Expected<std::size_t> erase_prefix(WriteTxn& txn, MDB_dbi dbi, const std::string& prefix) {
    auto cursor = Cursor::open(txn, dbi);
    if (!cursor) return util::unexpected(std::move(cursor).error());
    std::size_t erased = 0;
    // Re-seek after each delete, as erase_folder does.
    for (;;) {
        auto e = cursor->get(MDB_SET_RANGE, prefix);
        if (!e) return util::unexpected(std::move(e).error());
        if (!e->has_value() || !(*e)->key.starts_with(prefix)) return erased;
        if (auto d = cursor->del(); !d) return util::unexpected(std::move(d).error());
        ++erased;
    }
}

}  // namespace

Expected<StateDb::Forgotten> StateDb::forget_account(WriteTxn& txn, std::string_view account) {
    if (auto c = keys::check_names(account, ""); !c) return util::unexpected(std::move(c).error());
    const std::string prefix = keys::account_prefix(account);
    Forgotten out;
    auto folders = erase_prefix(txn, m_dbis.folders, prefix);
    if (!folders) return util::unexpected(std::move(folders).error());
    out.folders = *folders;
    auto messages = erase_prefix(txn, m_dbis.messages, prefix);
    if (!messages) return util::unexpected(std::move(messages).error());
    auto keyed = erase_prefix(txn, m_dbis.keyed, prefix);
    if (!keyed) return util::unexpected(std::move(keyed).error());
    out.messages = *messages + *keyed;
    auto intents = erase_prefix(txn, m_dbis.intents, prefix);
    if (!intents) return util::unexpected(std::move(intents).error());
    out.intents = *intents;
    for (MDB_dbi index : {m_dbis.by_local_key, m_dbis.runs})
        if (auto r = erase_prefix(txn, index, prefix); !r) return util::unexpected(std::move(r).error());
    return out;
}

Expected<StateDb::Forgotten> StateDb::forget_folder(WriteTxn& txn, std::string_view account, std::string_view folder) {
    Forgotten out;
    auto record = load_folder(txn, account, folder);
    if (!record) return util::unexpected(std::move(record).error());
    out.folders = record->has_value() ? 1 : 0;
    auto count = [&out](const MessageRecord&) {
        ++out.messages;
        return true;
    };
    if (auto r = for_each_message(txn, account, folder, count); !r) return util::unexpected(std::move(r).error());
    if (auto r = for_each_keyed(txn, account, folder, count); !r) return util::unexpected(std::move(r).error());
    if (auto r = erase_folder(txn, account, folder); !r) return util::unexpected(std::move(r).error());
    // Its late-append watches go too: forgetting drops everything the state knew of the folder.
    auto intents = list_intents(txn, account);
    if (!intents) return util::unexpected(std::move(intents).error());
    for (const auto& intent : *intents)
        if (intent.folder == folder) {
            auto removed = remove_intent(txn, account, intent.id);
            if (!removed) return util::unexpected(std::move(removed).error());
            if (*removed) ++out.intents;
        }
    // Its entry in the run record: a failure of the forgotten folder is no longer news.
    auto runs = load_runs(txn, account);
    if (!runs) {
        if (!is_unreadable_record(runs.error())) return util::unexpected(std::move(runs).error());
    } else if (*runs && (*runs)->folders.erase(std::string(folder)) > 0) {
        if (auto r = save_runs(txn, account, **runs); !r) return util::unexpected(std::move(r).error());
    }
    return out;
}

}  // namespace mailtwin::state
