// `mailtwin folders ACCOUNT`: remote folders, their local paths, and whether the globs include them.
#include <iostream>

#include "command_options.hpp"
#include "commands.hpp"
#include "mailtwin/folders/folder_map.hpp"
#include "mailtwin/report/status_format.hpp"
#include "mailtwin/util/log.hpp"

namespace mailtwin::app {

int run_folders(const GlobalOptions& g, const std::vector<std::string>& args) {
    std::vector<std::string> names;
    parse_command("folders", args, no_options("folders"), names);
    if (names.size() != 1) throw UsageError("folders takes exactly one ACCOUNT");
    auto cfg = load_config(g);
    const auto* account = chosen_accounts(cfg, names).front();
    auto map = engine::gather_folders(*account);
    if (!map) {
        util::log_error(account->name + ": " + map.error().describe());
        return exit_code_for(AccountFailure::connection);  // the server could not be asked (remote_list.hpp)
    }
    std::cout << engine::render_folder_map(*map);
    return k_exit_ok;
}

}  // namespace mailtwin::app
