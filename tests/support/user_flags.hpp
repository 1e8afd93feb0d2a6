#pragma once
// What a simulated user does to a message's flags, for the random-interleaving tests of the real
// executor over MemoryStores (tests/unit/engine/store_user.*).
#include <cstdint>
#include <string>

#include "mailtwin/model/flags.hpp"

namespace mailtwin::test {

inline constexpr std::int64_t k_user_base_date = 1'690'000'000;

// Flags a user toggles: four system flags (which 0..3) and two keywords (4, 5).
inline void toggle_user_flag(model::FlagSet& f, int which) {
    static constexpr model::Flag k_flags[] = {model::Flag::seen, model::Flag::flagged, model::Flag::deleted,
                                              model::Flag::answered};
    if (which < 4) {
        f.set(k_flags[which], !f.has(k_flags[which]));
        return;
    }
    const std::string kw = which == 4 ? "$a" : "$b";
    if (!f.keywords.erase(kw)) f.keywords.insert(kw);
}

}  // namespace mailtwin::test
