#include "mailtwin/maildir/filename.hpp"

#include <algorithm>
#include <charconv>

#include "mailtwin/maildir/error.hpp"

namespace mailtwin::maildir {
namespace {

// The info separator: the first ':' (unique names never contain one: the host name encodes it as
// \072), else the last '!' that starts "!1," or "!2," — a bare '!' may be part of a host name.
std::string_view::size_type separator_pos(std::string_view name) noexcept {
    if (auto colon = name.find(k_info_separator); colon != std::string_view::npos) return colon;
    for (auto pos = name.rfind(k_alt_info_separator); pos != std::string_view::npos;
         pos = pos == 0 ? std::string_view::npos : name.rfind(k_alt_info_separator, pos - 1)) {
        if (pos + 2 < name.size() && (name[pos + 1] == '1' || name[pos + 1] == '2') && name[pos + 2] == ',') return pos;
    }
    return std::string_view::npos;
}

std::optional<std::uint64_t> parse_digits(std::string_view s) noexcept {
    if (s.empty()) return std::nullopt;
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return v;
}

}  // namespace

MaildirFlags MaildirFlags::from_letters(std::string_view letters) {
    MaildirFlags out;
    for (char c : letters) {
        if (auto f = model::flag_from_letter(c))
            out.flags.set(*f);
        else
            out.other_letters += c;
    }
    std::sort(out.other_letters.begin(), out.other_letters.end());
    out.other_letters.erase(std::unique(out.other_letters.begin(), out.other_letters.end()), out.other_letters.end());
    return out;
}

std::string MaildirFlags::letters() const {
    std::string out = other_letters;
    for (const auto& fl : model::k_flag_letters)
        if (flags.has(fl.flag)) out += fl.letter;
    std::sort(out.begin(), out.end());
    return out;
}

util::Expected<FileName> parse_file_name(std::string_view name) {
    if (name.empty() || name.front() == '.' || name.find('/') != std::string_view::npos ||
        name.find('\0') != std::string_view::npos) {
        return util::unexpected(
            make_error(Errc::invalid_file_name, "'" + std::string(name) +
                                                    "' is not a Maildir message file name (hidden, empty, or holds '/' "
                                                    "or NUL); move it out of the folder if it is mail"));
    }
    FileName out;
    const auto sep = separator_pos(name);
    out.key = std::string(name.substr(0, sep));
    if (out.key.empty()) {
        return util::unexpected(make_error(Errc::invalid_file_name, "'" + std::string(name) +
                                                                        "' has an empty unique part before its info; "
                                                                        "rename it to a unique name"));
    }
    if (sep != std::string_view::npos) {
        out.separator = name[sep];
        const auto info = name.substr(sep + 1);
        if (info.size() >= 2 && info[0] == '2' && info[1] == ',') {
            out.info = InfoKind::v2;
            out.flags = MaildirFlags::from_letters(info.substr(2));
        } else {
            out.info = info.size() >= 2 && info[0] == '1' && info[1] == ',' ? InfoKind::v1 : InfoKind::unknown;
            out.raw_info = std::string(info);
        }
    }
    const auto fields = parse_key_fields(out.key);
    out.size = fields.size;
    out.vsize = fields.vsize;
    return out;
}

std::string render_file_name(const FileName& name) {
    switch (name.info) {
        case InfoKind::none:
            return name.key;
        case InfoKind::v2:
            return render_file_name(name.key, name.flags, name.separator);
        case InfoKind::v1:
        case InfoKind::unknown:
            return name.key + name.separator + name.raw_info;
    }
    return name.key;
}

std::string render_file_name(std::string_view key, const MaildirFlags& flags, char separator) {
    std::string out;
    const auto letters = flags.letters();
    out.reserve(key.size() + 3 + letters.size());
    out += key;
    out += separator;
    out += "2,";
    out += letters;
    return out;
}

std::string_view key_of(std::string_view name) noexcept { return name.substr(0, separator_pos(name)); }

KeyFields parse_key_fields(std::string_view key) noexcept {
    KeyFields out;
    // The first comma-separated part is the unique name itself; fields follow it.
    auto pos = key.find(',');
    while (pos != std::string_view::npos) {
        const auto next = key.find(',', pos + 1);
        const auto field =
            key.substr(pos + 1, next == std::string_view::npos ? std::string_view::npos : next - pos - 1);
        if (field.size() > 2 && field[1] == '=') {
            const auto value = parse_digits(field.substr(2));
            if (value && field[0] == 'S')
                out.size = value;
            else if (value && field[0] == 'W')
                out.vsize = value;
        }
        pos = next;
    }
    return out;
}

}  // namespace mailtwin::maildir
