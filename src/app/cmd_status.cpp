// `mailtwin status`: a read-only report per account and folder (report/status.hpp).
#include <ctime>
#include <iostream>

#include "command_options.hpp"
#include "commands.hpp"
#include "mailtwin/report/status.hpp"
#include "mailtwin/report/status_format.hpp"

namespace mailtwin::app {

int run_status(const GlobalOptions& g, const std::vector<std::string>& args) {
    StatusArgs parsed;
    parse_command("status", args, status_options(parsed), parsed.accounts);
    const auto& names = parsed.accounts;
    const auto& options = parsed.options;
    const bool json = parsed.json || g.log_format == "json";
    auto cfg = load_config(g);

    std::vector<engine::AccountStatus> report;
    ExitStatus exit_status;
    for (const auto* account : chosen_accounts(cfg, names)) {
        report.push_back(engine::gather_status(cfg, *account, options));
        const auto& a = report.back();
        if (a.state_error) exit_status.note(AccountFailure::other);
        if (a.remote_error) exit_status.note(AccountFailure::connection);
    }
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    std::cout << (json ? engine::render_status_json(report, now) : engine::render_status_table(report, now));
    return exit_status.code(false);
}

}  // namespace mailtwin::app
