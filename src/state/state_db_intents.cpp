// StateDb: the intents database, which holds the late-append watches (run/late_appends.hpp).
#include "mailtwin/state/state_db.hpp"

#include "mailtwin/state/codec.hpp"
#include "mailtwin/state/error.hpp"
#include "mailtwin/state/keys.hpp"
#include "read_helpers.hpp"

namespace mailtwin::state {

Expected<IntentId> StateDb::add_intent(WriteTxn& txn, std::string_view account, const Intent& intent) {
    if (auto c = keys::check_names(account, intent.folder, intent.local_key); !c)
        return util::unexpected(std::move(c).error());
    // Ids come from one counter in meta, never reused, so a late remove_intent cannot hit a newer one.
    auto raw = txn.get(m_dbis.meta, schema::k_intent_seq_key);
    if (!raw) return util::unexpected(std::move(raw).error());
    IntentId last = 0;
    if (raw->has_value()) {
        auto decoded = codec::decode_meta_u64(**raw);
        if (!decoded) return util::unexpected(std::move(decoded).error());
        last = *decoded;
    }
    const IntentId id = last + 1;
    auto seq = txn.put(m_dbis.meta, schema::k_intent_seq_key, codec::encode_meta_u64(id));
    if (!seq) return util::unexpected(std::move(seq).error());
    auto put = txn.put(m_dbis.intents, keys::intent(account, id), codec::encode(intent));
    if (!put) return util::unexpected(std::move(put).error());
    return id;
}

Expected<bool> StateDb::remove_intent(WriteTxn& txn, std::string_view account, IntentId id) {
    return txn.del(m_dbis.intents, keys::intent(account, id));
}

Expected<std::vector<Intent>> StateDb::list_intents(Txn& txn, std::string_view account) {
    const std::string prefix = keys::account_prefix(account);
    auto cursor = Cursor::open(txn, m_dbis.intents);
    if (!cursor) return util::unexpected(std::move(cursor).error());
    std::vector<Intent> out;
    for (auto e = cursor->get(MDB_SET_RANGE, prefix);; e = cursor->get(MDB_NEXT)) {
        if (!e) return util::unexpected(std::move(e).error());
        if (!e->has_value() || !(*e)->key.starts_with(prefix)) return out;
        if ((*e)->key.size() != prefix.size() + 8)
            return util::unexpected(error(Errc::truncated_record, "malformed intents key"));
        auto intent = codec::decode_intent((*e)->value, *keys::id_of_intent((*e)->key));
        if (!intent) return util::unexpected(std::move(intent).error());
        out.push_back(std::move(*intent));
    }
}

Expected<std::vector<Intent>> StateDb::list_intents(std::string_view account) {
    return detail::with_read(m_env, [&](Txn& txn) { return list_intents(txn, account); });
}

}  // namespace mailtwin::state
