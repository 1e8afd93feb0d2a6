#include "status_folder_plan.hpp"

namespace mailtwin::engine {
namespace {

std::string side_text(util::Side side) { return side == util::Side::remote ? "the server" : "the Maildir"; }

constexpr const char* k_unless_renamed = " (unless a new folder there holds its messages: then it follows that rename)";

}  // namespace

std::map<std::string, std::string> next_folder_changes(const sync::FolderPlan& plan) {
    std::map<std::string, std::string> out;
    for (const auto& a : plan.actions) {
        const util::Side done_on = a.side;
        const util::Side seen_on = util::other(a.side);
        if (a.kind == sync::FolderActionKind::rename && !a.carried)
            out[a.name] = "renamed to \"" + a.new_name + "\" on " + side_text(seen_on) +
                          ": the next sync renames it on " + side_text(done_on);
        else if (a.kind == sync::FolderActionKind::remove)
            out[a.name] = "deleted on " + side_text(seen_on) + ": the next sync deletes it on " + side_text(done_on) +
                          " too (folder_deletes = \"propagate\")" + k_unless_renamed;
    }
    for (const auto& job : plan.jobs)
        if (job.recreated != sync::Recreated::no)
            out[job.name] =
                "deleted on " + side_text(job.recreated_on) + ": the next sync recreates it there" +
                (job.recreated == sync::Recreated::changed_since_last_sync ? ", since the other copy changed" : "") +
                k_unless_renamed;
    for (const auto& s : plan.skipped)
        if (s.why == sync::FolderSkip::rename_conflict || s.why == sync::FolderSkip::deletion_refused)
            out[s.name] = s.detail;
    return out;
}

}  // namespace mailtwin::engine
