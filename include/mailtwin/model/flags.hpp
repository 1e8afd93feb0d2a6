#pragma once
// Message flags as both sides know them: the IMAP system flags mailtwin maps to Maildir letters,
// plus keywords (IMAP keywords / Maildir lowercase letters via dovecot-keywords), kept sorted.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace mailtwin::model {

// One bit per flag that has a Maildir letter (spec: "Local Maildir conventions").
enum class Flag : std::uint8_t {
    draft = 1 << 0,      // D  \Draft
    flagged = 1 << 1,    // F  \Flagged
    forwarded = 1 << 2,  // P  $Forwarded (an IMAP keyword, but Maildir gives it a letter)
    answered = 1 << 3,   // R  \Answered
    seen = 1 << 4,       // S  \Seen
    deleted = 1 << 5,    // T  \Deleted
};

// The letters in ASCII order, as the Maildir spec requires them in ":2,".
struct FlagLetter {
    Flag flag;
    char letter;
    std::string_view imap_name;
};
inline constexpr FlagLetter k_flag_letters[] = {
    {Flag::draft, 'D', "\\Draft"},       {Flag::flagged, 'F', "\\Flagged"}, {Flag::forwarded, 'P', "$Forwarded"},
    {Flag::answered, 'R', "\\Answered"}, {Flag::seen, 'S', "\\Seen"},       {Flag::deleted, 'T', "\\Deleted"},
};

class FlagSet {
public:
    FlagSet() = default;
    explicit FlagSet(std::uint8_t bits) : m_bits(bits) {}

    [[nodiscard]] bool has(Flag f) const noexcept { return (m_bits & static_cast<std::uint8_t>(f)) != 0; }
    void set(Flag f, bool on = true) noexcept {
        if (on)
            m_bits |= static_cast<std::uint8_t>(f);
        else
            m_bits &= static_cast<std::uint8_t>(~static_cast<std::uint8_t>(f));
    }
    [[nodiscard]] std::uint8_t bits() const noexcept { return m_bits; }
    // No system flag and no keyword.
    [[nodiscard]] bool empty() const noexcept { return m_bits == 0 && keywords.empty(); }

    // Keywords other than $Forwarded (which is a Flag), case preserved as the server sent them.
    std::set<std::string> keywords;

    // Adds an IMAP flag or keyword by name ("\\Seen", "$Forwarded", "$Junk"); \Recent is ignored.
    void add_imap(std::string_view name);
    // All flags as IMAP names, system flags first, then keywords: "\\Seen \\Flagged $label1".
    [[nodiscard]] std::string to_imap() const;

    friend bool operator==(const FlagSet&, const FlagSet&) = default;

private:
    std::uint8_t m_bits = 0;
};

// Set algebra over system flags and keywords together (keywords compare case-sensitively, as the
// server sent them): what `a` has that `b` lacks, what both have, what either has.
[[nodiscard]] FlagSet minus(const FlagSet& a, const FlagSet& b);
[[nodiscard]] FlagSet intersection(const FlagSet& a, const FlagSet& b);
[[nodiscard]] FlagSet united(const FlagSet& a, const FlagSet& b);

// `f` after a change that adds `add` and removes `remove` (a STORE +FLAGS / -FLAGS pair, a rename);
// a flag in both is removed.
[[nodiscard]] FlagSet applied(const FlagSet& f, const FlagSet& add, const FlagSet& remove);

// The change that turns `from` into `to`: applied(from, d.add, d.remove) == to; `add` and `remove`
// never share a flag, and both are empty when the sets are equal.
struct FlagDiff {
    FlagSet add;     // in `to`, not in `from`
    FlagSet remove;  // in `from`, not in `to`
};
[[nodiscard]] FlagDiff diff(const FlagSet& from, const FlagSet& to);

// The Flag for a Maildir letter or an IMAP system flag name (case-insensitive), if it has one.
std::optional<Flag> flag_from_letter(char letter) noexcept;
std::optional<Flag> flag_from_imap(std::string_view name) noexcept;

}  // namespace mailtwin::model
