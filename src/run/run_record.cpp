#include "mailtwin/run/run_record.hpp"

#include <set>

#include "mailtwin/sync/plan_format.hpp"

namespace mailtwin::engine {
namespace {

std::string failure_text(const FolderResult& r) {
    if (r.error) return r.error->describe();
    std::string out;
    for (const auto& a : r.plan.actions)
        if (const auto* refuse = std::get_if<sync::Refuse>(&a))
            out += (out.empty() ? "" : "; ") + sync::refusal_text(*refuse);
    return out.empty() ? std::string("failed") : out;
}

}  // namespace

state::AccountRuns merge_run(std::optional<state::AccountRuns> before, std::int64_t now, const AccountResult& run,
                             const std::vector<std::string>& known_folders) {
    state::AccountRuns out = std::move(before).value_or(state::AccountRuns{});
    out.last_run = now;
    out.last_run_error = run.fatal ? run.fatal->describe() : std::string();
    std::set<std::string> keep(known_folders.begin(), known_folders.end());
    for (const auto& r : run.folders) {
        if (r.outcome == FolderOutcome::planned) continue;  // a dry run is no sync
        keep.insert(r.folder);
        state::FolderRun& entry = out.folders[r.folder];
        if (r.failed()) {
            entry.failed_at = now;
            entry.failure = failure_text(r);
        } else {
            entry = state::FolderRun{now, 0, ""};
        }
    }
    std::erase_if(out.folders, [&keep](const auto& e) { return !keep.contains(e.first); });
    return out;
}

}  // namespace mailtwin::engine
