#pragma once
// Compact UID sequence sets for commands (RFC 3501 §9 sequence-set): "1:5,7,9:12", plus a way to cut
// a large set into pieces so that each command line stays under the server's line limit.
// Parsing sets that the server sends (COPYUID, VANISHED, ESEARCH) is the parser's job (uid_set.hpp).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mailtwin/model/ids.hpp"

namespace mailtwin::imap {

// Servers cap command lines: Dovecot at 64 KiB, others near 8 KiB; RFC 7162 §4 asks clients to stay
// under 8192 octets. A whole command built with sets from split(k_safe_set_bytes) fits in that.
inline constexpr std::size_t k_safe_line_bytes = 8192;
inline constexpr std::size_t k_safe_set_bytes = 7000;

class SeqSet {
public:
    struct Range {
        model::Uid first = 0;
        model::Uid last = 0;  // >= first
        friend bool operator==(const Range&, const Range&) = default;
    };

    SeqSet() = default;

    // Sorted, without duplicates, consecutive UIDs merged; UID 0 (no UID) is dropped.
    static SeqSet from_uids(std::span<const model::Uid> uids);
    // first:last in either order; empty when either end is 0.
    static SeqSet from_range(model::Uid first, model::Uid last);
    // "first:*": every UID from `first` up to the mailbox's highest (for a full snapshot).
    static SeqSet from_to_highest(model::Uid first);

    [[nodiscard]] bool empty() const noexcept { return m_ranges.empty() && !m_to_highest_from; }
    // Number of UIDs in the explicit ranges (an open "n:*" end is not counted).
    [[nodiscard]] std::uint64_t count() const noexcept;
    [[nodiscard]] const std::vector<Range>& ranges() const noexcept { return m_ranges; }
    [[nodiscard]] std::optional<model::Uid> to_highest_from() const noexcept { return m_to_highest_from; }
    [[nodiscard]] bool contains(model::Uid uid) const noexcept;

    // The wire form: "1:5,7,9:12", "1:*"; empty string for an empty set (which no command accepts).
    [[nodiscard]] std::string to_string() const;

    // Consecutive pieces, in order, each with to_string().size() <= max_bytes (a max below the
    // longest single range, 21 bytes, is raised to it). An empty set gives no pieces.
    [[nodiscard]] std::vector<SeqSet> split(std::size_t max_bytes) const;

    friend bool operator==(const SeqSet&, const SeqSet&) = default;

private:
    std::vector<Range> m_ranges;  // sorted, disjoint, non-adjacent
    std::optional<model::Uid> m_to_highest_from;
};

}  // namespace mailtwin::imap
