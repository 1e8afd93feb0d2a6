#include "mailtwin/model/flags.hpp"

#include "mailtwin/util/ascii.hpp"

#include <algorithm>
#include <cctype>

namespace mailtwin::model {
namespace {

using util::iequals;

}  // namespace

std::optional<Flag> flag_from_letter(char letter) noexcept {
    for (const auto& fl : k_flag_letters)
        if (fl.letter == letter) return fl.flag;
    return std::nullopt;
}

std::optional<Flag> flag_from_imap(std::string_view name) noexcept {
    for (const auto& fl : k_flag_letters)
        if (iequals(fl.imap_name, name)) return fl.flag;
    return std::nullopt;
}

void FlagSet::add_imap(std::string_view name) {
    if (name.empty() || iequals(name, "\\Recent")) return;
    if (auto f = flag_from_imap(name)) {
        set(*f);
        return;
    }
    keywords.emplace(name);
}

std::string FlagSet::to_imap() const {
    std::string out;
    auto append = [&out](std::string_view s) {
        if (!out.empty()) out += ' ';
        out += s;
    };
    for (const auto& fl : k_flag_letters)
        if (has(fl.flag)) append(fl.imap_name);
    for (const auto& k : keywords) append(k);
    return out;
}

FlagSet minus(const FlagSet& a, const FlagSet& b) {
    FlagSet out(static_cast<std::uint8_t>(a.bits() & ~b.bits()));
    for (const auto& k : a.keywords)
        if (b.keywords.count(k) == 0) out.keywords.insert(k);
    return out;
}

FlagSet intersection(const FlagSet& a, const FlagSet& b) {
    FlagSet out(static_cast<std::uint8_t>(a.bits() & b.bits()));
    for (const auto& k : a.keywords)
        if (b.keywords.count(k) != 0) out.keywords.insert(k);
    return out;
}

FlagSet united(const FlagSet& a, const FlagSet& b) {
    FlagSet out(static_cast<std::uint8_t>(a.bits() | b.bits()));
    out.keywords = a.keywords;
    out.keywords.insert(b.keywords.begin(), b.keywords.end());
    return out;
}

FlagSet applied(const FlagSet& f, const FlagSet& add, const FlagSet& remove) { return minus(united(f, add), remove); }

FlagDiff diff(const FlagSet& from, const FlagSet& to) { return {minus(to, from), minus(from, to)}; }

}  // namespace mailtwin::model
