#pragma once
// Private to the state module: the by_local_key entry of one message record (none when its local key
// is empty), written and removed in the same txn as the record so the index never disagrees with
// `messages`.
#include <string_view>

#include "mailtwin/state/records.hpp"
#include "mailtwin/state/schema.hpp"

namespace mailtwin::state::detail {

Expected<void> add_index_entries(WriteTxn& txn, const schema::Dbis& dbis, std::string_view account,
                                 std::string_view folder, const MessageRecord& record);
Expected<void> remove_index_entries(WriteTxn& txn, const schema::Dbis& dbis, std::string_view account,
                                    std::string_view folder, const MessageRecord& record);

}  // namespace mailtwin::state::detail
