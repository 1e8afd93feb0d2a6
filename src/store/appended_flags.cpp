#include "mailtwin/store/appended_flags.hpp"

#include <vector>

#include "mailtwin/net/session_error.hpp"

namespace mailtwin::store {
namespace {

using FlagsByUid = std::map<model::Uid, model::FlagSet>;

// The flags the server reports for `uids`, into `held` (only UIDs already there: an unsolicited
// FETCH about another message is not one of ours).
asio::awaitable<util::Expected<void>> read_back(net::Session& session, const std::vector<model::Uid>& uids,
                                                FlagsByUid& held) {
    auto reported = co_await session.fetch_flags_of(imap::SeqSet::from_uids(uids));
    if (!reported) co_return util::unexpected(std::move(reported).error());
    for (auto& m : *reported)
        if (auto it = held.find(m.uid); it != held.end()) it->second = std::move(m.flags);
    co_return util::Expected<void>{};
}

}  // namespace

asio::awaitable<util::Expected<FlagsByUid>> flags_held_after_append(net::Session& session, const std::string& folder,
                                                                    const FlagsByUid& sent) {
    FlagsByUid held;
    std::vector<model::Uid> with_flags;
    for (const auto& [uid, flags] : sent) {
        held[uid] = model::FlagSet{};
        if (flags != model::FlagSet{}) with_flags.push_back(uid);
    }
    if (with_flags.empty()) co_return held;
    if (session.selected() != folder)
        if (auto sel = co_await session.select(folder); !sel) co_return util::unexpected(std::move(sel).error());
    if (auto r = co_await read_back(session, with_flags, held); !r) co_return util::unexpected(std::move(r).error());

    // The flags each message lacks, grouped by set as apply_flags groups its stores.
    std::map<std::string, std::pair<model::FlagSet, std::vector<model::Uid>>> missing;
    std::vector<model::Uid> repaired;
    for (model::Uid uid : with_flags) {
        const model::FlagSet lacking = model::minus(sent.at(uid), held[uid]);
        if (lacking == model::FlagSet{}) continue;
        auto& group = missing[lacking.to_imap()];
        group.first = lacking;
        group.second.push_back(uid);
        repaired.push_back(uid);
    }
    if (missing.empty()) co_return held;
    std::vector<net::StoreRequest> stores;
    for (const auto& [names, group] : missing)
        stores.push_back({imap::SeqSet::from_uids(group.second), imap::StoreMode::add, group.first});
    auto stored = co_await session.store_many(stores);
    // A NO is the server refusing those flags: what it holds is read back all the same.
    if (!stored && stored.error().code != net::SessionError::command_failed)
        co_return util::unexpected(std::move(stored).error());
    if (auto r = co_await read_back(session, repaired, held); !r) co_return util::unexpected(std::move(r).error());
    co_return held;
}

}  // namespace mailtwin::store
