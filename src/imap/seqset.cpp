#include "mailtwin/imap/seqset.hpp"

#include <algorithm>
#include <charconv>

namespace mailtwin::imap {
namespace {

// The longest range text: "4294967295:4294967295".
constexpr std::size_t k_longest_range = 21;

void append_number(std::string& out, std::uint32_t n) {
    char buf[16];
    const auto res = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, res.ptr);
}

void append_range(std::string& out, const SeqSet::Range& r) {
    append_number(out, r.first);
    if (r.last != r.first) {
        out += ':';
        append_number(out, r.last);
    }
}

std::size_t range_length(const SeqSet::Range& r) {
    std::string s;
    append_range(s, r);
    return s.size();
}

}  // namespace

SeqSet SeqSet::from_uids(std::span<const model::Uid> uids) {
    std::vector<model::Uid> sorted(uids.begin(), uids.end());
    std::sort(sorted.begin(), sorted.end());
    SeqSet set;
    for (const model::Uid uid : sorted) {
        if (uid == 0) continue;
        if (!set.m_ranges.empty()) {
            Range& back = set.m_ranges.back();
            if (uid == back.last) continue;  // duplicate
            if (uid == back.last + 1) {      // adjacent: extend (no overflow: uid > back.last)
                back.last = uid;
                continue;
            }
        }
        set.m_ranges.push_back(Range{uid, uid});
    }
    return set;
}

SeqSet SeqSet::from_range(model::Uid first, model::Uid last) {
    SeqSet set;
    if (first == 0 || last == 0) return set;
    set.m_ranges.push_back(Range{std::min(first, last), std::max(first, last)});
    return set;
}

SeqSet SeqSet::from_to_highest(model::Uid first) {
    SeqSet set;
    set.m_to_highest_from = std::max<model::Uid>(first, 1);
    return set;
}

std::uint64_t SeqSet::count() const noexcept {
    std::uint64_t n = 0;
    for (const Range& r : m_ranges) n += static_cast<std::uint64_t>(r.last) - r.first + 1;
    return n;
}

bool SeqSet::contains(model::Uid uid) const noexcept {
    if (m_to_highest_from && uid >= *m_to_highest_from) return true;
    const auto it = std::lower_bound(m_ranges.begin(), m_ranges.end(), uid,
                                     [](const Range& r, model::Uid u) { return r.last < u; });
    return it != m_ranges.end() && it->first <= uid;
}

std::string SeqSet::to_string() const {
    std::string out;
    for (const Range& r : m_ranges) {
        if (!out.empty()) out += ',';
        append_range(out, r);
    }
    if (m_to_highest_from) {
        if (!out.empty()) out += ',';
        append_number(out, *m_to_highest_from);
        out += ":*";
    }
    return out;
}

std::vector<SeqSet> SeqSet::split(std::size_t max_bytes) const {
    max_bytes = std::max(max_bytes, k_longest_range);
    std::vector<SeqSet> pieces;
    SeqSet current;
    std::size_t length = 0;
    const auto add = [&](std::size_t item_length, auto&& put) {
        const std::size_t needed = length == 0 ? item_length : length + 1 + item_length;
        if (needed > max_bytes) {
            pieces.push_back(std::move(current));
            current = SeqSet{};
            length = item_length;
        } else {
            length = needed;
        }
        put(current);
    };
    for (const Range& r : m_ranges) add(range_length(r), [&](SeqSet& s) { s.m_ranges.push_back(r); });
    if (m_to_highest_from) {
        std::string tail;
        append_number(tail, *m_to_highest_from);
        add(tail.size() + 2, [&](SeqSet& s) { s.m_to_highest_from = m_to_highest_from; });
    }
    if (!current.empty()) pieces.push_back(std::move(current));
    return pieces;
}

}  // namespace mailtwin::imap
