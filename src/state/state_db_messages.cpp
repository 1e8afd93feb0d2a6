// StateDb: the messages database and its by_local_key index.
#include "mailtwin/state/state_db.hpp"

#include "indexes.hpp"
#include "mailtwin/state/codec.hpp"
#include "mailtwin/state/error.hpp"
#include "mailtwin/state/keys.hpp"
#include "read_helpers.hpp"

namespace mailtwin::state {

Expected<std::optional<MessageRecord>> StateDb::get_by_uid(Txn& txn, std::string_view account, std::string_view folder,
                                                           model::Uid uid) {
    if (auto c = keys::check_names(account, folder); !c) return util::unexpected(std::move(c).error());
    auto raw = txn.get(m_dbis.messages, keys::message(account, folder, uid));
    if (!raw) return util::unexpected(std::move(raw).error());
    if (!raw->has_value()) return std::optional<MessageRecord>{};
    auto decoded = codec::decode_message(**raw, uid);
    if (!decoded) return util::unexpected(std::move(decoded).error());
    return std::optional<MessageRecord>{std::move(*decoded)};
}

Expected<std::optional<MessageRecord>> StateDb::get_by_uid(std::string_view account, std::string_view folder,
                                                           model::Uid uid) {
    return detail::with_read(m_env, [&](Txn& txn) { return get_by_uid(txn, account, folder, uid); });
}

Expected<std::optional<MessageRecord>> StateDb::get_by_local_key(Txn& txn, std::string_view account,
                                                                 std::string_view folder, std::string_view local_key) {
    if (auto c = keys::check_names(account, folder, local_key); !c) return util::unexpected(std::move(c).error());
    auto cursor = Cursor::open(txn, m_dbis.by_local_key);
    if (!cursor) return util::unexpected(std::move(cursor).error());
    // Duplicates are ref(folder, uid) sorted bytewise; ref(folder, 0) sorts first among this folder's.
    const std::string first_in_folder = keys::ref(folder, 0);
    const std::string_view folder_part = std::string_view(first_in_folder).substr(0, first_in_folder.size() - 4);
    // An entry left behind by an unreadable record (erase_unreadable) points at a record that is gone
    // or has another key: the record found must carry this key, or the next entry is tried.
    for (auto e = cursor->get(MDB_GET_BOTH_RANGE, keys::local_key(account, local_key), first_in_folder);;
         e = cursor->get(MDB_NEXT_DUP)) {
        if (!e) return util::unexpected(std::move(e).error());
        if (!e->has_value() || !(*e)->value.starts_with(folder_part)) return std::optional<MessageRecord>{};
        auto ref = keys::parse_ref((*e)->value);
        if (!ref) return util::unexpected(error(Errc::truncated_record, "malformed by_local_key entry"));
        auto record = get_by_uid(txn, account, folder, ref->uid);
        if (!record) {
            if (is_unreadable_record(record.error())) continue;
            return record;
        }
        if (*record && (*record)->local_key == local_key) return record;
    }
}

Expected<std::optional<MessageRecord>> StateDb::get_by_local_key(std::string_view account, std::string_view folder,
                                                                 std::string_view local_key) {
    return detail::with_read(m_env, [&](Txn& txn) { return get_by_local_key(txn, account, folder, local_key); });
}

Expected<void> StateDb::put_message(WriteTxn& txn, std::string_view account, std::string_view folder,
                                    const MessageRecord& record) {
    if (auto c = keys::check_names(account, folder, record.local_key); !c) return c;
    if (record.uid == 0) return util::unexpected(error(Errc::invalid_record, "a message record needs a non-zero uid"));
    const std::string key = keys::message(account, folder, record.uid);
    // Replace: drop the old record's index entry first, so an update that changes the local key
    // leaves no stale entry behind. All in the caller's txn.
    auto old = get_by_uid(txn, account, folder, record.uid);
    if (!old && !is_unreadable_record(old.error())) return util::unexpected(std::move(old).error());
    if (old && old->has_value()) {
        if (auto r = detail::remove_index_entries(txn, m_dbis, account, folder, **old); !r) return r;
    }
    auto put = txn.put(m_dbis.messages, key, codec::encode(record));
    if (!put) return util::unexpected(std::move(put).error());
    return detail::add_index_entries(txn, m_dbis, account, folder, record);
}

Expected<bool> StateDb::erase_message(WriteTxn& txn, std::string_view account, std::string_view folder,
                                      model::Uid uid) {
    auto old = get_by_uid(txn, account, folder, uid);
    if (!old && !is_unreadable_record(old.error())) return util::unexpected(std::move(old).error());
    if (old && !old->has_value()) return false;
    if (old)  // an unreadable record's index entry is unknown: it stays, and finds nothing
        if (auto r = detail::remove_index_entries(txn, m_dbis, account, folder, **old); !r)
            return util::unexpected(std::move(r).error());
    auto del = txn.del(m_dbis.messages, keys::message(account, folder, uid));
    if (!del) return util::unexpected(std::move(del).error());
    return true;
}

Expected<void> StateDb::for_each_message(Txn& txn, std::string_view account, std::string_view folder,
                                         const MessageVisitor& visit, const UnreadableVisitor& unreadable) {
    if (auto c = keys::check_names(account, folder); !c) return c;
    const std::string prefix = keys::folder(account, folder);
    auto cursor = Cursor::open(txn, m_dbis.messages);
    if (!cursor) return util::unexpected(std::move(cursor).error());
    // Keys are prefix + big-endian uid, so this range scan is in ascending uid order.
    for (auto e = cursor->get(MDB_SET_RANGE, prefix);; e = cursor->get(MDB_NEXT)) {
        if (!e) return util::unexpected(std::move(e).error());
        if (!e->has_value() || !(*e)->key.starts_with(prefix)) return {};
        auto record =
            (*e)->key.size() != prefix.size() + 4
                ? Expected<MessageRecord>(util::unexpected(error(Errc::truncated_record, "malformed messages key")))
                : codec::decode_message((*e)->value, *keys::uid_of_message((*e)->key));
        if (!record) {
            if (!unreadable || !is_unreadable_record(record.error()))
                return util::unexpected(std::move(record).error());
            unreadable((*e)->key, record.error());
            continue;
        }
        if (!visit(*record)) return {};
    }
}

Expected<void> StateDb::for_each_message(std::string_view account, std::string_view folder,
                                         const MessageVisitor& visit) {
    return detail::with_read(m_env, [&](Txn& txn) { return for_each_message(txn, account, folder, visit); });
}

}  // namespace mailtwin::state
