// StateDb: re-keying everything the state holds under one folder name to another (a folder renamed on
// the server keeps its messages, UIDs and UIDVALIDITY; issue 16). Every messages, keyed and folders
// key of a folder starts with keys::folder(account, folder), whose str16 name carries its length, so
// a cursor over that prefix finds exactly that folder's rows: neither "Projects2" nor "Projects/Sub"
// is under the prefix of "Projects". Record values do not name their folder (a messages checksum
// covers the uid, not the folder), so rows move as their stored bytes.
#include <optional>
#include <string>
#include <vector>

#include "indexes.hpp"
#include "mailtwin/state/codec.hpp"
#include "mailtwin/state/error.hpp"
#include "mailtwin/state/keys.hpp"
#include "mailtwin/state/state_db.hpp"

namespace mailtwin::state {
namespace {

struct RawRow {
    std::string key;
    std::string value;
};

// Every entry whose key starts with `prefix`, copied out: the caller writes to the same database next,
// which would invalidate the views.
Expected<std::vector<RawRow>> rows_under(Txn& txn, MDB_dbi dbi, const std::string& prefix) {
    auto cursor = Cursor::open(txn, dbi);
    if (!cursor) return util::unexpected(std::move(cursor).error());
    std::vector<RawRow> out;
    for (auto e = cursor->get(MDB_SET_RANGE, prefix);; e = cursor->get(MDB_NEXT)) {
        if (!e) return util::unexpected(std::move(e).error());
        if (!e->has_value() || !(*e)->key.starts_with(prefix)) return out;
        out.push_back({std::string((*e)->key), std::string((*e)->value)});
    }
}

Expected<bool> any_under(Txn& txn, MDB_dbi dbi, const std::string& prefix) {
    auto cursor = Cursor::open(txn, dbi);
    if (!cursor) return util::unexpected(std::move(cursor).error());
    auto e = cursor->get(MDB_SET_RANGE, prefix);
    if (!e) return util::unexpected(std::move(e).error());
    return e->has_value() && (*e)->key.starts_with(prefix);
}

// Puts `value` under `to` and deletes `from`, in `dbi`.
Expected<void> move_entry(WriteTxn& txn, MDB_dbi dbi, const std::string& from, const std::string& to,
                          std::string_view value) {
    if (auto p = txn.put(dbi, to, value); !p) return util::unexpected(std::move(p).error());
    if (auto d = txn.del(dbi, from); !d) return util::unexpected(std::move(d).error());
    return {};
}

// Errc::folder_exists when `to` has a folders record, messages or keyed rows.
Expected<void> check_rename_target(Txn& txn, const schema::Dbis& dbis, std::string_view account, std::string_view to) {
    const std::string prefix = keys::folder(account, to);
    auto record = txn.get(dbis.folders, prefix);
    if (!record) return util::unexpected(std::move(record).error());
    bool taken = record->has_value();
    for (MDB_dbi dbi : {dbis.messages.handle(), dbis.keyed.handle()}) {
        if (taken) break;
        auto any = any_under(txn, dbi, prefix);
        if (!any) return util::unexpected(std::move(any).error());
        taken = *any;
    }
    if (taken)
        return util::unexpected(error(Errc::folder_exists, "cannot rename a folder's state to '" + std::string(to) +
                                                               "': the state already holds that folder"));
    return {};
}

// Moves `from`'s messages records (read by rows_under) to `to`, with their by_local_key entries.
Expected<void> rekey_messages(WriteTxn& txn, const schema::Dbis& dbis, std::string_view account, std::string_view from,
                              std::string_view to, const std::vector<RawRow>& rows) {
    for (const auto& row : rows) {
        auto uid = keys::uid_of_message(row.key);
        if (!uid) return util::unexpected(error(Errc::truncated_record, "malformed messages key"));
        // A readable record's index entry follows it; an unreadable one moves as its bytes, and its
        // entry (if any) stays behind as a stale one, which lookups already pass over (state_db.hpp).
        auto record = codec::decode_message(row.value, *uid);
        if (!record && !is_unreadable_record(record.error())) return util::unexpected(std::move(record).error());
        if (record)
            if (auto r = detail::remove_index_entries(txn, dbis, account, from, *record); !r) return r;
        if (auto m = move_entry(txn, dbis.messages, row.key, keys::message(account, to, *uid), row.value); !m) return m;
        if (record)
            if (auto r = detail::add_index_entries(txn, dbis, account, to, *record); !r) return r;
    }
    return {};
}

// Moves `from`'s entry in the account's run record to `to`.
Expected<void> rename_run_entry(StateDb& db, WriteTxn& txn, std::string_view account, std::string_view from,
                                std::string_view to) {
    auto runs = db.load_runs(txn, account);
    if (!runs) {
        // A damaged run record is replaced by the next run (docs/state-schema.md); nothing to move.
        if (is_unreadable_record(runs.error())) return {};
        return util::unexpected(std::move(runs).error());
    }
    if (!*runs) return {};
    auto& folders = (*runs)->folders;
    auto entry = folders.find(std::string(from));
    bool changed = false;
    if (entry != folders.end()) {
        FolderRun run = std::move(entry->second);
        folders.erase(entry);
        folders[std::string(to)] = std::move(run);
        changed = true;
    } else {
        // An entry left under the new name (a folder of that name gone since) is not this folder's.
        changed = folders.erase(std::string(to)) > 0;
    }
    if (!changed) return {};
    return db.save_runs(txn, account, **runs);
}

}  // namespace

Expected<bool> StateDb::rename_folder(WriteTxn& txn, std::string_view account, std::string_view from,
                                      std::string_view to) {
    if (auto c = keys::check_names(account, from); !c) return util::unexpected(std::move(c).error());
    if (auto c = keys::check_names(account, to); !c) return util::unexpected(std::move(c).error());
    if (auto t = check_rename_target(txn, m_dbis, account, to); !t) return util::unexpected(std::move(t).error());

    // Read everything first and check every new key, so a refusal changes nothing.
    const std::string from_prefix = keys::folder(account, from);
    auto folder = txn.get(m_dbis.folders, from_prefix);
    if (!folder) return util::unexpected(std::move(folder).error());
    const std::optional<std::string> folder_bytes =
        folder->has_value() ? std::optional<std::string>(std::string(**folder)) : std::nullopt;
    auto messages = rows_under(txn, m_dbis.messages, from_prefix);
    if (!messages) return util::unexpected(std::move(messages).error());
    auto keyed = rows_under(txn, m_dbis.keyed, from_prefix);
    if (!keyed) return util::unexpected(std::move(keyed).error());
    for (const auto& row : *keyed)
        if (auto c = keys::check_keyed_names(account, to, std::string_view(row.key).substr(from_prefix.size())); !c)
            return util::unexpected(std::move(c).error());
    auto intents = list_intents(txn, account);
    if (!intents) return util::unexpected(std::move(intents).error());
    std::erase_if(*intents, [&](const Intent& i) { return i.folder != from; });
    for (const auto& intent : *intents)
        if (auto c = keys::check_names(account, to, intent.local_key); !c)
            return util::unexpected(std::move(c).error());
    if (!folder_bytes && messages->empty() && keyed->empty() && intents->empty()) return false;

    const std::string to_prefix = keys::folder(account, to);
    if (folder_bytes)
        if (auto m = move_entry(txn, m_dbis.folders, from_prefix, to_prefix, *folder_bytes); !m)
            return util::unexpected(std::move(m).error());
    if (auto m = rekey_messages(txn, m_dbis, account, from, to, *messages); !m)
        return util::unexpected(std::move(m).error());
    for (const auto& row : *keyed) {
        const std::string local = row.key.substr(from_prefix.size());
        if (auto m = move_entry(txn, m_dbis.keyed, row.key, keys::keyed(account, to, local), row.value); !m)
            return util::unexpected(std::move(m).error());
    }
    for (Intent intent : *intents) {  // a watch's id is its key: re-encoded in place
        intent.folder = std::string(to);
        auto put = txn.put(m_dbis.intents, keys::intent(account, intent.id), codec::encode(intent));
        if (!put) return util::unexpected(std::move(put).error());
    }
    if (auto r = rename_run_entry(*this, txn, account, from, to); !r) return util::unexpected(std::move(r).error());
    return true;
}

}  // namespace mailtwin::state
