#pragma once
// Maildir file names: "<key>[<sep><info>]" (https://cr.yp.to/proto/maildir.html).
//   key   the stable unique part. Dovecot-style ",S=<size>" and ",W=<vsize>" fields are part of it
//         and are never stripped; they are only read, so that a scan knows the size without stat().
//   sep   ':' normally, '!' where ':' is not allowed in file names (the "!2," variant).
//   info  "2,<letters>" — flags, one letter each, in ASCII order; "1,<…>" (experimental) and any
//         other info are kept verbatim. Files in new/ usually have no info at all.
// Letters mailtwin knows (model::k_flag_letters) become a FlagSet; every other letter (lowercase
// keyword letters a–z, letters of other programs) is kept, sorted and without repeats.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mailtwin/model/flags.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::maildir {

struct MaildirFlags {
    model::FlagSet flags;       // system flags only; FlagSet::keywords is not used here
    std::string other_letters;  // every other letter, ASCII order, no repeats

    // Splits "FSa" etc. into known flags and other letters, in any order, repeats dropped.
    static MaildirFlags from_letters(std::string_view letters);
    // All letters in ASCII order: what follows ":2,".
    [[nodiscard]] std::string letters() const;
    [[nodiscard]] bool empty() const noexcept { return flags.bits() == 0 && other_letters.empty(); }

    friend bool operator==(const MaildirFlags&, const MaildirFlags&) = default;
};

enum class InfoKind : std::uint8_t {
    none,     // "<key>"
    v2,       // "<key>:2,<letters>"
    v1,       // "<key>:1,<…>" kept verbatim in raw_info
    unknown,  // "<key>:<anything else>" kept verbatim in raw_info
};

inline constexpr char k_info_separator = ':';
inline constexpr char k_alt_info_separator = '!';

struct FileName {
    std::string key;
    InfoKind info = InfoKind::none;
    char separator = k_info_separator;
    MaildirFlags flags;                  // meaningful for InfoKind::v2
    std::string raw_info;                // text after the separator, for v1 and unknown
    std::optional<std::uint64_t> size;   // ",S=" inside the key
    std::optional<std::uint64_t> vsize;  // ",W=" inside the key

    friend bool operator==(const FileName&, const FileName&) = default;
};

// Parses a file name found in new/ or cur/. Fails (Errc::invalid_file_name) for hidden files
// (leading '.'), names with '/' or NUL, and an empty key.
util::Expected<FileName> parse_file_name(std::string_view name);

// "<key>" for InfoKind::none, "<key><sep>2,<letters>" for v2, "<key><sep><raw_info>" otherwise.
std::string render_file_name(const FileName& name);
// "<key><sep>2,<letters>": the name of a message in cur/.
std::string render_file_name(std::string_view key, const MaildirFlags& flags, char separator = k_info_separator);

// The key part of a file name without allocating: everything before the info separator.
std::string_view key_of(std::string_view name) noexcept;

// ",S=" and ",W=" fields of a key; fields that are not all digits are ignored.
struct KeyFields {
    std::optional<std::uint64_t> size;
    std::optional<std::uint64_t> vsize;
};
KeyFields parse_key_fields(std::string_view key) noexcept;

}  // namespace mailtwin::maildir
