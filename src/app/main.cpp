// mailtwin's entry point: the global options (Boost.Program_options), the dispatch to one function per
// command (commands.hpp), and the only top-level catch, which classifies what it catches for the one
// mapping to exit codes (results/exit_code.hpp).
#include <algorithm>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli.hpp"
#include "command_help.hpp"
#include "commands.hpp"
#include "mailtwin/config/loader.hpp"
#include "mailtwin/config/suggest.hpp"
#include "mailtwin/util/log.hpp"

namespace mailtwin::app {
namespace {

// The command and its arguments, from what the global options left over. Options before the
// command that are not global belong to a command: say where they go instead of guessing.
struct CommandLine {
    std::string command;
    std::vector<std::string> args;
};

CommandLine split_command(std::vector<std::string> rest) {
    CommandLine out;
    auto first = rest.begin();
    while (first != rest.end() && !first->empty() && (*first)[0] == '-')  // skip "--folder NAME" too
        first += option_takes_value(*first) && first + 1 != rest.end() ? 2 : 1;
    if (first != rest.end()) out.command = *first;
    if (first != rest.begin()) {
        const std::string& option = rest.front();
        const auto owners = commands_taking(option);
        if (owners.empty()) throw UsageError("unknown option '" + option + "'");
        const std::string& owner =
            std::find(owners.begin(), owners.end(), out.command) != owners.end() ? out.command : owners.front();
        throw UsageError("'" + option + "' is an option of " + and_list(owners) +
                         ": put it after the command, as in 'mailtwin " + owner + " " + option +
                         (out.command.empty() ? "'" : " ...'"));
    }
    if (first != rest.end()) out.args.assign(first + 1, rest.end());
    return out;
}

[[noreturn]] void unknown_command(const std::string& command) {
    std::vector<std::string_view> names;
    for (const auto& c : command_table()) names.push_back(c.name);
    const std::string near = config::nearest(command, names);
    std::string list;
    for (auto n : names) list += (list.empty() ? "" : ", ") + std::string(n);
    throw UsageError("unknown command '" + command + "'" + (near.empty() ? "" : "; did you mean '" + near + "'?") +
                     " (commands: " + list + ")");
}

int show_help(const po::options_description& global, const std::string& topic) {
    if (topic.empty()) {
        std::cout << global_help(global, help_width());
        return k_exit_ok;
    }
    const CommandInfo* command = find_command(topic);
    if (!command) unknown_command(topic);
    std::cout << command_help(*command, global, help_width());
    return k_exit_ok;
}

int run(int argc, char** argv) {
    GlobalOptions g;
    po::options_description desc = global_options(g);
    po::options_description hidden;
    hidden.add_options()("command", po::value<std::string>())("args", po::value<std::vector<std::string>>());
    po::options_description all;
    all.add(desc).add(hidden);
    po::positional_options_description pos;
    pos.add("command", 1).add("args", -1);

    po::parsed_options parsed =
        po::command_line_parser(argc, argv).options(all).positional(pos).allow_unregistered().run();
    po::variables_map vm;
    po::store(parsed, vm);
    po::notify(vm);

    // Everything after the command, options included, belongs to the command.
    const CommandLine line = split_command(po::collect_unrecognized(parsed.options, po::include_positional));
    if (vm.count("help")) return show_help(desc, line.command);
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
    const std::string& command = line.command;
    const std::vector<std::string>& args = line.args;
    if (command.empty()) throw UsageError("no command given");
    if (command == "help") {
        if (args.size() > 1) throw UsageError("help takes at most one COMMAND");
        return show_help(desc, args.empty() ? "" : args.front());
    }

    if (command == "check-config") return run_check_config(g, args);
    if (command == "sync") return run_sync(g, args);
    if (command == "status") return run_status(g, args);
    if (command == "folders") return run_folders(g, args);
    if (command == "watch") return run_watch(g, args);
    if (command == "forget") return run_forget(g, args);
    unknown_command(command);
}

}  // namespace
}  // namespace mailtwin::app

int main(int argc, char** argv) {
    using namespace mailtwin;
    try {
        return app::run(argc, argv);
    } catch (const config::ConfigError& e) {
        util::log_error(e.what());
        return engine::exit_code_for(engine::AccountFailure::config);
    } catch (const app::UsageError& e) {
        // A message that already says where to look needs no pointer to the general usage.
        const std::string message = e.what();
        const bool points_to_help = message.find("'mailtwin ") != std::string::npos ||
                                    message.find("(commands: ") != std::string::npos ||
                                    message.find("(accounts: ") != std::string::npos;
        util::log_error(points_to_help ? message : message + " (mailtwin --help shows the usage)");
        return engine::exit_code_for(engine::AccountFailure::config);
    } catch (const boost::program_options::error& e) {
        util::log_error(std::string(e.what()) + " (mailtwin --help shows the usage)");
        return engine::exit_code_for(engine::AccountFailure::config);
    } catch (const std::exception& e) {
        util::log_error(std::string("unexpected failure: ") + e.what());
        return engine::exit_code_for(engine::AccountFailure::other);
    }
}
