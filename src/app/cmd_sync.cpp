// `mailtwin sync`: one pass over the chosen accounts; one line (or JSON object) per folder and a closing
// total for the whole run, and on a terminal a live progress line per running folder above which those
// lines are printed.
#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>

#include "command_options.hpp"
#include "commands.hpp"
#include "mailtwin/report/report.hpp"
#include "mailtwin/results/engine_error.hpp"
#include "mailtwin/results/exit_code.hpp"
#include "mailtwin/run/account_sync.hpp"
#include "mailtwin/sync/plan_format.hpp"
#include "mailtwin/util/log.hpp"
#include "progress_display.hpp"

namespace mailtwin::app {

int run_sync(const GlobalOptions& g, const std::vector<std::string>& args) {
    SyncArgs parsed;
    parse_command("sync", args, sync_options(parsed, g.ext_exit), parsed.accounts);
    auto& request = parsed.request;
    const auto& accounts = parsed.accounts;
    const bool ext_exit = parsed.ext_exit;
    auto cfg = load_config(g);
    const bool json = g.log_format == "json";
    const auto display = ProgressDisplay::for_options(g);
    request.progress = display.get();
    // Everything printed while folders run goes above the progress block, or it would be drawn over.
    const auto above = [&display](const std::function<void()>& write) {
        if (display)
            display->print_above(write);
        else
            write();
    };

    const auto started = std::chrono::steady_clock::now();
    engine::RunTotals totals;
    engine::Reporter reporter;
    // A dry run's actions: every one as JSON; as text only with -v (a first run plans one per message).
    const auto print_plan = [&](const std::string& account, const engine::FolderResult& r) {
        if (json) {
            for (const auto& line : sync::format_plan(r.plan, sync::PlanFormat::json))
                std::cout << engine::plan_json(account, r.folder, line) << "\n";
        } else if (g.verbose) {
            for (const auto& line : sync::format_plan(r.plan, sync::PlanFormat::display))
                std::cout << account << "/" << r.folder << ": " << line << "\n";
        }
    };
    const auto print_folder = [&](const std::string& account, const engine::FolderResult& r) {
        if (request.dry_run) print_plan(account, r);
        if (json) {
            std::cout << engine::folder_json(account, r) << "\n";
        } else if (r.failed()) {
            util::log_error(account + "/" + engine::folder_summary(r));
        } else if (!g.quiet && (engine::worth_reporting(r) || g.verbose)) {
            std::cout << account << "/" << engine::folder_summary(r) << "\n";
        }
        std::cout.flush();
    };
    reporter.folder_done = [&](const std::string& account, const engine::FolderResult& r) {
        totals.add(r);
        above([&] { print_folder(account, r); });
    };
    reporter.notice = [&](const std::string& account, const std::string& text) {
        above([&] { util::log_info(account + ": " + text); });
    };
    reporter.detail = [&](const std::string& account, const std::string& text) {
        above([&] { util::log_debug(account + ": " + text); });
    };

    ExitStatus exit_status;
    const auto chosen = chosen_accounts(cfg, accounts);
    // With several accounts, --folder NAME may name a folder of only some of them: an account
    // without it is skipped with a note, and it is an error only when no account has it.
    std::vector<std::string> not_found;
    for (const auto* account : chosen) {
        auto result = engine::sync_account(cfg, *account, request, reporter);
        if (result.fatal && chosen.size() > 1 && result.fatal->code == engine::EngineError::folder_not_found) {
            not_found.push_back(account->name + ": " + result.fatal->message);
            continue;
        }
        for (const auto& e : result.errors) {
            above([&] { util::log_error(account->name + ": " + e.describe()); });
            exit_status.note(AccountFailure::other);
        }
        if (result.fatal) {
            // Under -q a lock clash is silent (exit 4 still tells): the run before is still at work, so
            // nothing is wrong, and cron mails whatever a job prints.
            const bool quiet_clash = g.quiet && result.failure == AccountFailure::locked;
            if (!quiet_clash) above([&] { util::log_error(account->name + ": " + result.fatal->describe()); });
            exit_status.note_stopped(result.failure);
            continue;
        }
        exit_status.note_changes(result.folders);
    }
    const bool none_has_it = !not_found.empty() && not_found.size() == chosen.size();
    for (const auto& line : not_found)
        above([&] { none_has_it ? util::log_error(line) : util::log_info(line + "; account skipped"); });
    if (none_has_it) exit_status.note(AccountFailure::config);
    if (display) display->close();
    if (totals.folders_failed > 0) exit_status.note(AccountFailure::other);
    const int exit_code = exit_status.code(ext_exit);
    // One total for the run, over all its accounts (each folder line names its account).
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (json) {
        std::cout << engine::totals_json(totals, request.dry_run, seconds) << "\n";
        std::cout << "{\"event\":\"summary\",\"folders\":" << totals.folders
                  << ",\"changed\":" << totals.folders_changed << ",\"failed\":" << totals.folders_failed
                  << ",\"exit\":" << exit_code << "}\n";
    } else if (!g.quiet && totals.worth_a_line(request.dry_run, g.verbose)) {
        std::cout << engine::totals_line(totals, request.dry_run, seconds) << "\n";
    }
    return exit_code;
}

}  // namespace mailtwin::app
