#include "mailtwin/sync/server_flags.hpp"

namespace mailtwin::sync {

model::FlagSet remote_flags_meant(const model::FlagSet& now, const model::FlagSet& base,
                                  const model::StorableFlags& storable) {
    model::FlagSet out = now;
    const model::FlagSet lost = storable.not_kept(base);  // set at the last sync, cannot be there now
    for (const auto& fl : model::k_flag_letters)
        if (lost.has(fl.flag)) out.set(fl.flag);
    out.keywords.insert(lost.keywords.begin(), lost.keywords.end());
    return out;
}

model::FlagSet remote_target_held(const model::FlagSet& target, const model::FlagSet& now,
                                  const model::StorableFlags& storable) {
    return model::minus(target, model::minus(storable.not_kept(target), now));
}

}  // namespace mailtwin::sync
