#include "mailtwin/run/own_changes.hpp"

namespace mailtwin::engine {

bool only_own_changes(const ServerCounters& checkpoint, const net::FolderWrites& writes, const FolderAfterWrites& after,
                      const RecordedRemoteFlags& recorded) {
    const ServerCounters& now = after.counters;
    if (writes.uncertain || checkpoint.uidvalidity == 0 || now.uidvalidity != checkpoint.uidvalidity) return false;
    const std::uint64_t expected_messages = std::uint64_t{checkpoint.messages} + writes.added;
    if (writes.removed > expected_messages || now.messages != expected_messages - writes.removed) return false;
    if (checkpoint.uidnext == 0 || now.uidnext != checkpoint.uidnext + writes.added) return false;
    if (checkpoint.highestmodseq == 0 || now.highestmodseq == 0) {
        // Without mod-sequences `status` tells only new mail and expunges, which the counts cover.
        return checkpoint.highestmodseq == 0 && now.highestmodseq == 0;
    }
    if (now.highestmodseq < checkpoint.highestmodseq) return false;
    for (const auto& m : after.changed) {
        auto flags = recorded(m.uid);
        if (!flags || !(*flags == m.flags)) return false;
    }
    return true;
}

asio::awaitable<util::Expected<FolderAfterWrites>> read_folder_after_writes(net::Session& session,
                                                                            const std::string& folder,
                                                                            const ServerCounters& checkpoint) {
    std::optional<net::QresyncKnown> known;
    if (checkpoint.highestmodseq != 0) known = net::QresyncKnown{checkpoint.uidvalidity, checkpoint.highestmodseq};
    auto sel = co_await session.select(folder, known);
    if (!sel) co_return util::unexpected(std::move(sel).error());
    FolderAfterWrites out;
    out.counters.uidvalidity = sel->uidvalidity;
    out.counters.uidnext = sel->uidnext;
    out.counters.messages = sel->exists;
    const bool has_modseq = sel->highestmodseq != 0 && !sel->nomodseq;
    out.counters.highestmodseq = has_modseq ? sel->highestmodseq : 0;
    if (!has_modseq || checkpoint.highestmodseq == 0 || sel->uidvalidity != checkpoint.uidvalidity) co_return out;
    net::Connection& conn = session.connection();
    if (conn.qresync_enabled()) {
        // The SELECT brought them (RFC 7162 §3.2.5.1); VANISHED is not needed: the count covers expunges.
        for (const auto& f : sel->changed)
            if (f.uid && f.flags) out.changed.push_back(net::MessageFlags{*f.uid, *f.flags, f.modseq.value_or(0)});
    } else if (conn.condstore_enabled()) {
        auto changes = co_await session.fetch_flags(checkpoint.highestmodseq);
        if (!changes) co_return util::unexpected(std::move(changes).error());
        out.changed = std::move(changes->changed);
    } else {
        out.counters.highestmodseq = 0;  // mod-sequences we cannot ask about are none to compare
    }
    co_return out;
}

}  // namespace mailtwin::engine
