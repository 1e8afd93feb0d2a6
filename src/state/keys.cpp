#include "mailtwin/state/keys.hpp"

#include "mailtwin/state/bytes.hpp"
#include "mailtwin/state/error.hpp"

namespace mailtwin::state::keys {

std::string folder(std::string_view account, std::string_view folder_name) {
    ByteWriter w;
    w.str16(account);
    w.str16(folder_name);
    return w.take();
}

std::string account_prefix(std::string_view account) {
    ByteWriter w;
    w.str16(account);
    return w.take();
}

std::string message(std::string_view account, std::string_view folder_name, model::Uid uid) {
    ByteWriter w;
    w.str16(account);
    w.str16(folder_name);
    w.u32(uid);
    return w.take();
}

std::optional<model::Uid> uid_of_message(std::string_view key) {
    if (key.size() < 8) return std::nullopt;
    ByteReader r(key.substr(key.size() - 4));
    return r.u32();
}

std::optional<std::string> folder_of(std::string_view key) {
    ByteReader r(key);
    r.str16();
    std::string_view name = r.str16();
    if (r.failed() || !r.at_end()) return std::nullopt;
    return std::string(name);
}

std::string local_key(std::string_view account, std::string_view local) {
    ByteWriter w;
    w.str16(account);
    w.str16(local);
    return w.take();
}

std::string ref(std::string_view folder_name, model::Uid uid) {
    ByteWriter w;
    w.str16(folder_name);
    w.u32(uid);
    return w.take();
}

std::optional<MessageRef> parse_ref(std::string_view value) {
    ByteReader r(value);
    std::string_view name = r.str16();
    model::Uid uid = r.u32();
    if (r.failed() || !r.at_end()) return std::nullopt;
    return MessageRef{std::string(name), uid};
}

std::string keyed(std::string_view account, std::string_view folder_name, std::string_view local) {
    ByteWriter w;
    w.str16(account);
    w.str16(folder_name);
    w.raw(local);
    return w.take();
}

std::optional<std::string> local_of_keyed(std::string_view key) {
    ByteReader r(key);
    r.str16();
    r.str16();
    if (r.failed() || r.at_end()) return std::nullopt;
    return std::string(r.rest());
}

std::string intent(std::string_view account, IntentId id) {
    ByteWriter w;
    w.str16(account);
    w.u64(id);
    return w.take();
}

std::optional<IntentId> id_of_intent(std::string_view key) {
    if (key.size() < 10) return std::nullopt;
    ByteReader r(key.substr(key.size() - 8));
    return r.u64();
}

util::Expected<void> check_names(std::string_view account, std::string_view folder_name, std::string_view local) {
    // Longest key: messages (2 + account + 2 + folder + 4); longest dupsort value: ref (2 + folder + 4);
    // local key index: 2 + account + 2 + local.
    const std::size_t message_key = 2 + account.size() + 2 + folder_name.size() + 4;
    const std::size_t local_index_key = 2 + account.size() + 2 + local.size();
    if (message_key > k_max_key_size || local_index_key > k_max_key_size)
        return util::unexpected(error(Errc::key_too_long, "account '" + std::string(account) + "', folder '" +
                                                              std::string(folder_name) +
                                                              "' or local key too long for the state database (" +
                                                              std::to_string(k_max_key_size) + "-byte key limit)"));
    return {};
}

util::Expected<void> check_keyed_names(std::string_view account, std::string_view folder_name, std::string_view local) {
    if (auto c = check_names(account, folder_name, local); !c) return c;
    if (2 + account.size() + 2 + folder_name.size() + local.size() > k_max_key_size)
        return util::unexpected(error(Errc::key_too_long, "folder '" + std::string(folder_name) + "' and local key '" +
                                                              std::string(local) +
                                                              "' together too long for the state database (" +
                                                              std::to_string(k_max_key_size) + "-byte key limit)"));
    return {};
}

}  // namespace mailtwin::state::keys
