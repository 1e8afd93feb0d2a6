#pragma once
// The name INBOX (RFC 3501 §5.1): the one mailbox name IMAP compares case-insensitively ("inbox" and
// "Inbox" are INBOX; "Inbox.Sub" and "inbox/Sub" lie under it). mailtwin writes it "INBOX" wherever it
// writes it (commands to the server, local folder names). Every place that recognises INBOX asks here,
// so the server side, the Maildir side and the `folders` globs cannot disagree about it. Where a
// Maildir layout keeps INBOX (maildir++: the root itself) is maildir::Layout's.
#include <string>
#include <string_view>

#include "mailtwin/util/ascii.hpp"

namespace mailtwin::util {

inline constexpr std::string_view k_inbox = "INBOX";

// `name` is INBOX, in any case.
constexpr bool is_inbox(std::string_view name) noexcept { return iequals(name, k_inbox); }

// `a` and `b` name the same mailbox: INBOX in any case, every other name exactly.
constexpr bool same_mailbox(std::string_view a, std::string_view b) noexcept {
    return a == b || (is_inbox(a) && is_inbox(b));
}

// `name` begins with INBOX as its first level, in any case: INBOX itself, or INBOX followed by a
// character that cannot continue a word (a hierarchy delimiter: "inbox.Sub", "Inbox/Sub").
constexpr bool starts_with_inbox(std::string_view name) noexcept {
    if (name.size() < k_inbox.size() || !is_inbox(name.substr(0, k_inbox.size()))) return false;
    if (name.size() == k_inbox.size()) return true;
    const char next = name[k_inbox.size()];
    const bool continues_word =
        (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') || (next >= '0' && next <= '9');
    return !continues_word;
}

// `name` with a leading INBOX (see starts_with_inbox) spelled "INBOX"; any other name unchanged.
inline std::string with_canonical_inbox(std::string_view name) {
    if (!starts_with_inbox(name)) return std::string(name);
    return std::string(k_inbox) + std::string(name.substr(k_inbox.size()));
}

}  // namespace mailtwin::util
