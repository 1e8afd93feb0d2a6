#pragma once
// Plans of two worlds compared message by message: the uids and keys of a plan are the ids one
// world's stores gave, which the other world's stores do not share. Named by the content number of
// the message they name (store_sync.hpp content_message), as uid n and key "n", the plans of two
// worlds that hold the same messages read alike; mirrored, the plan of a world reads as the plan of
// the world with the sides swapped would (the notation of tests/unit/sync/scenario.hpp, where uid n
// and key "n" are each other's mirror).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mailtwin/sync/plan.hpp"
#include "support/memory_store.hpp"

namespace mailtwin::test {

// The content of every message a world's stores held when they were shown to it, by uid and key.
// MemoryStore never gives a uid (within one UIDVALIDITY) or a key twice, so a name stays right
// after its message is gone.
class ContentNames {
public:
    // Learns every message the store holds now.
    void learn(const MemoryStore& store);
    // The content of the message with that id; 0 for no id, k_unknown_content for an id never shown.
    [[nodiscard]] std::uint64_t of_uid(model::Uid uid) const;
    [[nodiscard]] std::uint64_t of_key(const std::string& key) const;

    static constexpr std::uint64_t k_unknown_content = 999'999'999;

private:
    std::map<model::Uid, std::uint64_t> m_uids;
    std::map<std::string, std::uint64_t> m_keys;
};

// The plan's actions as text (sync::to_text), ids named by content, sorted (the plan order puts
// remote subjects first, which the mirror turns around).
[[nodiscard]] std::vector<std::string> lines_by_content(const sync::Plan& plan, const ContentNames& names);
// The same as the plan of the world with the sides swapped reads: remote and local exchanged in
// every action (download <-> upload, uid <-> key, remote flags <-> local flags).
[[nodiscard]] std::vector<std::string> mirrored_lines_by_content(const sync::Plan& plan, const ContentNames& names);

}  // namespace mailtwin::test
