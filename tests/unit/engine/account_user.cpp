#include "account_user.hpp"

#include "support/user_flags.hpp"

namespace mailtwin::test {

model::FlagSet AccountUser::random_flags() {
    static constexpr std::uint8_t k_seen = static_cast<std::uint8_t>(model::Flag::seen);
    static constexpr std::uint8_t k_flagged = static_cast<std::uint8_t>(model::Flag::flagged);
    static constexpr std::uint8_t k_answered = static_cast<std::uint8_t>(model::Flag::answered);
    static constexpr std::uint8_t k_bits[] = {0, k_seen, k_flagged, k_seen | k_flagged, k_seen | k_answered};
    model::FlagSet f(k_bits[below(5)]);
    if (below(4) == 0) f.keywords.insert("$label1");
    return f;
}

void AccountUser::new_mail(MemoryStore& store, AccountLog& log) {
    const std::uint64_t content = m_next_content++;
    log.created.insert(content);
    store.add(content_message(content), random_flags(), k_user_base_date + below(1000));
}

void AccountUser::change(MemoryStore& from, MemoryStore& to, bool server_side, int what, AccountLog& log) {
    const auto all = from.messages();
    if (all.empty()) return;
    const StoredMessage& m = all[static_cast<std::size_t>(below(1000)) % all.size()];
    if (what <= 4) {
        from.change_flags(m.id, random_flags());
    } else if (what == 5) {
        log.deleted.insert(content_of(m.bytes));
        from.erase(m.id);
    } else if (server_side) {  // another client's UID MOVE
        if (&to != &from) move_by_hand(from, to, m.id);
    } else if (what <= 7) {  // a reader's move by rename: the same key, maybe new flags
        if (&to == &from) return;
        move_by_hand(from, to, m.id);
        if (below(2) == 0) to.change_flags(m.id, random_flags());
    } else {  // a reader's move (or rewrite in place) by a new file: a new key, the same message
        from.erase(m.id);
        const model::FlagSet flags = below(2) == 0 ? random_flags() : m.flags;
        to.add(m.bytes, flags, m.internaldate);
    }
}

void AccountUser::act(AccountSync& account, AccountLog& log) {
    const int operations = 1 + below(4);
    const int folders = static_cast<int>(account.size());
    for (int op = 0; op < operations; ++op) {
        const auto here = static_cast<std::size_t>(below(folders));
        const auto there = static_cast<std::size_t>(below(folders));
        const bool server_side = below(2) == 0;
        const int what = below(10);
        if (what <= 1) {
            new_mail(server_side ? account.server(here) : account.maildir(here), log);
        } else if (server_side) {
            change(account.server(here), account.server(there), true, what, log);
        } else {
            change(account.maildir(here), account.maildir(there), false, what, log);
        }
    }
}

}  // namespace mailtwin::test
