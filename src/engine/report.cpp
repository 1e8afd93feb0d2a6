#include "mailtwin/engine/report.hpp"

#include "mailtwin/sync/plan_format.hpp"
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
    // Arrows say where a change went: down to the Maildir, up to the server.
    auto pair = [](std::size_t down, std::size_t up) {
        std::string t;
        if (down) t += std::to_string(down) + " \u2193";
        if (up) t += std::string(t.empty() ? "" : " ") + std::to_string(up) + " \u2191";
        return t;
    };
    if (r.outcome == FolderOutcome::failed) {
        out += "FAILED: " + (r.error ? r.error->describe() : std::string("unknown error"));
        // What was done before the failure (it is recorded): only copies that were made count.
        if (r.stats.downloaded || r.stats.uploaded) out += " [copied: +" + pair(r.stats.downloaded, r.stats.uploaded) + "]";
        return out;
    }
    if (r.outcome == FolderOutcome::unchanged) return out + "unchanged";
    const auto& c = r.plan.counters;
    using util::Side;
    std::string parts;
    auto add = [&parts](const std::string& text) { parts += (parts.empty() ? "" : " ") + text; };
    if (c.downloads || c.uploads) add("+" + pair(c.downloads, c.uploads));
    if (r.moved_in) add("moved in " + std::to_string(r.moved_in));
    if (c.flag_changes[Side::local] || c.flag_changes[Side::remote])
        add("flags " + pair(c.flag_changes[Side::local], c.flag_changes[Side::remote]));
    if (c.expunges[Side::local] || c.expunges[Side::remote])
        add("expunged " + pair(c.expunges[Side::local], c.expunges[Side::remote]));
    if (c.pairs) add("matched " + std::to_string(c.pairs));
    if (c.skips) add("skipped " + std::to_string(c.skips));
    if (r.outcome == FolderOutcome::planned) add("(planned)");
    std::string refusals;
    for (const auto& a : r.plan.actions)
        if (const auto* refuse = std::get_if<sync::Refuse>(&a))
            refusals += (refusals.empty() ? "" : "; ") + sync::refusal_text(*refuse);
    // One word for a folder with nothing to do, whether its checkpoint said so or a visit did.
    out += parts.empty() && refusals.empty() ? std::string("unchanged") : parts;
    if (!refusals.empty()) out += (parts.empty() ? "" : "; ") + refusals;
    for (const auto& w : r.plan.warnings) out += "; warning: " + w;
    return out;
}

bool changed_anything(const FolderResult& r) {
    const auto& c = r.plan.counters;
    using util::Side;
    return c.downloads || c.uploads || r.moved_in || c.flag_changes[Side::local] || c.flag_changes[Side::remote] ||
           c.expunges[Side::local] || c.expunges[Side::remote] || c.pairs || c.skips;
}

bool worth_reporting(const FolderResult& r) {
    return r.failed() || changed_anything(r) || !r.plan.warnings.empty();
}

std::string folder_json(const std::string& account, const FolderResult& r) {
    const auto& c = r.plan.counters;
    // "refused" rather than "synced" when the rail held deletions back; "unchanged" for a visit that
    // found nothing to do, as for a folder the checkpoint skipped.
    const std::string_view outcome = r.outcome != FolderOutcome::failed && r.plan.refused() ? "refused"
                                     : r.outcome == FolderOutcome::synced && !changed_anything(r)
                                         ? "unchanged"
                                         : outcome_name(r.outcome);
    std::string out = "{\"event\":\"folder\",\"account\":" + util::json_quote(account) +
                      ",\"folder\":" + util::json_quote(r.folder) + ",\"outcome\":\"" + std::string(outcome) + "\"";
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
