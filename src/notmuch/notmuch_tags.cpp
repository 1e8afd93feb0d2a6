#include "mailtwin/notmuch/notmuch_tags.hpp"

#include <array>

namespace mailtwin::engine {
namespace {

// Tags notmuch sets itself, or derives from Maildir flags under maildir.synchronize_flags.
constexpr std::array<std::string_view, 10> k_notmuch_own_tags{"inbox",     "unread",  "new",     "attachment", "signed",
                                                              "encrypted", "replied", "flagged", "passed",     "draft"};

// RFC 3501 flag-keyword = atom: ATOM-CHAR is any CHAR (7-bit) but atom-specials
// ("(" / ")" / "{" / SP / CTL / list-wildcards "%" "*" / quoted-specials DQUOTE "\" / resp-specials "]").
bool is_imap_atom(std::string_view name) {
    if (name.empty()) return false;
    for (unsigned char c : name) {
        if (c <= 0x20 || c >= 0x7f) return false;
        if (c == '(' || c == ')' || c == '{' || c == '%' || c == '*' || c == '"' || c == '\\' || c == ']') return false;
    }
    return true;
}

// The names of `of` that `without` lacks.
std::set<std::string> minus(const std::set<std::string>& of, const std::set<std::string>& without) {
    std::set<std::string> out;
    for (const auto& n : of)
        if (!without.contains(n)) out.insert(n);
    return out;
}

// The names in both.
std::set<std::string> common(const std::set<std::string>& a, const std::set<std::string>& b) {
    std::set<std::string> out;
    for (const auto& n : a)
        if (b.contains(n)) out.insert(n);
    return out;
}

}  // namespace

TagFilter::TagFilter(const std::vector<std::string>& never_sent)
    : m_never(k_notmuch_own_tags.begin(), k_notmuch_own_tags.end()) {
    m_never.insert(never_sent.begin(), never_sent.end());
}

bool TagFilter::crosses(std::string_view name) const { return is_imap_atom(name) && !m_never.contains(name); }

std::set<std::string> TagFilter::crossing(const std::set<std::string>& names) const {
    std::set<std::string> out;
    for (const auto& n : names)
        if (crosses(n)) out.insert(n);
    return out;
}

TagChanges merge_tags(const std::set<std::string>& tags, const std::set<std::string>& keywords,
                      const std::set<std::string>& base) {
    TagChanges c;
    c.add_to_files = minus(tags, base);                   // tagged in notmuch since the base
    c.remove_from_files = minus(base, tags);              // untagged in notmuch since the base
    c.add_tags = minus(minus(keywords, base), tags);      // a file gained the keyword since the base
    c.remove_tags = common(minus(base, keywords), tags);  // no file has it any more, the tag is still there
    return c;
}

}  // namespace mailtwin::engine
