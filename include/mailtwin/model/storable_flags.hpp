#pragma once
// Which flags a server keeps on the messages of a folder: what SELECT's PERMANENTFLAGS announces
// (RFC 3501 §7.1). A flag outside it may be accepted for the session and then forgotten, or dropped
// at once; either way the server cannot hold it, so its absence there is no one's change.
#include <cstdint>
#include <set>
#include <string>

#include "mailtwin/model/flags.hpp"

namespace mailtwin::model {

struct StorableFlags {
    static constexpr std::uint8_t k_every_flag = 0x3F;  // every Flag bit (flags.hpp)

    // The flags with a Maildir letter (Flag bits) the server keeps. $Forwarded, a keyword in IMAP,
    // counts as kept when it is listed by name or any keyword may be created.
    std::uint8_t bits = k_every_flag;
    bool any_keyword = true;         // "\*": new keywords may be created
    std::set<std::string> keywords;  // keywords listed by name (kept even without "\*")

    // RFC 3501: a server that sends no PERMANENTFLAGS lets clients change every flag permanently.
    [[nodiscard]] static StorableFlags all() { return {}; }

    [[nodiscard]] bool keeps(Flag f) const noexcept;
    [[nodiscard]] bool keeps_keyword(const std::string& name) const;  // case-insensitive, as IMAP is
    // The part of `flags` the server keeps, and the part it cannot.
    [[nodiscard]] FlagSet kept(const FlagSet& flags) const;
    [[nodiscard]] FlagSet not_kept(const FlagSet& flags) const;
    [[nodiscard]] bool keeps_all() const noexcept { return (bits & k_every_flag) == k_every_flag && any_keyword; }

    friend bool operator==(const StorableFlags&, const StorableFlags&) = default;
};

}  // namespace mailtwin::model
