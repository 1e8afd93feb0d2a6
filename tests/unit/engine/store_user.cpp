#include "store_user.hpp"
#include "support/user_flags.hpp"

#include <string>
#include <vector>

namespace mailtwin::test {

using util::Side;

constexpr std::int64_t k_base_date = k_user_base_date;

std::uint64_t StoreUser::random_content(const MemoryStore& store) {
    std::vector<std::uint64_t> all;
    for (const auto& m : store.messages()) all.push_back(content_of(m.bytes));
    if (all.empty()) return 0;
    return all[static_cast<std::size_t>(below(static_cast<int>(all.size())))];
}

void StoreUser::new_message(MemoryStore& store) {
    model::FlagSet flags;
    if (below(2) == 0) flags.set(model::Flag::seen);
    if (below(4) == 0) flags.keywords.insert("$a");
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

void StoreUser::act(StoreSync& sync, bool allow_reset, bool allow_state_loss) {
    const int ops = below(7);
    for (int i = 0; i < ops; ++i) {
        const Side s = below(2) == 0 ? Side::remote : Side::local;
        MemoryStore& here = sync.store(s);
        switch (below(8)) {
            case 0:
            case 1:
                new_message(here);
                break;
            case 2:
            case 3:
                if (auto c = random_content(here)) toggle(here, c);
                break;
            case 4:
                if (auto c = random_content(here)) remove(here, c);
                break;
            case 5:
                // Both sides edit the same message.
                if (auto c = random_content(sync.server)) {
                    toggle(sync.server, c);
                    toggle(sync.maildir, c);
                }
                break;
            case 6:
                // Deleted on one side, edited on the other.
                if (auto c = random_content(here)) {
                    toggle(sync.store(util::other(s)), c);
                    remove(here, c);
                }
                break;
            default:
                if (allow_reset && below(12) == 0)
                    sync.server.reset_uidvalidity();
                else if (allow_state_loss && below(12) == 0)
                    sync.lose_state();
                break;
        }
    }
}

}  // namespace mailtwin::test
