// StateDb: records that cannot be read any more (their bytes changed on disk).
#include "mailtwin/state/state_db.hpp"

#include "mailtwin/state/error.hpp"
#include "mailtwin/state/keys.hpp"

namespace mailtwin::state {

bool is_unreadable_record(const util::Error& e) noexcept {
    if (e.code.category() != state_category()) return false;
    switch (static_cast<Errc>(e.code.value())) {
        case Errc::unknown_record_version:  // the schema version is known, so a record's is damaged
        case Errc::truncated_record:
        case Errc::trailing_bytes:
        case Errc::checksum_mismatch:
        case Errc::corrupted:
            return true;
        default:
            return false;
    }
}

Expected<std::size_t> StateDb::erase_unreadable(WriteTxn& txn, std::string_view account, std::string_view folder) {
    if (auto c = keys::check_names(account, folder); !c) return util::unexpected(std::move(c).error());
    std::vector<std::string> messages, keyed;
    auto keep_going = [](const MessageRecord&) { return true; };
    auto m = for_each_message(txn, account, folder, keep_going,
                              [&messages](std::string_view key, const util::Error&) { messages.emplace_back(key); });
    if (!m) return util::unexpected(std::move(m).error());
    auto k = for_each_keyed(txn, account, folder, keep_going,
                            [&keyed](std::string_view key, const util::Error&) { keyed.emplace_back(key); });
    if (!k) return util::unexpected(std::move(k).error());
    std::size_t erased = 0;
    for (const auto& key : messages) {
        auto d = txn.del(m_dbis.messages, key);
        if (!d) return util::unexpected(std::move(d).error());
        erased += *d ? 1 : 0;
    }
    for (const auto& key : keyed) {
        auto d = txn.del(m_dbis.keyed, key);
        if (!d) return util::unexpected(std::move(d).error());
        erased += *d ? 1 : 0;
    }
    auto record = load_folder(txn, account, folder);
    if (!record && !is_unreadable_record(record.error())) return util::unexpected(std::move(record).error());
    if (!record) {
        auto d = txn.del(m_dbis.folders, keys::folder(account, folder));
        if (!d) return util::unexpected(std::move(d).error());
        erased += *d ? 1 : 0;
    }
    return erased;
}

}  // namespace mailtwin::state
