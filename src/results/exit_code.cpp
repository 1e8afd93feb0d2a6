#include "mailtwin/results/exit_code.hpp"

#include <algorithm>

#include "mailtwin/results/folder_result.hpp"

namespace mailtwin::engine {

ExitCode exit_code_for(AccountFailure failure) noexcept {
    switch (failure) {
        case AccountFailure::none:
            return k_exit_ok;
        case AccountFailure::other:
            return k_exit_some_folders_failed;
        case AccountFailure::config:
            return k_exit_usage;
        case AccountFailure::connection:
            return k_exit_connection;
        case AccountFailure::locked:
            return k_exit_locked;
    }
    return k_exit_some_folders_failed;  // not reached: every enumerator is handled above
}

void ExitStatus::note(AccountFailure failure) noexcept { m_code = std::max(m_code, exit_code_for(failure)); }

void ExitStatus::note_changes(const std::vector<FolderResult>& folders) { m_change_bits |= change_bits(folders); }

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
