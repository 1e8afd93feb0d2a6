#include "mailtwin/sync/plan.hpp"

#include "mailtwin/util/overload.hpp"

#include <algorithm>
#include <type_traits>

namespace mailtwin::sync {

namespace {
using util::Overload;
}  // namespace

int order_group(const Action& a) noexcept {
    // The variant's alternatives are declared in plan order; Download and Upload share a group.
    static constexpr int k_groups[] = {1, 2, 3, 4, 5, 6, 7, 8, 8, 9, 10};
    static_assert(std::size(k_groups) == std::variant_size_v<Action>);
    return k_groups[a.index()];
}

Counters count_actions(const std::vector<Action>& actions) {
    Counters c;
    for (const auto& a : actions) {
        std::visit(Overload{
                       [](const ResetUids&) {},
                       [&](const Pair&) { ++c.pairs; },
                       [&](const Detach&) { ++c.detaches; },
                       [&](const Forget&) { ++c.forgets; },
                       [&](const SetFlags& x) { ++c.flag_changes[x.side]; },
                       [&](const Record&) { ++c.records; },
                       [&](const Expunge& x) { ++c.expunges[x.side]; },
                       [&](const Download&) { ++c.downloads; },
                       [&](const Upload&) { ++c.uploads; },
                       [&](const Skip&) { ++c.skips; },
                       [&](const Refuse& x) { c.refused += x.count; },
                   },
                   a);
    }
    return c;
}

bool Plan::changes_nothing() const {
    return std::all_of(actions.begin(), actions.end(), [](const Action& a) {
        return std::holds_alternative<Skip>(a) || std::holds_alternative<Refuse>(a);
    });
}

bool Plan::refused() const {
    return std::any_of(actions.begin(), actions.end(),
                       [](const Action& a) { return std::holds_alternative<Refuse>(a); });
}

}  // namespace mailtwin::sync
