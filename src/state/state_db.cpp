// StateDb: opening (schema migration) and the folders database.
#include "mailtwin/state/state_db.hpp"

#include <system_error>

#include "indexes.hpp"
#include "mailtwin/state/codec.hpp"
#include "mailtwin/state/error.hpp"
#include "mailtwin/state/keys.hpp"
#include "read_helpers.hpp"

namespace mailtwin::state {

Expected<StateDb> StateDb::open(const std::filesystem::path& file, const Env::Options& options) {
    std::error_code ec;
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
    if (ec)
        return util::unexpected(
            util::system_error(ec.value(), "creating state directory " + file.parent_path().string()));
    auto env = Env::open(file, options);
    if (!env) return util::unexpected(std::move(env).error());
    schema::Dbis dbis;
    // Database handles and the migration commit together; if anything fails, nothing changed.
    auto opened = env->write([&](WriteTxn& txn) -> Expected<void> {
        auto d = schema::open_dbis(txn);
        if (!d) return util::unexpected(std::move(d).error());
        dbis = *d;
        return schema::migrate(txn, dbis, file.string());
    });
    if (!opened) return util::unexpected(std::move(opened).error());
    return StateDb(std::move(*env), dbis);
}

Expected<std::optional<FolderState>> StateDb::load_folder(Txn& txn, std::string_view account, std::string_view folder) {
    if (auto c = keys::check_names(account, folder); !c) return util::unexpected(std::move(c).error());
    auto raw = txn.get(m_dbis.folders, keys::folder(account, folder));
    if (!raw) return util::unexpected(std::move(raw).error());
    if (!raw->has_value()) return std::optional<FolderState>{};
    auto decoded = codec::decode_folder(**raw);
    if (!decoded) return util::unexpected(std::move(decoded).error());
    return std::optional<FolderState>{std::move(*decoded)};
}

Expected<std::optional<FolderState>> StateDb::load_folder(std::string_view account, std::string_view folder) {
    return detail::with_read(m_env, [&](Txn& txn) { return load_folder(txn, account, folder); });
}

Expected<std::vector<std::string>> StateDb::list_folders(Txn& txn, std::string_view account) {
    const std::string prefix = keys::account_prefix(account);
    auto cursor = Cursor::open(txn, m_dbis.folders);
    if (!cursor) return util::unexpected(std::move(cursor).error());
    std::vector<std::string> out;
    for (auto e = cursor->get(MDB_SET_RANGE, prefix);; e = cursor->get(MDB_NEXT)) {
        if (!e) return util::unexpected(std::move(e).error());
        if (!e->has_value() || !(*e)->key.starts_with(prefix)) return out;
        auto name = keys::folder_of((*e)->key);
        if (!name) return util::unexpected(error(Errc::truncated_record, "malformed folders key"));
        out.push_back(std::move(*name));
    }
}

Expected<std::vector<std::string>> StateDb::list_folders(std::string_view account) {
    return detail::with_read(m_env, [&](Txn& txn) { return list_folders(txn, account); });
}

Expected<void> StateDb::save_folder(WriteTxn& txn, std::string_view account, std::string_view folder,
                                    const FolderState& state) {
    if (auto c = keys::check_names(account, folder); !c) return c;
    auto r = txn.put(m_dbis.folders, keys::folder(account, folder), codec::encode(state));
    if (!r) return util::unexpected(std::move(r).error());
    return {};
}

Expected<std::optional<AccountRuns>> StateDb::load_runs(Txn& txn, std::string_view account) {
    if (auto c = keys::check_names(account, ""); !c) return util::unexpected(std::move(c).error());
    auto raw = txn.get(m_dbis.runs, keys::account_prefix(account));
    if (!raw) return util::unexpected(std::move(raw).error());
    if (!raw->has_value()) return std::optional<AccountRuns>{};
    auto decoded = codec::decode_runs(**raw);
    if (!decoded) return util::unexpected(std::move(decoded).error());
    return std::optional<AccountRuns>{std::move(*decoded)};
}

Expected<void> StateDb::save_runs(WriteTxn& txn, std::string_view account, const AccountRuns& runs) {
    if (auto c = keys::check_names(account, ""); !c) return c;
    auto r = txn.put(m_dbis.runs, keys::account_prefix(account), codec::encode(runs));
    if (!r) return util::unexpected(std::move(r).error());
    return {};
}

Expected<bool> StateDb::erase_folder(WriteTxn& txn, std::string_view account, std::string_view folder) {
    if (auto c = keys::check_names(account, folder); !c) return util::unexpected(std::move(c).error());
    const std::string prefix = keys::folder(account, folder);
    auto cursor = Cursor::open(txn, m_dbis.messages);
    if (!cursor) return util::unexpected(std::move(cursor).error());
    bool any = false;
    // Re-seek after each delete: simpler to reason about than cursor position after mdb_cursor_del.
    for (;;) {
        auto e = cursor->get(MDB_SET_RANGE, prefix);
        if (!e) return util::unexpected(std::move(e).error());
        if (!e->has_value() || !(*e)->key.starts_with(prefix)) break;
        auto uid = keys::uid_of_message((*e)->key);
        auto record = codec::decode_message((*e)->value, uid.value_or(0));
        if (!record) return util::unexpected(std::move(record).error());
        if (auto r = detail::remove_index_entries(txn, m_dbis, account, folder, *record); !r)
            return util::unexpected(std::move(r).error());
        if (auto d = cursor->del(); !d) return util::unexpected(std::move(d).error());
        any = true;
    }
    auto keyed = erase_keyed_rows(txn, account, folder);
    if (!keyed) return util::unexpected(std::move(keyed).error());
    auto removed = txn.del(m_dbis.folders, prefix);
    if (!removed) return util::unexpected(std::move(removed).error());
    return any || *keyed || *removed;
}

}  // namespace mailtwin::state
