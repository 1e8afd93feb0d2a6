#include "mailtwin/state/row_identity.hpp"

#include <algorithm>

namespace mailtwin::state {
namespace {

// Marks the content-hash slot of a state row as holding a body_hash of this rule (docs/state-schema.md).
constexpr std::uint8_t k_body_rule = 2;

}  // namespace

std::optional<model::Identity> stored_identity(const MessageRecord& record) {
    if (!record.message_id_hash || !record.content_hash) return std::nullopt;
    const auto& c = *record.content_hash;
    if (c[8] != k_body_rule || !std::all_of(c.begin() + 9, c.end(), [](std::uint8_t b) { return b == 0; }))
        return std::nullopt;
    auto read_8 = [](const auto& bytes) {
        std::uint64_t h = 0;
        for (std::size_t i = 0; i < 8; ++i) h = (h << 8) | bytes[i];
        return h;
    };
    return model::Identity{read_8(*record.message_id_hash), read_8(c)};
}

void store_identity(MessageRecord& record, const model::Identity& identity) {
    auto write_8 = [](auto& bytes, std::uint64_t h) {
        for (std::size_t i = 0; i < 8; ++i) bytes[i] = static_cast<std::uint8_t>(h >> (56 - 8 * i));
    };
    MessageIdHash mid{};
    write_8(mid, identity.message_id_hash);
    ContentHash body{};
    write_8(body, identity.body_hash);
    body[8] = k_body_rule;
    record.message_id_hash = mid;
    record.content_hash = body;
}

}  // namespace mailtwin::state
