#pragma once
// How a sync run talks to people and scripts: one line per folder that changed and a closing total
// (text), or one JSON object per event (--log-format json). A dry run summarises each folder's plan
// the same way; its actions, one per line, are printed with -v (text) and always as JSON.
#include <cstdint>
#include <string>
#include <string_view>

#include "mailtwin/results/account_result.hpp"

namespace mailtwin::engine {

// How a line says where a change went: down to the Maildir, up to the server.
struct Arrows {
    std::string_view down;
    std::string_view up;
};
inline constexpr Arrows k_unicode_arrows{"\u2193", "\u2191"};
// Under a locale that is not UTF-8 the arrows would print as mojibake: words instead.
inline constexpr Arrows k_ascii_arrows{"down", "up"};
// The arrows this process prints: asked of the locale once (util::locale_uses_utf8).
const Arrows& locale_arrows();

// What a folder, or a whole run, changed: copies with their bytes, flags and deletions each way.
struct ChangeCounts {
    std::size_t downloads = 0;
    std::size_t uploads = 0;
    std::uint64_t bytes_downloaded = 0;
    std::uint64_t bytes_uploaded = 0;
    util::PerSide<std::size_t> flag_changes{};
    util::PerSide<std::size_t> expunges{};
    std::size_t moved_in = 0;  // arrived by a move from another folder
    std::size_t matched = 0;   // paired with their copy on the other side, nothing copied
    std::size_t skipped = 0;
    ChangeCounts& operator+=(const ChangeCounts& other);
};
// What a synced folder did, what a planned one would do (its bytes are the plan's sizes: call it while
// the plan is whole, from Reporter::folder_done), and of a failed one the copies made before it failed.
ChangeCounts folder_changes(const FolderResult& r);

// "INBOX: +3 ↓ flags 1 ↑ expunged 2 ↓" / "INBOX: unchanged" / "INBOX: FAILED: ...".
std::string folder_summary(const FolderResult& r, const Arrows& arrows = locale_arrows());
// Whether a sync changed anything in the folder (copies, flags, deletions, moves, pairings, skips).
bool changed_anything(const FolderResult& r);
// Whether a plain run prints the folder's line: it changed something, failed, was refused or warned.
// A run that changes nothing prints nothing (cron mails any output).
bool worth_reporting(const FolderResult& r);
// {"event":"folder","account":...,"folder":...,"outcome":...,"downloaded":N,...}
std::string folder_json(const std::string& account, const FolderResult& r);
// One action of a dry run: {"event":"plan","account":...,"folder":...,"plan":{"action":...}}.
std::string plan_json(const std::string& account, const std::string& folder, const std::string& action_json);

// A whole run, over every account, summed folder by folder as each is reported.
struct RunTotals {
    ChangeCounts changes;
    std::size_t folders = 0;
    std::size_t folders_changed = 0;   // synced (in a dry run: planned) with some change
    std::size_t folders_failed = 0;    // failed, or the safety rail held deletions back
    std::size_t folders_reported = 0;  // worth_reporting: a plain run printed their lines
    std::size_t folders_renamed = 0;   // renamed to follow the other side (or re-keyed: renamed on both)
    std::size_t folders_deleted = 0;   // deleted to follow the other side (folder_deletes = "propagate")
    // From Reporter::folder_done, while the folder's plan is whole.
    void add(const FolderResult& r);
    // Whether a text run ends with totals_line: after the folder lines it closes (a run that changed
    // nothing prints nothing), always with -v or for a dry run that planned a folder.
    [[nodiscard]] bool worth_a_line(bool dry_run, bool verbose) const;
};

// The closing line of a run. A sync: "total: 2 folders changed in 0:04: +12 ↓ (1.4 MiB) 2 ↑ (35.0 KiB)
// flags 4 ↓ 1 ↑ expunged 2 ↓; 1 folder failed". A dry run: "would change 2 folders: +12 ↓ (1.4 MiB) ..."
// or "would change nothing" (no time: it would not be what the changes take).
std::string totals_line(const RunTotals& totals, bool dry_run, double seconds, const Arrows& arrows = locale_arrows());
// {"event":"totals","dry_run":false,"folders_changed":2,"folders_failed":1,"downloads":12,...,"seconds":4.213}
std::string totals_json(const RunTotals& totals, bool dry_run, double seconds);

}  // namespace mailtwin::engine
