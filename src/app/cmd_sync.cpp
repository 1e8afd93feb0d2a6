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
namespace {

// Where `mailtwin sync` prints, and how: text or JSON, -q, -v, above a live progress block or not.
struct SyncOutput {
    const GlobalOptions& g;
    const engine::SyncRequest& request;
    ProgressDisplay* display;  // null when no progress is drawn
    bool json = false;

    // Everything printed while folders run goes above the progress block, or it would be drawn over.
    void above(const std::function<void()>& write) const {
        if (display)
            display->print_above(write);
        else
            write();
    }

    // A dry run's actions: every one as JSON; as text only with -v (a first run plans one per message).
    void print_plan(const std::string& account, const engine::FolderResult& r) const {
        if (json) {
            for (const auto& line : sync::format_plan(r.plan, sync::PlanFormat::json))
                std::cout << engine::plan_json(account, r.folder, line) << "\n";
        } else if (g.verbose) {
            for (const auto& line : sync::format_plan(r.plan, sync::PlanFormat::display))
                std::cout << account << "/" << r.folder << ": " << line << "\n";
        }
    }

    void print_folder(const std::string& account, const engine::FolderResult& r) const {
        if (request.dry_run) print_plan(account, r);
        if (json) {
            std::cout << engine::folder_json(account, r) << "\n";
        } else if (r.failed()) {
            util::log_error(account + "/" + engine::folder_summary(r));
        } else if (!g.quiet && (engine::worth_reporting(r) || g.verbose)) {
            std::cout << account << "/" << engine::folder_summary(r) << "\n";
        }
        std::cout.flush();
    }

    // One total for the run, over all its accounts (each folder line names its account).
    void print_totals(const engine::RunTotals& totals, double seconds, int exit_code) const {
        if (json) {
            std::cout << engine::totals_json(totals, request.dry_run, seconds) << "\n";
            std::cout << "{\"event\":\"summary\",\"folders\":" << totals.folders
                      << ",\"changed\":" << totals.folders_changed << ",\"failed\":" << totals.folders_failed
                      << ",\"exit\":" << exit_code << "}\n";
        } else if (!g.quiet && totals.worth_a_line(request.dry_run, g.verbose)) {
            std::cout << engine::totals_line(totals, request.dry_run, seconds) << "\n";
        }
    }
};

// Prints each folder as it finishes (counting it in `totals`), and the accounts' notices and -v details.
engine::Reporter reporter_for(const SyncOutput& out, engine::RunTotals& totals) {
    engine::Reporter reporter;
    reporter.folder_done = [&out, &totals](const std::string& account, const engine::FolderResult& r) {
        totals.add(r);
        out.above([&] { out.print_folder(account, r); });
    };
    reporter.notice = [&out](const std::string& account, const std::string& text) {
        out.above([&] { util::log_info(account + ": " + text); });
    };
    reporter.detail = [&out](const std::string& account, const std::string& text) {
        out.above([&] { util::log_debug(account + ": " + text); });
    };
    return reporter;
}

// Syncs the chosen accounts one after the other, printing what failed; notes in `exit_status` how each ended.
void sync_accounts(const config::Config& cfg, const std::vector<const config::Account*>& chosen, const SyncOutput& out,
                   const engine::Reporter& reporter, ExitStatus& exit_status) {
    // With several accounts, --folder NAME may name a folder of only some of them: an account
    // without it is skipped with a note, and it is an error only when no account has it.
    std::vector<std::string> not_found;
    for (const auto* account : chosen) {
        auto result = engine::sync_account(cfg, *account, out.request, reporter);
        if (result.fatal && chosen.size() > 1 && result.fatal->code == engine::EngineError::folder_not_found) {
            not_found.push_back(account->name + ": " + result.fatal->message);
            continue;
        }
        for (const auto& e : result.errors) {
            out.above([&] { util::log_error(account->name + ": " + e.describe()); });
            exit_status.note(AccountFailure::other);
        }
        if (result.fatal) {
            // Under -q a lock clash is silent (exit 4 still tells): the run before is still at work, so
            // nothing is wrong, and cron mails whatever a job prints.
            const bool quiet_clash = out.g.quiet && result.failure == AccountFailure::locked;
            if (!quiet_clash) out.above([&] { util::log_error(account->name + ": " + result.fatal->describe()); });
            exit_status.note_stopped(result.failure);
            continue;
        }
        exit_status.note_changes(result.folders);
    }
    const bool none_has_it = !not_found.empty() && not_found.size() == chosen.size();
    for (const auto& line : not_found)
        out.above([&] { none_has_it ? util::log_error(line) : util::log_info(line + "; account skipped"); });
    if (none_has_it) exit_status.note(AccountFailure::config);
}

}  // namespace

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
    const SyncOutput out{g, request, display.get(), json};

    const auto started = std::chrono::steady_clock::now();
    engine::RunTotals totals;
    const engine::Reporter reporter = reporter_for(out, totals);

    ExitStatus exit_status;
    const auto chosen = chosen_accounts(cfg, accounts);
    sync_accounts(cfg, chosen, out, reporter, exit_status);
    if (display) display->close();
    if (totals.folders_failed > 0) exit_status.note(AccountFailure::other);
    const int exit_code = exit_status.code(ext_exit);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    out.print_totals(totals, seconds, exit_code);
    return exit_code;
}

}  // namespace mailtwin::app
