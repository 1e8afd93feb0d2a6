// mailtwin's entry point: the global options (Boost.Program_options), the dispatch to one function per
// command (commands.hpp), the one mapping from error classes to exit codes, and the only top-level catch.
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli.hpp"
#include "commands.hpp"
#include "mailtwin/config/loader.hpp"
#include "mailtwin/util/log.hpp"

namespace mailtwin::app {
namespace {

constexpr const char* k_usage =
    "usage: mailtwin [--config FILE] [-v|-q] [--log-format text|json] [--progress auto|always|never]\n"
    "                [--ext-exit] COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  sync   [ACCOUNT...] [--folder NAME]... [--dry-run] [--full] [--force]\n"
    "                      one full bidirectional pass over every account (or those named), then exit\n"
    "  watch  [ACCOUNT...] stay connected; IDLE/NOTIFY; sync as changes arrive (daemon mode)\n"
    "  status [ACCOUNT...] [--json] [--offline]\n"
    "                      per folder: UIDVALIDITY, HIGHESTMODSEQ, counts, last sync, pending changes\n"
    "  folders ACCOUNT     list remote folders and how each maps to a local Maildir path\n"
    "  check-config        parse and validate the config, print the resolved settings (passwords masked)\n"
    "  forget ACCOUNT [--folder NAME]...\n"
    "                      drop the sync state of one account (or of these folders); mail is not touched\n"
    "\n"
    "exit codes: 0 success, 1 some folders failed, 2 usage or config error,\n"
    "            3 connection/TLS/authentication failure, 4 another mailtwin holds the account lock;\n"
    "            with --ext-exit, sync adds 32 (messages copied), 64 (flags changed), 128 (deleted)\n";

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
    using util::LogLevel;
    util::set_log_level(g.verbose ? LogLevel::debug : g.quiet ? LogLevel::error : LogLevel::info);
    util::set_log_format(g.log_format == "json" ? util::LogFormat::json : util::LogFormat::text);
    if (command.empty()) throw UsageError("no command given");

    // Everything after the command, options included, belongs to the command.
    std::vector<std::string> args = po::collect_unrecognized(parsed.options, po::include_positional);
    args.erase(args.begin());  // the command itself

    if (command == "check-config") return run_check_config(g, args);
    if (command == "sync") return run_sync(g, args);
    if (command == "status") return run_status(g, args);
    if (command == "folders") return run_folders(g, args);
    if (command == "watch") return run_watch(g, args);
    if (command == "forget") return run_forget(g, args);
    throw UsageError("unknown command '" + command + "'");
}

}  // namespace
}  // namespace mailtwin::app

int main(int argc, char** argv) {
    using namespace mailtwin;
    try {
        return app::run(argc, argv);
    } catch (const config::ConfigError& e) {
        util::log_error(e.what());
        return app::k_exit_usage;
    } catch (const app::UsageError& e) {
        util::log_error(std::string(e.what()) + " (mailtwin --help shows the usage)");
        return app::k_exit_usage;
    } catch (const boost::program_options::error& e) {
        util::log_error(std::string(e.what()) + " (mailtwin --help shows the usage)");
        return app::k_exit_usage;
    } catch (const std::exception& e) {
        util::log_error(std::string("unexpected failure: ") + e.what());
        return app::k_exit_some_folders_failed;
    }
}
