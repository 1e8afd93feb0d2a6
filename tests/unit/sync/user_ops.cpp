#include "user_ops.hpp"

#include <vector>

#include "mailtwin/sync/plan_format.hpp"
#include "support/user_flags.hpp"

namespace mailtwin::sync::sim {

using util::Side;

using test::toggle_user_flag;
constexpr std::int64_t k_base_date = test::k_user_base_date;

std::multiset<std::pair<std::uint64_t, std::string>> contents(const World& w, Side s) {
    std::multiset<std::pair<std::uint64_t, std::string>> out;
    if (s == Side::remote)
        for (const auto& [uid, m] : w.server.messages) out.emplace(m.content, flags_text(m.flags));
    else
        for (const auto& [key, m] : w.maildir.messages) out.emplace(m.content, flags_text(m.flags));
    return out;
}

std::uint64_t User::random_content(const World& w, Side s) {
    std::vector<std::uint64_t> all;
    if (s == Side::remote)
        for (const auto& [uid, m] : w.server.messages) all.push_back(m.content);
    else
        for (const auto& [key, m] : w.maildir.messages) all.push_back(m.content);
    if (all.empty()) return 0;
    return all[static_cast<std::size_t>(below(static_cast<int>(all.size())))];
}

void User::new_message(World& w, Side s, RoundLog& log) {
    SimMessage m;
    m.content = m_next_content++;
    m.size = 100 + static_cast<std::uint64_t>(below(3));  // sizes collide on purpose
    m.date = k_base_date + below(1000);
    if (below(2) == 0) m.flags.set(model::Flag::seen);
    if (below(4) == 0) m.flags.keywords.insert("$a");
    log.created.insert(m.content);
    if (s == Side::remote)
        w.server.append(m);
    else
        w.maildir.deliver(m);
}

void User::toggle(World& w, Side s, std::uint64_t content) {
    const int which = below(6);
    if (s == Side::remote) {
        for (auto& [uid, m] : w.server.messages) {
            if (m.content != content) continue;
            auto f = m.flags;
            toggle_user_flag(f, which);
            w.server.set_flags(uid, f);
        }
    } else {
        // A MUA renames the file: same key, new ":2," suffix.
        for (auto& [key, m] : w.maildir.messages)
            if (m.content == content) toggle_user_flag(m.flags, which);
    }
}

void User::remove(World& w, Side s, std::uint64_t content, RoundLog& log) {
    log.deleted[s].insert(content);
    if (s == Side::remote) {
        std::vector<model::Uid> uids;
        for (const auto& [uid, m] : w.server.messages)
            if (m.content == content) uids.push_back(uid);
        for (auto uid : uids) w.server.expunge(uid);
    } else {
        std::erase_if(w.maildir.messages, [content](const auto& kv) { return kv.second.content == content; });
    }
}

RoundLog User::act(World& w, bool allow_reset, bool allow_state_loss) {
    RoundLog log;
    const int ops = below(7);
    for (int i = 0; i < ops; ++i) {
        const Side s = below(2) == 0 ? Side::remote : Side::local;
        switch (below(8)) {
            case 0:
            case 1:
                new_message(w, s, log);
                break;
            case 2:
            case 3:
                if (auto c = random_content(w, s)) toggle(w, s, c);
                break;
            case 4:
                if (auto c = random_content(w, s)) remove(w, s, c, log);
                break;
            case 5:
                // Both sides edit the same message.
                if (auto c = random_content(w, Side::remote)) {
                    toggle(w, Side::remote, c);
                    toggle(w, Side::local, c);
                }
                break;
            case 6:
                // Deleted on one side, edited on the other.
                if (auto c = random_content(w, s)) {
                    toggle(w, util::other(s), c);
                    remove(w, s, c, log);
                }
                break;
            default:
                if (allow_reset && below(12) == 0) {
                    w.server.reset_uidvalidity();
                    log.uidvalidity_reset = true;
                } else if (allow_state_loss && below(12) == 0) {
                    w.state = model::FolderState{};
                    log.state_lost = true;
                }
                break;
        }
    }
    return log;
}

}  // namespace mailtwin::sync::sim
