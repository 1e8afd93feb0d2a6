#pragma once
// UID sets as servers send them (VANISHED, ESEARCH ALL, COPYUID, APPENDUID, MODIFIED): "1:5,7,9:*".
// Parsing and lazy iteration only; the encoder for commands is seqset.hpp. Ranges are kept in wire
// order because COPYUID pairs the n-th source UID with the n-th destination UID (RFC 4315 §3), and a
// range is never expanded into memory: "1:4294967295" is one range and iterates lazily.
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailtwin/model/ids.hpp"

namespace mailtwin::imap {

// One range, normalised so that first <= last ("5:3" on the wire is {3, 5}, RFC 3501 §9 seq-range).
struct UidRange {
    model::Uid first = 0;
    model::Uid last = 0;
    friend bool operator==(const UidRange&, const UidRange&) = default;
};

class UidSet {
public:
    // "*" stands for the largest UID in use; without that number it is read as k_star.
    static constexpr model::Uid k_star = 0xFFFFFFFFu;

    UidSet() = default;

    // sequence-set = (seq-number / seq-range) ["," sequence-set]     (RFC 3501 §9)
    // seq-number = nz-number / "*";  seq-range = seq-number ":" seq-number
    // Returns nullopt for anything else: empty input, 0, overflow, stray characters.
    static std::optional<UidSet> parse(std::string_view text);

    [[nodiscard]] const std::vector<UidRange>& ranges() const noexcept { return m_ranges; }
    [[nodiscard]] bool empty() const noexcept { return m_ranges.empty(); }
    [[nodiscard]] bool has_star() const noexcept { return m_has_star; }
    // Number of UIDs counted with multiplicity (overlapping ranges count twice), as COPYUID pairs them.
    [[nodiscard]] std::uint64_t count() const noexcept;
    [[nodiscard]] bool contains(model::Uid uid) const noexcept;
    // The same UIDs as sorted, merged, non-overlapping ranges.
    [[nodiscard]] UidSet normalized() const;
    // Wire form, ranges in stored order: "1:5,7,9:4294967295" (a "*" prints as its number).
    [[nodiscard]] std::string to_string() const;

    void add(UidRange r);

    // Forward iteration over every UID in wire order, one range at a time, without allocating.
    class const_iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = model::Uid;
        using difference_type = std::ptrdiff_t;
        using pointer = const model::Uid*;
        using reference = model::Uid;

        const_iterator() = default;
        model::Uid operator*() const noexcept { return m_current; }
        const_iterator& operator++() noexcept;
        const_iterator operator++(int) noexcept {
            auto copy = *this;
            ++*this;
            return copy;
        }
        friend bool operator==(const const_iterator& a, const const_iterator& b) noexcept {
            return a.m_range == b.m_range && (a.m_range == nullptr || a.m_current == b.m_current);
        }

    private:
        friend class UidSet;
        const_iterator(const UidRange* range, const UidRange* end) noexcept;
        const UidRange* m_range = nullptr;  // nullptr == end
        const UidRange* m_end = nullptr;
        model::Uid m_current = 0;
    };

    [[nodiscard]] const_iterator begin() const noexcept;
    [[nodiscard]] const_iterator end() const noexcept { return {}; }

    friend bool operator==(const UidSet&, const UidSet&) = default;

private:
    std::vector<UidRange> m_ranges;
    bool m_has_star = false;
};

}  // namespace mailtwin::imap
