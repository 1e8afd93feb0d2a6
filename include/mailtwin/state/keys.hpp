#pragma once
// Binary key layouts (docs/state-schema.md). Names are u16-length-prefixed so no account or folder
// name is a prefix-ambiguous extension of another; uids and ids are big-endian so LMDB's memcmp
// order is numeric order and a cursor over a folder's prefix walks it by ascending uid.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "mailtwin/model/ids.hpp"
#include "mailtwin/state/records.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::state {

// A by_local_key entry: the folder and uid of a messages record.
struct MessageRef {
    std::string folder;
    model::Uid uid = 0;

    friend bool operator==(const MessageRef&, const MessageRef&) = default;
    friend auto operator<=>(const MessageRef&, const MessageRef&) = default;
};

}  // namespace mailtwin::state

namespace mailtwin::state::keys {

// LMDB's compiled-in limit for keys and for values of MDB_DUPSORT databases.
inline constexpr std::size_t k_max_key_size = 511;

// folders: str16 account, str16 folder. Also the prefix of every messages key of that folder.
std::string folder(std::string_view account, std::string_view folder_name);
// str16 account: the prefix of every folders/intents key of that account.
std::string account_prefix(std::string_view account);
// messages: folder(account, folder) + u32 uid.
std::string message(std::string_view account, std::string_view folder_name, model::Uid uid);
// The uid at the end of a messages key; nullopt if the key is too short.
std::optional<model::Uid> uid_of_message(std::string_view key);
// The folder name in a folders key; nullopt if malformed.
std::optional<std::string> folder_of(std::string_view key);
// by_local_key: str16 account, str16 local key (dupsort values: ref()). Account-wide, though the
// only lookup (StateDb::get_by_local_key) asks within one folder: it seeks to that folder's refs.
std::string local_key(std::string_view account, std::string_view local);
// Index value: str16 folder, u32 uid. LMDB keeps duplicates in byte order (folder length first), so
// one folder's refs are adjacent and ascend by uid.
std::string ref(std::string_view folder_name, model::Uid uid);
std::optional<MessageRef> parse_ref(std::string_view value);
// keyed (rows without a uid): folder(account, folder) + the local key's bytes. The last component
// needs no length prefix (nothing follows it), and without one a cursor over the folder's prefix
// walks its rows in byte order of the local key.
std::string keyed(std::string_view account, std::string_view folder_name, std::string_view local);
// The local key at the end of a keyed key; nullopt if the key is malformed or the local key empty.
std::optional<std::string> local_of_keyed(std::string_view key);
// intents (late-append watches): str16 account, u64 id.
std::string intent(std::string_view account, IntentId id);
std::optional<IntentId> id_of_intent(std::string_view key);

// Fails with Errc::key_too_long if the longest key or index value built from these names would not
// fit LMDB's limit. Every StateDb entry point checks its names with this first.
util::Expected<void> check_names(std::string_view account, std::string_view folder_name, std::string_view local = {});
// check_names plus the keyed key, which carries folder and local key together.
util::Expected<void> check_keyed_names(std::string_view account, std::string_view folder_name, std::string_view local);

}  // namespace mailtwin::state::keys
