#include "mailtwin/model/storable_flags.hpp"

#include "mailtwin/util/ascii.hpp"

namespace mailtwin::model {
namespace {

constexpr std::uint8_t every_flag_bit() {
    std::uint8_t bits = 0;
    for (const auto& fl : k_flag_letters) bits = static_cast<std::uint8_t>(bits | static_cast<std::uint8_t>(fl.flag));
    return bits;
}
static_assert(every_flag_bit() == StorableFlags::k_every_flag, "a new Flag must be in k_every_flag");

}  // namespace

bool StorableFlags::keeps(Flag f) const noexcept { return (bits & static_cast<std::uint8_t>(f)) != 0; }

bool StorableFlags::keeps_keyword(const std::string& name) const {
    if (any_keyword) return true;
    for (const auto& k : keywords)
        if (util::iequals(k, name)) return true;
    return false;
}

FlagSet StorableFlags::kept(const FlagSet& flags) const {
    FlagSet out(static_cast<std::uint8_t>(flags.bits() & bits));
    for (const auto& k : flags.keywords)
        if (keeps_keyword(k)) out.keywords.insert(k);
    return out;
}

FlagSet StorableFlags::not_kept(const FlagSet& flags) const { return minus(flags, kept(flags)); }

}  // namespace mailtwin::model
