// StateDb: the keyed database (pairs without a uid, keyed by their local key).
#include "mailtwin/state/state_db.hpp"

#include "mailtwin/state/codec.hpp"
#include "mailtwin/state/error.hpp"
#include "mailtwin/state/keys.hpp"
#include "read_helpers.hpp"

namespace mailtwin::state {
namespace {

// A keyed value decoded under its key. The local key is stored in both; a disagreement means the
// bytes were not written by put_keyed, so it is reported rather than guessed around.
Expected<MessageRecord> decode_keyed(std::string_view key, std::string_view value) {
    auto local = keys::local_of_keyed(key);
    if (!local) return util::unexpected(error(Errc::truncated_record, "malformed keyed key"));
    auto record = codec::decode_message(value, 0);
    if (!record) return util::unexpected(std::move(record).error());
    if (record->local_key != *local)
        return util::unexpected(error(Errc::corrupted, "keyed record stored under local key '" + *local +
                                                           "' holds local key '" + record->local_key + "'"));
    return record;
}

}  // namespace

Expected<void> StateDb::put_keyed(WriteTxn& txn, std::string_view account, std::string_view folder,
                                  const MessageRecord& record) {
    if (record.uid != 0)
        return util::unexpected(error(Errc::invalid_record, "a keyed row has no uid (got uid " +
                                                                std::to_string(record.uid) + "); use put_message"));
    if (record.local_key.empty())
        return util::unexpected(error(Errc::invalid_record, "a keyed row needs a non-empty local key"));
    if (auto c = keys::check_keyed_names(account, folder, record.local_key); !c) return c;
    auto put = txn.put(m_dbis.keyed, keys::keyed(account, folder, record.local_key), codec::encode(record));
    if (!put) return util::unexpected(std::move(put).error());
    return {};
}

Expected<std::optional<MessageRecord>> StateDb::get_keyed(Txn& txn, std::string_view account, std::string_view folder,
                                                          std::string_view local_key) {
    if (auto c = keys::check_keyed_names(account, folder, local_key); !c) return util::unexpected(std::move(c).error());
    // No row has an empty local key; its key would be the folder prefix itself.
    if (local_key.empty()) return std::optional<MessageRecord>{};
    const std::string key = keys::keyed(account, folder, local_key);
    auto raw = txn.get(m_dbis.keyed, key);
    if (!raw) return util::unexpected(std::move(raw).error());
    if (!raw->has_value()) return std::optional<MessageRecord>{};
    auto decoded = decode_keyed(key, **raw);
    if (!decoded) return util::unexpected(std::move(decoded).error());
    return std::optional<MessageRecord>{std::move(*decoded)};
}

Expected<std::optional<MessageRecord>> StateDb::get_keyed(std::string_view account, std::string_view folder,
                                                          std::string_view local_key) {
    return detail::with_read(m_env, [&](Txn& txn) { return get_keyed(txn, account, folder, local_key); });
}

Expected<bool> StateDb::erase_keyed(WriteTxn& txn, std::string_view account, std::string_view folder,
                                    std::string_view local_key) {
    if (auto c = keys::check_keyed_names(account, folder, local_key); !c) return util::unexpected(std::move(c).error());
    if (local_key.empty()) return false;
    return txn.del(m_dbis.keyed, keys::keyed(account, folder, local_key));
}

Expected<void> StateDb::for_each_keyed(Txn& txn, std::string_view account, std::string_view folder,
                                       const MessageVisitor& visit, const UnreadableVisitor& unreadable) {
    if (auto c = keys::check_names(account, folder); !c) return c;
    const std::string prefix = keys::folder(account, folder);
    auto cursor = Cursor::open(txn, m_dbis.keyed);
    if (!cursor) return util::unexpected(std::move(cursor).error());
    // The local key is the unprefixed tail of the key, so this range scan is in its byte order.
    for (auto e = cursor->get(MDB_SET_RANGE, prefix);; e = cursor->get(MDB_NEXT)) {
        if (!e) return util::unexpected(std::move(e).error());
        if (!e->has_value() || !(*e)->key.starts_with(prefix)) return {};
        auto record = decode_keyed((*e)->key, (*e)->value);
        if (!record) {
            if (!unreadable || !is_unreadable_record(record.error()))
                return util::unexpected(std::move(record).error());
            unreadable((*e)->key, record.error());
            continue;
        }
        if (!visit(*record)) return {};
    }
}

Expected<void> StateDb::for_each_keyed(std::string_view account, std::string_view folder, const MessageVisitor& visit) {
    return detail::with_read(m_env, [&](Txn& txn) { return for_each_keyed(txn, account, folder, visit); });
}

Expected<bool> StateDb::erase_keyed_rows(WriteTxn& txn, std::string_view account, std::string_view folder) {
    const std::string prefix = keys::folder(account, folder);
    auto cursor = Cursor::open(txn, m_dbis.keyed);
    if (!cursor) return util::unexpected(std::move(cursor).error());
    bool any = false;
    // Re-seek after each delete, as erase_folder does for messages.
    for (;;) {
        auto e = cursor->get(MDB_SET_RANGE, prefix);
        if (!e) return util::unexpected(std::move(e).error());
        if (!e->has_value() || !(*e)->key.starts_with(prefix)) return any;
        if (auto d = cursor->del(); !d) return util::unexpected(std::move(d).error());
        any = true;
    }
}

}  // namespace mailtwin::state
