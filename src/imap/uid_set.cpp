#include "mailtwin/imap/uid_set.hpp"

#include <algorithm>

namespace mailtwin::imap {
namespace {

// seq-number = nz-number / "*";  nz-number = digit-nz *DIGIT      (RFC 3501 §9)
bool parse_seq_number(std::string_view s, model::Uid& out, bool& star) {
    if (s == "*") {
        out = UidSet::k_star;
        star = true;
        return true;
    }
    if (s.empty() || s.size() > 10 || s[0] < '1' || s[0] > '9') return false;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (v > UINT32_MAX) return false;
    out = static_cast<model::Uid>(v);
    return true;
}

}  // namespace

std::optional<UidSet> UidSet::parse(std::string_view text) {
    if (text.empty()) return std::nullopt;
    UidSet set;
    std::size_t pos = 0;
    for (;;) {
        const std::size_t comma = text.find(',', pos);
        const std::string_view item = text.substr(pos, comma == std::string_view::npos ? comma : comma - pos);
        const std::size_t colon = item.find(':');
        model::Uid a = 0;
        model::Uid b = 0;
        if (colon == std::string_view::npos) {
            if (!parse_seq_number(item, a, set.m_has_star)) return std::nullopt;
            b = a;
        } else if (!parse_seq_number(item.substr(0, colon), a, set.m_has_star) ||
                   !parse_seq_number(item.substr(colon + 1), b, set.m_has_star)) {
            return std::nullopt;
        }
        set.add({a, b});
        if (comma == std::string_view::npos) break;
        pos = comma + 1;
    }
    return set;
}

void UidSet::add(UidRange r) {
    if (r.first > r.last) std::swap(r.first, r.last);
    m_ranges.push_back(r);
}

std::uint64_t UidSet::count() const noexcept {
    std::uint64_t n = 0;
    for (const auto& r : m_ranges) n += std::uint64_t{r.last} - r.first + 1;
    return n;
}

bool UidSet::contains(model::Uid uid) const noexcept {
    return std::any_of(m_ranges.begin(), m_ranges.end(),
                       [uid](const UidRange& r) { return uid >= r.first && uid <= r.last; });
}

UidSet UidSet::normalized() const {
    UidSet out;
    out.m_has_star = m_has_star;
    std::vector<UidRange> rs = m_ranges;
    std::sort(rs.begin(), rs.end(), [](const UidRange& a, const UidRange& b) { return a.first < b.first; });
    for (const auto& r : rs) {
        // Merge overlapping and adjacent ranges; widen to 64 bits so last + 1 cannot wrap.
        if (!out.m_ranges.empty() && std::uint64_t{r.first} <= std::uint64_t{out.m_ranges.back().last} + 1)
            out.m_ranges.back().last = std::max(out.m_ranges.back().last, r.last);
        else
            out.m_ranges.push_back(r);
    }
    return out;
}

std::string UidSet::to_string() const {
    std::string s;
    for (const auto& r : m_ranges) {
        if (!s.empty()) s += ',';
        s += std::to_string(r.first);
        if (r.last != r.first) {
            s += ':';
            s += std::to_string(r.last);
        }
    }
    return s;
}

UidSet::const_iterator::const_iterator(const UidRange* range, const UidRange* end) noexcept
    : m_range(range == end ? nullptr : range), m_end(end), m_current(range == end ? 0 : range->first) {}

UidSet::const_iterator& UidSet::const_iterator::operator++() noexcept {
    if (m_current < m_range->last) {
        ++m_current;
        return *this;
    }
    ++m_range;
    if (m_range == m_end) {
        m_range = nullptr;
        m_current = 0;
    } else {
        m_current = m_range->first;
    }
    return *this;
}

UidSet::const_iterator UidSet::begin() const noexcept { return {m_ranges.data(), m_ranges.data() + m_ranges.size()}; }

}  // namespace mailtwin::imap
