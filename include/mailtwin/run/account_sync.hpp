#pragma once
// One account, once: lock, connect, map folders both ways, skip unchanged folders (LIST-STATUS
// HIGHESTMODSEQ + directory stamps), sync the rest over up to max_connections connections.
#include "mailtwin/config/config.hpp"
#include "mailtwin/results/account_result.hpp"

namespace mailtwin::engine {

AccountResult sync_account(const config::Config& config, const config::Account& account, const SyncRequest& request,
                           const Reporter& reporter);

}  // namespace mailtwin::engine
