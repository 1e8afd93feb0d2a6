#include "mailtwin/engine/report.hpp"

#include "mailtwin/util/log.hpp"

namespace mailtwin::engine {
namespace {

std::string_view outcome_name(FolderOutcome o) {
    switch (o) {
        case FolderOutcome::unchanged: return "unchanged";
        case FolderOutcome::synced: return "synced";
        case FolderOutcome::planned: return "planned";
        case FolderOutcome::failed: return "failed";
    }
    return "?";
}

}  // namespace

std::string folder_summary(const FolderResult& r) {
    std::string out = r.folder + ": ";
    if (r.outcome == FolderOutcome::failed) return out + "FAILED: " + (r.error ? r.error->describe() : "unknown error");
    if (r.outcome == FolderOutcome::unchanged) return out + "unchanged";
    const auto& c = r.plan.counters;
    std::string parts;
    auto add = [&parts](std::size_t n, const char* what) {
        if (n == 0) return;
        if (!parts.empty()) parts += ", ";
        parts += std::to_string(n) + " " + what;
    };
    const bool planned = r.outcome == FolderOutcome::planned;
    add(c.downloads, planned ? "to download" : "downloaded");
    add(c.uploads, planned ? "to upload" : "uploaded");
    add(c.flag_changes[util::Side::remote] + c.flag_changes[util::Side::local], planned ? "flag changes planned" : "flag changes");
    add(c.expunges[util::Side::remote], planned ? "to expunge on the server" : "expunged on the server");
    add(c.expunges[util::Side::local], planned ? "to delete locally" : "deleted locally");
    add(c.pairs, "matched");
    add(c.skips, "skipped by filters");
    out += parts.empty() ? std::string("in sync") : parts;
    for (const auto& a : r.plan.actions)
        if (const auto* refuse = std::get_if<sync::Refuse>(&a))
            out += "; REFUSED " + std::to_string(refuse->count) + " deletions: " + refuse->reason;
    for (const auto& w : r.plan.warnings) out += "; warning: " + w;
    return out;
}

std::string folder_json(const std::string& account, const FolderResult& r) {
    const auto& c = r.plan.counters;
    std::string out = "{\"event\":\"folder\",\"account\":" + util::json_quote(account) +
                      ",\"folder\":" + util::json_quote(r.folder) + ",\"outcome\":\"" + std::string(outcome_name(r.outcome)) + "\"";
    out += ",\"incremental\":" + std::string(r.incremental ? "true" : "false");
    out += ",\"downloads\":" + std::to_string(c.downloads) + ",\"uploads\":" + std::to_string(c.uploads);
    out += ",\"flag_changes\":" + std::to_string(c.flag_changes[util::Side::remote] + c.flag_changes[util::Side::local]);
    out += ",\"expunged_remote\":" + std::to_string(c.expunges[util::Side::remote]);
    out += ",\"expunged_local\":" + std::to_string(c.expunges[util::Side::local]);
    out += ",\"refused\":" + std::to_string(c.refused);
    out += ",\"bytes_downloaded\":" + std::to_string(r.stats.bytes_downloaded);
    if (r.error) out += ",\"error\":" + util::json_quote(r.error->describe());
    return out + "}";
}

}  // namespace mailtwin::engine
