#pragma once
// What this client's own commands did to each folder during a sync run, so that the engine can tell
// its own changes from another client's afterwards (run/own_changes.hpp). Counted by the Session
// methods that change the server; shared by every Session of a run.
#include <cstdint>
#include <map>
#include <string>

namespace mailtwin::net {

struct FolderWrites {
    std::uint64_t added = 0;    // messages APPENDed, copied or moved in
    std::uint64_t removed = 0;  // messages expunged or moved out
    // A write command failed or was cut off: how much of it the server did is unknown.
    bool uncertain = false;
};

// By folder name (UTF-8). A folder is listed once any command wrote to it, flag STOREs included.
using WriteLog = std::map<std::string, FolderWrites>;

}  // namespace mailtwin::net
