// mailtwin's entry point: the command line (Boost.Program_options), the one mapping from error classes
// to exit codes, and the only top-level catch.
#include <boost/program_options.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "mailtwin/config/loader.hpp"
#include "mailtwin/engine/account_sync.hpp"
#include "mailtwin/engine/report.hpp"
#include "mailtwin/sync/plan_format.hpp"
#include "mailtwin/config/render.hpp"
#include "mailtwin/util/log.hpp"

namespace po = boost::program_options;

namespace {

// The contract's exit codes (shared spec "Command line").
enum ExitCode : int {
    k_exit_ok = 0,
    k_exit_some_folders_failed = 1,
    k_exit_usage = 2,
    k_exit_connection = 3,
    k_exit_locked = 4,
};

// Usage errors: bad options or arguments. Mapped to exit 2 like config errors.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

constexpr const char* k_usage =
    "usage: mailtwin [--config FILE] [-v|-q] [--log-format text|json] [--progress auto|always|never]\n"
    "                COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  sync   [ACCOUNT...] [--folder NAME]... [--dry-run] [--full] [--force]\n"
    "                      one full bidirectional pass over every account (or those named), then exit\n"
    "  watch  [ACCOUNT...] stay connected; IDLE/NOTIFY; sync as changes arrive (daemon mode)\n"
    "  status [ACCOUNT...] per folder: UIDVALIDITY, HIGHESTMODSEQ, counts, last sync, pending changes\n"
    "  folders ACCOUNT     list remote folders and how each maps to a local Maildir path\n"
    "  check-config        parse and validate the config, print the resolved settings (passwords masked)\n"
    "\n"
    "exit codes: 0 success, 1 some folders failed, 2 usage or config error,\n"
    "            3 connection/TLS/authentication failure, 4 another mailtwin holds the account lock\n";

struct GlobalOptions {
    std::string config_path;
    bool verbose = false;
    bool quiet = false;
    std::string log_format = "text";
    std::string progress = "auto";
};

po::options_description global_options(GlobalOptions& g) {
    po::options_description desc("global options");
    desc.add_options()
        ("help,h", "show this help")
        ("version", "print the version")
        ("config,c", po::value(&g.config_path)->value_name("FILE"),
         "config file (default $XDG_CONFIG_HOME/mailtwin/config.toml)")
        ("verbose,v", po::bool_switch(&g.verbose), "show protocol-level steps (passwords masked)")
        ("quiet,q", po::bool_switch(&g.quiet), "errors only")
        ("log-format", po::value(&g.log_format)->value_name("text|json"), "log as text or JSON lines")
        ("progress", po::value(&g.progress)->value_name("auto|always|never"), "live progress on a terminal");
    return desc;
}

std::string resolved_config_path(const GlobalOptions& g) {
    return g.config_path.empty() ? mailtwin::config::default_config_path().string() : g.config_path;
}

int run_check_config(const GlobalOptions& g, const std::vector<std::string>& args) {
    if (!args.empty()) throw UsageError("check-config takes no arguments (got '" + args.front() + "')");
    auto cfg = mailtwin::config::load_file(resolved_config_path(g));
    std::cout << mailtwin::config::render_resolved(cfg);
    std::cerr << "mailtwin: " << cfg.source.string() << ": OK, " << cfg.accounts.size() << " account"
              << (cfg.accounts.size() == 1 ? "" : "s") << "\n";
    return k_exit_ok;
}

std::vector<const mailtwin::config::Account*> chosen_accounts(const mailtwin::config::Config& cfg,
                                                              const std::vector<std::string>& names) {
    std::vector<const mailtwin::config::Account*> out;
    if (names.empty()) {
        for (const auto& a : cfg.accounts) out.push_back(&a);
        return out;
    }
    for (const auto& n : names) {
        const auto* a = cfg.find_account(n);
        if (!a) throw UsageError("no account '" + n + "' in " + cfg.source.string());
        out.push_back(a);
    }
    return out;
}

int run_sync(const GlobalOptions& g, const std::vector<std::string>& args) {
    namespace engine = mailtwin::engine;
    po::options_description desc("sync options");
    std::vector<std::string> accounts;
    engine::SyncRequest request;
    desc.add_options()("account", po::value(&accounts))("folder", po::value(&request.folders))(
        "dry-run", po::bool_switch(&request.dry_run))("full", po::bool_switch(&request.full))(
        "force", po::bool_switch(&request.force));
    po::positional_options_description pos;
    pos.add("account", -1);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
    po::notify(vm);
    auto cfg = mailtwin::config::load_file(resolved_config_path(g));
    const bool json = g.log_format == "json";
    const bool quiet = g.quiet;

    engine::Reporter reporter;
    reporter.folder_done = [&](const std::string& account, const engine::FolderResult& r) {
        if (request.dry_run) {
            auto lines = mailtwin::sync::format_plan(r.plan, json ? mailtwin::sync::PlanFormat::json
                                                                   : mailtwin::sync::PlanFormat::text);
            for (const auto& line : lines) {
                if (json) std::cout << "{\"account\":" << mailtwin::util::json_quote(account)
                                    << ",\"folder\":" << mailtwin::util::json_quote(r.folder) << ",\"plan\":" << line << "}\n";
                else std::cout << account << "/" << r.folder << ": " << line << "\n";
            }
        }
        if (json) {
            std::cout << engine::folder_json(account, r) << "\n";
        } else if (r.failed()) {
            mailtwin::util::log_error(account + "/" + engine::folder_summary(r));
        } else if (!quiet && (r.outcome != engine::FolderOutcome::unchanged || g.verbose)) {
            std::cout << account << "/" << engine::folder_summary(r) << "\n";
        }
        std::cout.flush();
    };
    reporter.notice = [&](const std::string& account, const std::string& text) {
        mailtwin::util::log_info(account + ": " + text);
    };

    int exit_code = k_exit_ok;
    std::size_t folders = 0, failed = 0, changed = 0;
    for (const auto* account : chosen_accounts(cfg, accounts)) {
        auto result = engine::sync_account(cfg, *account, request, reporter);
        if (result.fatal) {
            mailtwin::util::log_error(account->name + ": " + result.fatal->describe());
            int code = result.failure == engine::AccountFailure::locked       ? k_exit_locked
                       : result.failure == engine::AccountFailure::connection ? k_exit_connection
                                                                              : k_exit_some_folders_failed;
            exit_code = std::max(exit_code, code);
            continue;
        }
        for (const auto& f : result.folders) {
            ++folders;
            if (f.failed()) ++failed;
            if (f.outcome == engine::FolderOutcome::synced && !f.plan.changes_nothing()) ++changed;
        }
    }
    if (failed > 0) exit_code = std::max(exit_code, static_cast<int>(k_exit_some_folders_failed));
    if (json)
        std::cout << "{\"event\":\"summary\",\"folders\":" << folders << ",\"changed\":" << changed
                  << ",\"failed\":" << failed << ",\"exit\":" << exit_code << "}\n";
    return exit_code;
}

// Commands of the contract whose engine is not in this build: parse their options so that scripts get
// usage errors right, then say plainly that the command cannot run yet.
int run_pending_command(const std::string& command, const GlobalOptions& g, const std::vector<std::string>& args) {
    po::options_description desc(command + " options");
    std::vector<std::string> accounts, folders;
    desc.add_options()("account", po::value(&accounts));
    if (command == "sync")
        desc.add_options()("folder", po::value(&folders))("dry-run", "")("full", "")("force", "");
    if (command == "status") desc.add_options()("json", "");
    po::positional_options_description pos;
    pos.add("account", -1);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
    po::notify(vm);
    if (command == "folders" && accounts.size() != 1) throw UsageError("folders takes exactly one ACCOUNT");
    auto cfg = mailtwin::config::load_file(resolved_config_path(g));
    for (const auto& a : accounts)
        if (!cfg.find_account(a)) throw UsageError("no account '" + a + "' in " + cfg.source.string());
    mailtwin::util::log_error("'" + command + "' needs the sync engine, which this build of mailtwin " +
                              MAILTWIN_VERSION + " does not include yet; see README.md, section Status");
    return k_exit_usage;
}

int run(int argc, char** argv) {
    GlobalOptions g;
    po::options_description desc = global_options(g);
    po::options_description hidden;
    std::string command;
    hidden.add_options()("command", po::value(&command))("args", po::value<std::vector<std::string>>());
    po::options_description all;
    all.add(desc).add(hidden);
    po::positional_options_description pos;
    pos.add("command", 1).add("args", -1);

    po::parsed_options parsed =
        po::command_line_parser(argc, argv).options(all).positional(pos).allow_unregistered().run();
    po::variables_map vm;
    po::store(parsed, vm);
    po::notify(vm);

    if (vm.count("help")) {
        std::cout << k_usage << "\n" << desc;
        return k_exit_ok;
    }
    if (vm.count("version")) {
        std::cout << "mailtwin " << MAILTWIN_VERSION << "\n";
        return k_exit_ok;
    }
    if (g.verbose && g.quiet) throw UsageError("-v and -q contradict each other; use one");
    if (g.log_format != "text" && g.log_format != "json")
        throw UsageError("--log-format must be text or json, not '" + g.log_format + "'");
    if (g.progress != "auto" && g.progress != "always" && g.progress != "never")
        throw UsageError("--progress must be auto, always or never, not '" + g.progress + "'");
    using mailtwin::util::LogLevel;
    mailtwin::util::set_log_level(g.verbose ? LogLevel::debug : g.quiet ? LogLevel::error : LogLevel::info);
    mailtwin::util::set_log_format(g.log_format == "json" ? mailtwin::util::LogFormat::json
                                                          : mailtwin::util::LogFormat::text);
    if (command.empty()) throw UsageError("no command given");

    // Everything after the command, options included, belongs to the command.
    std::vector<std::string> args = po::collect_unrecognized(parsed.options, po::include_positional);
    args.erase(args.begin());  // the command itself

    if (command == "check-config") return run_check_config(g, args);
    if (command == "sync") return run_sync(g, args);
    if (command == "watch" || command == "status" || command == "folders")
        return run_pending_command(command, g, args);
    throw UsageError("unknown command '" + command + "'");
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const mailtwin::config::ConfigError& e) {
        mailtwin::util::log_error(e.what());
        return k_exit_usage;
    } catch (const UsageError& e) {
        mailtwin::util::log_error(std::string(e.what()) + " (mailtwin --help shows the usage)");
        return k_exit_usage;
    } catch (const po::error& e) {
        mailtwin::util::log_error(std::string(e.what()) + " (mailtwin --help shows the usage)");
        return k_exit_usage;
    } catch (const std::exception& e) {
        mailtwin::util::log_error(std::string("unexpected failure: ") + e.what());
        return k_exit_some_folders_failed;
    }
}
