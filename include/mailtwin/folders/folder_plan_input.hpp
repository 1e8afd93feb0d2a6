#pragma once
// The folder plan's input (sync/folder_plan.hpp) from what a caller has read: the server's listing,
// the Maildir's folders and the folders the state knows, with the account's settings. One
// translation for every caller: sync (run/folder_jobs.cpp) and status (report/status.cpp).
#include <functional>
#include <string>
#include <vector>

#include "mailtwin/config/config.hpp"
#include "mailtwin/maildir/layout.hpp"
#include "mailtwin/net/session.hpp"
#include "mailtwin/sync/folder_plan.hpp"

namespace mailtwin::engine {

struct FolderPlanSources {
    const std::vector<net::FolderInfo>& remote;  // the server's listing (empty: not asked)
    const std::vector<std::string>& local;       // Maildir folders, by their server names
    std::vector<sync::KnownFolder> known;        // the state's folders
    char delimiter = '/';
    std::function<bool(const std::string&)> selected;
};

sync::FolderPlanInput folder_plan_input(const config::Account& account, const maildir::Layout& layout,
                                        FolderPlanSources sources, bool force);

}  // namespace mailtwin::engine
