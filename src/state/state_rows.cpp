#include "mailtwin/state/state_rows.hpp"

#include "mailtwin/state/row_identity.hpp"

namespace mailtwin::state {
namespace {}  // namespace

model::PairState pair_state_of(const MessageRecord& r) {
    model::PairState p;
    p.uid = r.uid;
    p.key = r.local_key;
    p.remote_flags = r.remote_flags;
    p.local_flags = r.local_flags;
    p.size = r.size;
    p.identity = stored_identity(r);
    p.detached = r.detached;
    return p;
}

namespace {

state::MessageRecord to_record(const model::PairState& p) {
    MessageRecord r;
    r.uid = p.uid;
    r.local_key = p.key;
    r.remote_flags = p.remote_flags;
    r.local_flags = p.local_flags;
    r.size = p.size;
    if (p.identity) store_identity(r, *p.identity);
    r.detached = p.detached;
    return r;
}

}  // namespace

util::Expected<LoadedFolder> load_folder(StateDb& db, const FolderKey& where) {
    auto txn = db.begin_read();
    if (!txn) return util::unexpected(std::move(txn).error());
    LoadedFolder out;
    auto record = db.load_folder(*txn, where.account, where.folder);
    if (!record && !is_unreadable_record(record.error())) return util::unexpected(std::move(record).error());
    const bool record_unreadable = !record;
    if (record) out.record = std::move(*record);
    if (out.record) {
        out.pairs.uidvalidity = out.record->uidvalidity;
        out.pairs.highestmodseq = out.record->highestmodseq;
        out.pairs.uidnext = out.record->uidnext;
    }
    auto collect = [&out](const MessageRecord& r) {
        out.pairs.pairs.push_back(pair_state_of(r));
        return true;
    };
    auto unknown = [&out](std::string_view, const util::Error&) { ++out.unreadable; };
    if (auto r = db.for_each_message(*txn, where.account, where.folder, collect, unknown); !r)
        return util::unexpected(std::move(r).error());
    if (auto r = db.for_each_keyed(*txn, where.account, where.folder, collect, unknown); !r)
        return util::unexpected(std::move(r).error());
    if (record_unreadable) {
        // No UIDVALIDITY to read the rows' UIDs by: the folder's state is lost, as if removed.
        ++out.unreadable;
        out.pairs = model::FolderState{};
    }
    return out;
}

util::Expected<void> put_row(StateDb& db, WriteTxn& txn, const FolderKey& where, const model::PairState& row) {
    if (row.uid != 0) return db.put_message(txn, where.account, where.folder, to_record(row));
    return db.put_keyed(txn, where.account, where.folder, to_record(row));
}

util::Expected<void> drop_row(StateDb& db, WriteTxn& txn, const FolderKey& where, model::Uid uid,
                              const std::string& key) {
    if (uid != 0)
        if (auto r = db.erase_message(txn, where.account, where.folder, uid); !r)
            return util::unexpected(std::move(r).error());
    if (!key.empty()) {
        if (auto r = db.erase_keyed(txn, where.account, where.folder, key); !r)
            return util::unexpected(std::move(r).error());
        auto other = db.get_by_local_key(txn, where.account, where.folder, key);
        if (!other) return util::unexpected(std::move(other).error());
        if (*other)
            if (auto r = db.erase_message(txn, where.account, where.folder, (*other)->uid); !r)
                return util::unexpected(std::move(r).error());
    }
    return {};
}

util::Expected<std::optional<model::PairState>> find_row(StateDb& db, Txn& txn, const FolderKey& where, model::Uid uid,
                                                         const std::string& key) {
    if (uid != 0) {
        auto r = db.get_by_uid(txn, where.account, where.folder, uid);
        if (!r) return util::unexpected(std::move(r).error());
        if (*r) return std::optional<model::PairState>(pair_state_of(**r));
    }
    if (!key.empty()) {
        auto r = db.get_by_local_key(txn, where.account, where.folder, key);
        if (!r) return util::unexpected(std::move(r).error());
        if (*r) return std::optional<model::PairState>(pair_state_of(**r));
        auto k = db.get_keyed(txn, where.account, where.folder, key);
        if (!k) return util::unexpected(std::move(k).error());
        if (*k) return std::optional<model::PairState>(pair_state_of(**k));
    }
    return std::optional<model::PairState>{};
}

}  // namespace mailtwin::state
