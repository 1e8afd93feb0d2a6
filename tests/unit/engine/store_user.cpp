#include "store_user.hpp"
#include "support/user_flags.hpp"

#include <string>
#include <vector>

namespace mailtwin::test {

using util::Side;

constexpr std::int64_t k_base_date = k_user_base_date;

MemoryStore& StoreUser::store(StoreSync& sync, Side side) const {
    return sync.store(m_swapped ? util::other(side) : side);
}

std::uint64_t StoreUser::random_content(const MemoryStore& store) {
    // In content order: the uid order on one side is the key order on the other only for what the
    // user made, not for the copies a sync made.
    std::set<std::uint64_t> all;
    for (const auto& m : store.messages()) all.insert(content_of(m.bytes));
    if (all.empty()) return 0;
    return *std::next(all.begin(), below(static_cast<int>(all.size())));
}

void StoreUser::new_message(MemoryStore& store, UserLog& log) {
    model::FlagSet flags;
    if (below(2) == 0) flags.set(model::Flag::seen);
    if (below(4) == 0) flags.keywords.insert("$a");
    log.created.insert(m_next_content);
    store.add(content_message(m_next_content++), flags, k_base_date + below(1000));
}

void StoreUser::toggle(MemoryStore& store, std::uint64_t content) {
    const int which = below(6);
    // Every copy of the content (a MUA renames the file: same key, new ":2," suffix).
    for (const auto& m : store.messages()) {
        if (content_of(m.bytes) != content) continue;
        auto f = m.flags;
        toggle_user_flag(f, which);
        store.change_flags(m.id, f);
    }
}

void StoreUser::remove(MemoryStore& store, std::uint64_t content) {
    for (const auto& m : store.messages())
        if (content_of(m.bytes) == content) store.erase(m.id);
}

UserLog StoreUser::act(StoreSync& sync, bool allow_reset, bool allow_state_loss) {
    UserLog log;
    const int ops = below(7);
    for (int i = 0; i < ops; ++i) {
        const Side s = below(2) == 0 ? Side::remote : Side::local;
        MemoryStore& here = store(sync, s);
        MemoryStore& there = store(sync, util::other(s));
        switch (below(8)) {
            case 0:
            case 1:
                new_message(here, log);
                break;
            case 2:
            case 3:
                if (auto c = random_content(here)) toggle(here, c);
                break;
            case 4:
                if (auto c = random_content(here)) {
                    remove(here, c);
                    log.deleted[s].insert(c);
                }
                break;
            case 5:
                // Both sides edit the same message.
                if (auto c = random_content(store(sync, Side::remote))) {
                    toggle(store(sync, Side::remote), c);
                    toggle(store(sync, Side::local), c);
                }
                break;
            case 6:
                // Deleted on one side, edited on the other.
                if (auto c = random_content(here)) {
                    toggle(there, c);
                    remove(here, c);
                    log.deleted[s].insert(c);
                }
                break;
            default:
                if (allow_reset && below(12) == 0) {
                    sync.server.reset_uidvalidity();
                    log.uidvalidity_reset = true;
                } else if (allow_state_loss && below(12) == 0) {
                    sync.lose_state();
                    log.state_lost = true;
                }
                break;
        }
    }
    return log;
}

}  // namespace mailtwin::test
