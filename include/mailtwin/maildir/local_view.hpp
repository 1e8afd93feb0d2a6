#pragma once
// A Maildir folder read as the planner's LocalView (model/snapshot.hpp): the local side's view of one
// folder, read-only. MaildirStore (store/maildir_store.hpp) builds its view on it; `status` compares
// it with the state.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "mailtwin/maildir/keyword_map.hpp"
#include "mailtwin/maildir/scan.hpp"
#include "mailtwin/maildir/stamp.hpp"
#include "mailtwin/model/snapshot.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::maildir {

// A Maildir folder scanned into the planner's LocalView, with what the store keeps beside it.
struct LocalScan {
    model::LocalView view;
    std::map<std::string, std::string> file_names;  // key -> file name as scanned
    FolderStamp stamp;
    ScanStats stats;
    // Local messages that cannot be carried to the server, each with its path and why: a new message
    // whose file is not a readable regular file, a second file with a key another file holds. They
    // are left out of the view (a known one stays in it, so it never looks deleted).
    std::vector<std::string> not_carried;
};

// Scans `folder_dir` (`remembered_stamp` empty or `full`: list it whatever its stamp). A missing
// folder directory is an empty view with root_present as given (the account root's presence
// decides the safety rail). `rows`: the last sync's rows (keywords the Maildir cannot hold stay).
util::Expected<LocalScan> scan_local(const std::filesystem::path& folder_dir, const model::FolderState& rows,
                                     const KeywordMap& keywords, const std::string& remembered_stamp, bool full,
                                     bool root_present);

}  // namespace mailtwin::maildir
