#pragma once
// Flags the server cannot keep (model::StorableFlags, from PERMANENTFLAGS) are not a change on the
// server. A server that has no room for a keyword, or for \Flagged in a folder the user may not
// write, drops it from an APPEND or a STORE. Its absence there is no one's removal. So:
//  - it never removes the flag from the Maildir, where the user keeps it;
//  - it is never asked of the server, so it is not sent again on every run;
//  - the state records what the server really holds, so the next run sees no change.
// A flag the server does hold is synced as any other, even one it could not have been given.
#include "mailtwin/model/flags.hpp"
#include "mailtwin/model/storable_flags.hpp"

namespace mailtwin::sync {

// The server's flags as its users meant them: a flag it cannot keep and lacks now has the value
// the server side had at the last sync (`base`), so it is no change there.
[[nodiscard]] model::FlagSet remote_flags_meant(const model::FlagSet& now, const model::FlagSet& base,
                                                const model::StorableFlags& storable);

// What the server may be asked to hold: `target` without the flags it cannot keep and lacks `now`.
[[nodiscard]] model::FlagSet remote_target_held(const model::FlagSet& target, const model::FlagSet& now,
                                                const model::StorableFlags& storable);

}  // namespace mailtwin::sync
