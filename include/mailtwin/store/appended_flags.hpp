#pragma once
// After an APPEND: the flags the server really holds on the new messages, which is what the state
// records as theirs. Some servers store a message without the flags its APPEND carried (GNU
// Mailutils); recording the flags sent as the server's would make the next sync read their absence
// as a removal there and clear them in the Maildir. So the flags are read back (one UID FETCH for
// the batch); those missing are set with UID STORE +FLAGS.SILENT (one per distinct set, in one
// pipeline) and read back again. A flag the server still lacks is recorded as absent there: the
// next sync then sees no change on either side, and the Maildir keeps it.
#include <map>
#include <string>

#include "mailtwin/model/flags.hpp"
#include "mailtwin/model/ids.hpp"
#include "mailtwin/net/session.hpp"

namespace mailtwin::store {

namespace asio = boost::asio;

// `sent`: each new UID of `folder` with the flags its APPEND carried. Returns each with the flags
// the server holds (none known for a UID it did not report). Messages sent without flags cost
// nothing; selects `folder` when the session has not.
asio::awaitable<util::Expected<std::map<model::Uid, model::FlagSet>>> flags_held_after_append(
    net::Session& session, const std::string& folder, const std::map<model::Uid, model::FlagSet>& sent);

}  // namespace mailtwin::store
