#include "indexes.hpp"

#include "mailtwin/state/keys.hpp"

namespace mailtwin::state::detail {

Expected<void> add_index_entries(WriteTxn& txn, const schema::Dbis& dbis, std::string_view account,
                                 std::string_view folder, const MessageRecord& record) {
    if (record.local_key.empty()) return {};
    auto r = txn.put(dbis.by_local_key, keys::local_key(account, record.local_key), keys::ref(folder, record.uid),
                     MDB_NODUPDATA);
    if (!r) return util::unexpected(std::move(r).error());
    return {};
}

Expected<void> remove_index_entries(WriteTxn& txn, const schema::Dbis& dbis, std::string_view account,
                                    std::string_view folder, const MessageRecord& record) {
    // An absent entry is not an error: removal is idempotent, like the rest of a re-run step.
    if (record.local_key.empty()) return {};
    const std::string ref = keys::ref(folder, record.uid);
    auto r = txn.del(dbis.by_local_key, keys::local_key(account, record.local_key), std::string_view(ref));
    if (!r) return util::unexpected(std::move(r).error());
    return {};
}

}  // namespace mailtwin::state::detail
