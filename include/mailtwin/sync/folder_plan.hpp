#pragma once
// The folder plan: which folders of an account take part in a sync, and what becomes of a folder
// that is new, renamed or deleted on either side. Pure, like the message planner (links model and
// util only): the callers list both sides and the state, gather the evidence the rules need, and
// apply the actions. sync (run/folder_jobs.cpp), status, folders and watch all decide with it.
//
// Names are the server's throughout: a Maildir directory is named by the server folder it maps to
// (folders/folder_naming.hpp maps both ways before and after the plan).
//
// The rules, each written once over util::Side (S: a side, O: the other):
//  1. Renames. A folder the state knows (K) that S no longer lists, and a folder S lists that the
//     state does not know (N), are one folder renamed on S when their ids are equal and not empty
//     (the server's MAILBOXID, RFC 8474), or when FolderEvidence::same_content[S] names the pair. A
//     K with more than one such N, or an N claimed by more than one K, is no rename (ambiguous).
//     A rename on S is mirrored on O (a `rename` action on O, from K to N) and the state re-keyed,
//     so that nothing is copied: the job for N has `known` set. Renamed on both sides to the same
//     name: only the state is re-keyed. Renamed on both sides to different names: the server's
//     name wins (the local directory is renamed once more, from its new name to the server's);
//     when the run may not change the local side (push), the local name wins instead, so pull and
//     push mirror each other and only direction = both has a favourite side.
//     A rename onto a name O already has (N listed on O, not K's rename there) is a conflict: K and
//     N (and K's new name on O, if renamed there too) are skipped, with
//     FolderSkip::rename_conflict (a failure: exit 1), and nothing of them is touched until the
//     user renames one. The conflict is checked first, before the direction. A rename that O may
//     not change (direction) is not mirrored: K counts as deleted on S (rule 2) and N as new
//     (rule 3). Renamed on S and gone from O (no rename there): a deletion on O (rule 2) whose
//     surviving copy is N on S.
//     On a side whose children follow their parent (children_follow_parent[S]: IMAP RENAME always
//     renames inferiors; a nested Maildir layout moves subdirectories with their parent, the
//     dotted one does not), a known child of a renamed folder gone from S, with a new folder on S
//     of the same suffix under the new name (parent + delimiter + rest), was renamed with it,
//     evidence or not. A rename action on a side whose old and new names are both children of
//     another rename's on that side, by the same suffix, is `carried`: done by the parent's rename
//     when children_follow_parent[that side] (the caller does not do it again); otherwise it is done
//     on its own. Not handled yet: a folder the parent's rename carries along on a side where the
//     plan does not rename it (a child the other side's dotted layout left under the old name, or
//     a new child of the old name); the plan still names it by its old name there.
//  2. Deletions. A known folder (not renamed) that S no longer lists while O does:
//     - folder_deletes = recreate: created again on S (`create` on S) and the state forgotten
//       (`forget`), so that the job copies everything O holds. If S may not change, skipped
//       (FolderSkip::direction) and the state kept.
//     - folder_deletes = propagate: removed on O (`remove` on O, `forget`, no job) when O may
//       change and its copy has nothing unsynced (K not in FolderEvidence::unsynced[O]);
//       otherwise recreated as above, with the reason `changed_since_last_sync` when it was
//       unsynced and `deleted` when O may not change; skipped (direction) when S may not change.
//     The rail: when the removals' known messages are more than max_delete_percent of every known
//     folder's messages (strictly; exceeds_delete_limit() in policy.hpp), and not force, no folder
//     is removed nor recreated for its deletion: each such folder is skipped with
//     FolderSkip::deletion_refused (a failure: exit 1), its state kept. Recreations alone never
//     trip it. Folders skipped for a deletion are named by the state's name K.
//     A known folder neither side lists any more is forgotten (`forget`, nothing else).
//  3. New folders. A folder one side lists and the state does not know is created on the other
//     (`create`) and becomes a job; when the other may not change, it is skipped
//     (FolderSkip::direction). Listed on both sides: a job.
//  4. Selection. Only names `selected` takes are planned (the config's globs and skip_special_use
//     or --folder: folders/folder_filter.hpp); a rename counts when its old name is selected, and
//     then carries the folder to its new name whatever the globs say of it. A server folder listed
//     not selectable (\Noselect) is a hierarchy node: never a job, never created locally, never a
//     rename's new name, skipped with FolderSkip::not_selectable (also when the state knows it:
//     its state is kept). The rule is written over both sides, like every other; only the server
//     lists such folders.
// Direction is Policy::may_change's (policy.hpp). The plan depends on the input only, not on the
// order of its lists.
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "mailtwin/sync/policy.hpp"
#include "mailtwin/util/side.hpp"

namespace mailtwin::sync {

enum class FolderDeletes : std::uint8_t { recreate, propagate };

// A folder as one side lists it now.
struct ListedFolder {
    std::string name;
    bool selectable = true;  // the server: not \Noselect or \NonExistent; a Maildir directory: always
    std::string id;          // the server's MAILBOXID; empty when it has none (and always for Maildir)
};

// A folder the state knows from the last sync.
struct KnownFolder {
    std::string name;
    std::string id;              // the MAILBOXID recorded at the last sync; empty: none
    std::uint64_t messages = 0;  // the pairs the last sync left (the rail weighs them)
};

// What the caller found out by looking, for what the listings alone cannot decide. Gathered only
// when a known folder is missing on a side (cheap otherwise: nothing to gather).
struct FolderEvidence {
    // Known folders gone from a side, each with a new folder on that side holding its messages:
    // (old, new). The server: same UIDVALIDITY, and sampled messages match the state's identities.
    // The Maildir: sampled file keys of the new directory are the old folder's rows.
    util::PerSide<std::vector<std::pair<std::string, std::string>>> same_content;
    // Known folders whose copy on that side changed since the last sync, or cannot be shown not to
    // have changed (a propagated deletion would lose that change).
    util::PerSide<std::set<std::string>> unsynced;
};

struct FolderPlanInput {
    util::PerSide<std::vector<ListedFolder>> listed;
    std::vector<KnownFolder> known;
    FolderEvidence evidence;
    std::function<bool(const std::string&)> selected;  // null: every folder
    char delimiter = '/';                              // the server's hierarchy delimiter
    util::PerSide<bool> children_follow_parent{{true, true}};
    Direction direction = Direction::both;
    FolderDeletes deletes = FolderDeletes::recreate;
    int max_delete_percent = 50;
    bool force = false;
};

enum class FolderActionKind : std::uint8_t { create, rename, remove };

struct FolderAction {
    FolderActionKind kind = FolderActionKind::create;
    util::Side side = util::Side::remote;  // where it is done
    std::string name;                      // the folder; for a rename, its old name on that side
    std::string new_name;                  // rename only
    bool carried = false;                  // rename only: its parent's rename on that side does it
    friend bool operator==(const FolderAction&, const FolderAction&) = default;
};

// Why a folder is not synced this run. The failures (exit 1) are rename_conflict and
// deletion_refused; the others are the user's settings at work.
enum class FolderSkip : std::uint8_t { not_selectable, direction, rename_conflict, deletion_refused };

struct SkippedFolder {
    std::string name;
    FolderSkip why = FolderSkip::direction;
    std::string detail;  // for the user: what happened and what to do
    friend bool operator==(const SkippedFolder&, const SkippedFolder&) = default;
};

// Why a folder is created again (rule 2): for the user's message.
enum class Recreated : std::uint8_t { no, deleted, changed_since_last_sync };

// A folder to sync once the actions are done. `known`: the state has its rows (under this name,
// after the re-keys); otherwise it is new, or its state was forgotten, and messages are matched
// afresh.
struct FolderJobPlan {
    std::string name;
    bool known = false;
    util::PerSide<bool> created{{false, false}};  // a `create` action on that side precedes it
    Recreated recreated = Recreated::no;
    util::Side recreated_on = util::Side::remote;  // the side it was deleted on, when recreated
    friend bool operator==(const FolderJobPlan&, const FolderJobPlan&) = default;
};

struct FolderPlan {
    // Per side (remote, then local): renames, then creates, then removals, each by name, so
    // parents first (a rename may bring a created folder's parent along, and moves a child out
    // before its old parent is removed).
    std::vector<FolderAction> actions;
    std::vector<std::pair<std::string, std::string>> rekey;  // state: (old, new), by old name: parents first
    std::vector<std::string> forget;                         // state: folders forgotten, by name
    std::vector<FolderJobPlan> jobs;                         // by name
    std::vector<SkippedFolder> skipped;                      // by name
    // The renames seen, for the summary: (old, new), whichever side made them, by old name.
    std::vector<std::pair<std::string, std::string>> renamed;
    // Folders removed by a propagated deletion (the name removed), for the summary, by name.
    std::vector<std::string> deleted;
};

[[nodiscard]] FolderPlan plan_folders(const FolderPlanInput& input);

// What the evidence is wanted for (rules 1 and 2): each selected known folder that a side does not
// list, with the new folders of that side it could have been renamed to (listed there, not known,
// selectable; none when the known folder's id and a listed id already decide the rename, and only
// folders without an id when the known folder has one). The caller checks each candidate for
// same_content on `side` and, with folder_deletes = propagate, whether the other side's copy of
// `known` is unsynced; it looks at nothing else. One entry per (side, known folder), also when the
// id decides or nothing is a candidate (the unsynced check may still be wanted); by side (remote
// first), then known name.
struct EvidenceWanted {
    util::Side side = util::Side::remote;
    std::string known;                    // the folder gone from `side`
    std::vector<std::string> candidates;  // new folders on `side` that may be it, renamed
};
[[nodiscard]] std::vector<EvidenceWanted> evidence_wanted(const FolderPlanInput& input);

}  // namespace mailtwin::sync
