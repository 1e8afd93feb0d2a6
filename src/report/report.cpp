#include "mailtwin/report/report.hpp"

#include <cstdio>

#include "mailtwin/report/progress_format.hpp"
#include "mailtwin/sync/plan_format.hpp"
#include "mailtwin/util/locale_charset.hpp"
#include "mailtwin/util/log.hpp"

namespace mailtwin::engine {
namespace {

using util::Side;

std::string_view outcome_name(FolderOutcome o) {
    switch (o) {
        case FolderOutcome::unchanged:
            return "unchanged";
        case FolderOutcome::synced:
            return "synced";
        case FolderOutcome::planned:
            return "planned";
        case FolderOutcome::failed:
            return "failed";
    }
    return "?";
}

// Whether the totals line gives the bytes of the copies; a folder's line does not.
enum class Bytes { left_out, shown };

// "3 ↓", or with its bytes "3 ↓ (1.2 MiB)".
std::string counted(std::size_t n, std::string_view arrow, std::uint64_t bytes, Bytes show) {
    std::string out = std::to_string(n) + " " + std::string(arrow);
    if (show == Bytes::shown) out += " (" + format_size(bytes) + ")";
    return out;
}

// "3 ↓ 1 ↑", either half left out when it is zero.
std::string both_ways(std::size_t down, std::size_t up, const Arrows& arrows) {
    std::string out;
    if (down) out += counted(down, arrows.down, 0, Bytes::left_out);
    if (up) out += (out.empty() ? "" : " ") + counted(up, arrows.up, 0, Bytes::left_out);
    return out;
}

// The copies: "+3 ↓ 1 ↑" (a folder), "+3 ↓ (1.2 MiB) 1 ↑ (4.0 KiB)" (the totals).
std::string copies_text(const ChangeCounts& c, const Arrows& arrows, Bytes show) {
    std::string out = "+";
    if (c.downloads) out += counted(c.downloads, arrows.down, c.bytes_downloaded, show);
    if (c.uploads) out += (c.downloads ? " " : "") + counted(c.uploads, arrows.up, c.bytes_uploaded, show);
    return out;
}

// Every nonzero count, in one order for the folder lines and the totals: "+3 ↓ flags 1 ↑ expunged 2 ↓".
std::string change_parts(const ChangeCounts& c, const Arrows& arrows, Bytes show) {
    std::string parts;
    auto add = [&parts](const std::string& text) { parts += (parts.empty() ? "" : " ") + text; };
    if (c.downloads || c.uploads) add(copies_text(c, arrows, show));
    if (c.moved_in) add("moved in " + std::to_string(c.moved_in));
    if (c.flag_changes[Side::local] || c.flag_changes[Side::remote])
        add("flags " + both_ways(c.flag_changes[Side::local], c.flag_changes[Side::remote], arrows));
    if (c.expunges[Side::local] || c.expunges[Side::remote])
        add("expunged " + both_ways(c.expunges[Side::local], c.expunges[Side::remote], arrows));
    if (c.matched) add("matched " + std::to_string(c.matched));
    if (c.skipped) add("skipped " + std::to_string(c.skipped));
    return parts;
}

bool any(const ChangeCounts& c) {
    return c.downloads || c.uploads || c.moved_in || c.flag_changes[Side::local] || c.flag_changes[Side::remote] ||
           c.expunges[Side::local] || c.expunges[Side::remote] || c.matched || c.skipped;
}

std::string folders_text(std::size_t n) { return std::to_string(n) + (n == 1 ? " folder" : " folders"); }

}  // namespace

const Arrows& locale_arrows() {
    static const Arrows& arrows = util::locale_uses_utf8() ? k_unicode_arrows : k_ascii_arrows;
    return arrows;
}

ChangeCounts& ChangeCounts::operator+=(const ChangeCounts& o) {
    downloads += o.downloads;
    uploads += o.uploads;
    bytes_downloaded += o.bytes_downloaded;
    bytes_uploaded += o.bytes_uploaded;
    for (const Side s : {Side::local, Side::remote}) {
        flag_changes[s] += o.flag_changes[s];
        expunges[s] += o.expunges[s];
    }
    moved_in += o.moved_in;
    matched += o.matched;
    skipped += o.skipped;
    return *this;
}

ChangeCounts folder_changes(const FolderResult& r) {
    ChangeCounts c;
    // What a failed folder did before the failure is recorded: only the copies that were made count.
    if (r.outcome == FolderOutcome::failed) {
        c.downloads = r.stats.downloaded;
        c.uploads = r.stats.uploaded;
        c.bytes_downloaded = r.stats.bytes_downloaded;
        c.bytes_uploaded = r.stats.bytes_uploaded;
        return c;
    }
    const auto& counters = r.plan.counters;
    c.downloads = counters.downloads;
    c.uploads = counters.uploads;
    c.flag_changes = counters.flag_changes;
    c.expunges = counters.expunges;
    c.moved_in = r.moved_in;
    c.matched = counters.pairs;
    c.skipped = counters.skips;
    if (r.outcome == FolderOutcome::planned) {
        for (const auto& a : r.plan.actions) {
            if (const auto* d = std::get_if<sync::Download>(&a)) c.bytes_downloaded += d->size;
            if (const auto* u = std::get_if<sync::Upload>(&a)) c.bytes_uploaded += u->size;
        }
    } else {
        c.bytes_downloaded = r.stats.bytes_downloaded;
        c.bytes_uploaded = r.stats.bytes_uploaded;
    }
    return c;
}

// What the folder plan did to the folder itself, as the start of its line ("" for nothing).
std::string folder_change_text(const FolderResult& r) {
    const bool planned = r.outcome == FolderOutcome::planned;
    const std::string where = r.change_side.empty() ? std::string() : " on the " + r.change_side;
    switch (r.change) {
        case FolderChange::none:
            return {};
        case FolderChange::renamed:
            return std::string(planned ? "would be renamed" : "renamed") + " from \"" + r.renamed_from + "\"" + where;
        case FolderChange::recreated:
            return std::string(planned ? "would be recreated" : "recreated") + " (it was deleted" + where + ")";
        case FolderChange::deleted:
            return std::string(planned ? "would be deleted" : "deleted") + where;
    }
    return {};
}

std::string folder_summary(const FolderResult& r, const Arrows& arrows) {
    std::string out = r.folder + ": ";
    if (const auto change = folder_change_text(r); !change.empty()) {
        out += change;
        if (r.change == FolderChange::deleted || (r.outcome == FolderOutcome::planned && r.plan.actions.empty()))
            return out;
        out += "; ";
    }
    if (r.outcome == FolderOutcome::failed) {
        out += "FAILED: " + (r.error ? r.error->describe() : std::string("unknown error"));
        if (const auto made = folder_changes(r); made.downloads || made.uploads)
            out += " [copied: " + copies_text(made, arrows, Bytes::left_out) + "]";
        return out;
    }
    if (r.outcome == FolderOutcome::unchanged) return out + "unchanged";
    std::string parts = change_parts(folder_changes(r), arrows, Bytes::left_out);
    if (r.outcome == FolderOutcome::planned && !parts.empty()) parts += " (planned)";
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

bool changed_anything(const FolderResult& r) { return r.change != FolderChange::none || any(folder_changes(r)); }

bool worth_reporting(const FolderResult& r) { return r.failed() || changed_anything(r) || !r.plan.warnings.empty(); }

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
    out +=
        ",\"flag_changes\":" + std::to_string(c.flag_changes[util::Side::remote] + c.flag_changes[util::Side::local]);
    out += ",\"expunged_remote\":" + std::to_string(c.expunges[util::Side::remote]);
    out += ",\"expunged_local\":" + std::to_string(c.expunges[util::Side::local]);
    out += ",\"refused\":" + std::to_string(c.refused);
    out += ",\"bytes_downloaded\":" + std::to_string(r.stats.bytes_downloaded);
    if (r.change != FolderChange::none) {
        constexpr std::string_view k_names[] = {"none", "renamed", "recreated", "deleted"};
        out += ",\"folder_change\":\"" + std::string(k_names[static_cast<int>(r.change)]) + "\"";
        if (!r.renamed_from.empty()) out += ",\"renamed_from\":" + util::json_quote(r.renamed_from);
        if (!r.change_side.empty()) out += ",\"changed_on\":" + util::json_quote(r.change_side);
    }
    if (r.error) out += ",\"error\":" + util::json_quote(r.error->describe());
    return out + "}";
}

std::string plan_json(const std::string& account, const std::string& folder, const std::string& action_json) {
    return "{\"event\":\"plan\",\"account\":" + util::json_quote(account) + ",\"folder\":" + util::json_quote(folder) +
           ",\"plan\":" + action_json + "}";
}

void RunTotals::add(const FolderResult& r) {
    ++folders;
    changes += folder_changes(r);
    const bool visited = r.outcome == FolderOutcome::synced || r.outcome == FolderOutcome::planned;
    // A folder whose only change is messages moved in has an empty plan: the moves ran before it.
    if (visited && (!r.plan.changes_nothing() || r.moved_in > 0 || r.change != FolderChange::none)) ++folders_changed;
    if (r.failed()) ++folders_failed;
    if (worth_reporting(r)) ++folders_reported;
    if (r.change == FolderChange::renamed) ++folders_renamed;
    if (r.change == FolderChange::deleted) ++folders_deleted;
}

bool RunTotals::worth_a_line(bool dry_run, bool verbose) const {
    return folders > 0 && (dry_run || verbose || folders_reported > 0);
}

std::string totals_line(const RunTotals& t, bool dry_run, double seconds, const Arrows& arrows) {
    std::string out;
    if (dry_run)
        out = t.folders_changed ? "would change " + folders_text(t.folders_changed) : "would change nothing";
    else
        out = "total: " + (t.folders_changed ? folders_text(t.folders_changed) + " changed" : "nothing changed") +
              " in " + format_duration(seconds);
    if (const auto parts = change_parts(t.changes, arrows, Bytes::shown); !parts.empty()) out += ": " + parts;
    if (t.folders_renamed) out += "; " + folders_text(t.folders_renamed) + (dry_run ? " to rename" : " renamed");
    if (t.folders_deleted) out += "; " + folders_text(t.folders_deleted) + (dry_run ? " to delete" : " deleted");
    if (t.folders_failed) out += "; " + folders_text(t.folders_failed) + " failed";
    return out;
}

std::string totals_json(const RunTotals& t, bool dry_run, double seconds) {
    const auto& c = t.changes;
    char elapsed[32];
    std::snprintf(elapsed, sizeof elapsed, "%.3f", seconds);
    std::string out = "{\"event\":\"totals\",\"dry_run\":" + std::string(dry_run ? "true" : "false");
    const auto add = [&out](std::string_view name, std::uint64_t n) {
        out += ",\"" + std::string(name) + "\":" + std::to_string(n);
    };
    add("folders_changed", t.folders_changed);
    add("folders_failed", t.folders_failed);
    // Only when the folder plan did something to folders as such, as the text line says it.
    if (t.folders_renamed) add("folders_renamed", t.folders_renamed);
    if (t.folders_deleted) add("folders_deleted", t.folders_deleted);
    add("downloads", c.downloads);
    add("bytes_downloaded", c.bytes_downloaded);
    add("uploads", c.uploads);
    add("bytes_uploaded", c.bytes_uploaded);
    add("flag_changes_local", c.flag_changes[Side::local]);
    add("flag_changes_remote", c.flag_changes[Side::remote]);
    add("expunged_local", c.expunges[Side::local]);
    add("expunged_remote", c.expunges[Side::remote]);
    add("moved_in", c.moved_in);
    add("matched", c.matched);
    add("skipped", c.skipped);
    return out + ",\"seconds\":" + elapsed + "}";
}

}  // namespace mailtwin::engine
