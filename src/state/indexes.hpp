#pragma once
// Private to the state module: the secondary index entries of one message record, written and
// removed in the same txn as the record so the indexes never disagree with `messages`.
#include <string_view>

#include "mailtwin/state/records.hpp"
#include "mailtwin/state/schema.hpp"

namespace mailtwin::state::detail {

Expected<void> add_index_entries(WriteTxn& txn, const schema::Dbis& dbis, std::string_view account,
                                 std::string_view folder, const MessageRecord& record);
Expected<void> remove_index_entries(WriteTxn& txn, const schema::Dbis& dbis, std::string_view account,
                                    std::string_view folder, const MessageRecord& record);

}  // namespace mailtwin::state::detail
