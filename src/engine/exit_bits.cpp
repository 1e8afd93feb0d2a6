#include "mailtwin/engine/exit_bits.hpp"

namespace mailtwin::engine {

int change_bits(const FolderResult& result) {
    if (result.outcome != FolderOutcome::synced && result.outcome != FolderOutcome::planned) return 0;
    const auto& c = result.plan.counters;
    int bits = 0;
    if (c.downloads + c.uploads > 0) bits |= k_exit_bit_messages;
    if (c.flag_changes[util::Side::remote] + c.flag_changes[util::Side::local] > 0) bits |= k_exit_bit_flags;
    if (c.expunges[util::Side::remote] + c.expunges[util::Side::local] > 0) bits |= k_exit_bit_expunged;
    return bits;
}

int change_bits(const std::vector<FolderResult>& results) {
    int bits = 0;
    for (const auto& r : results) bits |= change_bits(r);
    return bits;
}

}  // namespace mailtwin::engine
