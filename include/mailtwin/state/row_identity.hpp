#pragma once
// A message identity (model::Identity, computed by store/identity.hpp) in a state row: message_id_hash in the record's
// Message-ID hash, body_hash in its content hash with a rule mark (docs/state-schema.md). Rows written by the old rule
// (Message-ID and size) read back without an identity; the engine computes one from the message where it needs one.
#include <optional>

#include "mailtwin/model/message.hpp"
#include "mailtwin/state/records.hpp"

namespace mailtwin::state {

// A state row's identity, absent when the row has none or holds one computed by an older rule
// (before body_hash: Message-ID and size), which must never be compared with a current one. The
// engine then computes the identity again from the message where it needs one.
std::optional<model::Identity> stored_identity(const MessageRecord& record);
void store_identity(MessageRecord& record, const model::Identity& identity);

}  // namespace mailtwin::state
