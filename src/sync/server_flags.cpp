#include "mailtwin/sync/server_flags.hpp"

namespace mailtwin::sync {

model::FlagSet remote_flags_meant(const model::FlagSet& now, const model::FlagSet& base,
                                  const model::StorableFlags& storable) {
    const model::FlagSet lost = storable.not_kept(base);  // set at the last sync, cannot be there now
    return model::united(now, lost);
}

model::FlagSet remote_target_held(const model::FlagSet& target, const model::FlagSet& now,
                                  const model::StorableFlags& storable) {
    return model::minus(target, model::minus(storable.not_kept(target), now));
}

}  // namespace mailtwin::sync
