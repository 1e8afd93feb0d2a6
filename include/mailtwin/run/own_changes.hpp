#pragma once
// Telling mailtwin's own changes to a server folder from another client's, so that `status` does not
// mark a folder "changed on the server" right after mailtwin itself uploaded to it, stored flags or
// expunged there (issue 18 item 3).
//
// The sync's checkpoint is taken from its views BEFORE the run's own writes (folder_sync.cpp says
// why), so once mailtwin wrote, the server's HIGHESTMODSEQ, UIDNEXT and message count have moved
// past it. After its last write to a folder, the run reads the folder once more (a SELECT; with
// QRESYNC it brings the flags of every message changed since the checkpoint, with CONDSTORE alone a
// UID FETCH CHANGEDSINCE adds them) and records those counters as the folder's "after the run"
// counters only when its own writes (net/write_log.hpp) explain every difference:
//   - the same UIDVALIDITY;
//   - message count = the checkpoint's + messages the run added - messages it removed;
//   - UIDNEXT = the checkpoint's + messages the run added (each takes one UID);
//   - with mod-sequences, every message changed since the checkpoint is one the state now records
//     with exactly the flags the server shows (an upload, a STORE, a message moved in): another
//     client's new message has no row, and its flag change differs from the row.
// Anything else (another client's change during the run, a write whose effect is unknown, counters
// the server did not give) keeps the checkpoint's counters, and `status` shows `*` until the next
// sync: showing a change that was ours is the safe side, hiding another client's is not.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mailtwin/model/flags.hpp"
#include "mailtwin/model/ids.hpp"
#include "mailtwin/net/asio.hpp"
#include "mailtwin/net/session.hpp"
#include "mailtwin/net/write_log.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::engine {

namespace asio = boost::asio;

struct ServerCounters {
    model::UidValidity uidvalidity = 0;
    model::Uid uidnext = 0;
    model::ModSeq highestmodseq = 0;  // 0: the server has no mod-sequences for the folder
    std::uint32_t messages = 0;
    friend bool operator==(const ServerCounters&, const ServerCounters&) = default;
};

// The folder as the server shows it after the run's writes.
struct FolderAfterWrites {
    ServerCounters counters;
    // With mod-sequences: the messages changed since the checkpoint, with their flags now.
    std::vector<net::MessageFlags> changed;
};

// The flags the state records for the message with this UID on the server; nullopt: no such row.
using RecordedRemoteFlags = std::function<std::optional<model::FlagSet>(model::Uid)>;

// Whether the run's own writes explain every difference between `checkpoint` and `after` (the rules
// above).
bool only_own_changes(const ServerCounters& checkpoint, const net::FolderWrites& writes, const FolderAfterWrites& after,
                      const RecordedRemoteFlags& recorded);

// SELECTs `folder` again (QRESYNC from the checkpoint where enabled) and reads what changed since the
// checkpoint's mod-sequence.
asio::awaitable<util::Expected<FolderAfterWrites>> read_folder_after_writes(net::Session& session,
                                                                            const std::string& folder,
                                                                            const ServerCounters& checkpoint);

}  // namespace mailtwin::engine
