// `mailtwin status`: a read-only report per account and folder (engine/status.hpp).
#include <ctime>
#include <iostream>

#include "commands.hpp"
#include "mailtwin/engine/status.hpp"
#include "mailtwin/engine/status_format.hpp"

namespace mailtwin::app {

int run_status(const GlobalOptions& g, const std::vector<std::string>& args) {
    po::options_description desc("status options");
    std::vector<std::string> names;
    bool json = false;
    engine::StatusOptions options;
    desc.add_options()("json", po::bool_switch(&json))("offline", po::bool_switch(&options.offline));
    parse_command(args, desc, names);
    json = json || g.log_format == "json";
    auto cfg = load_config(g);

    std::vector<engine::AccountStatus> report;
    int exit_code = k_exit_ok;
    for (const auto* account : chosen_accounts(cfg, names)) {
        report.push_back(engine::gather_status(cfg, *account, options));
        const auto& a = report.back();
        if (a.state_error) exit_code = std::max(exit_code, static_cast<int>(k_exit_some_folders_failed));
        if (a.remote_error) exit_code = std::max(exit_code, static_cast<int>(k_exit_connection));
    }
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    std::cout << (json ? engine::render_status_json(report, now) : engine::render_status_table(report, now));
    return exit_code;
}

}  // namespace mailtwin::app
