#include "cli.hpp"

#include "command_help.hpp"

#include "mailtwin/config/loader.hpp"
#include "mailtwin/config/suggest.hpp"
#include "mailtwin/util/log.hpp"

namespace mailtwin::app {

po::options_description global_options(GlobalOptions& g) {
    po::options_description desc("global options");
    auto add = desc.add_options();
    add("help,h", "show this help");
    add("version", "print the version");
    add("config,c", po::value(&g.config_path)->value_name("FILE"),
        "config file (default $XDG_CONFIG_HOME/mailtwin/config.toml)");
    add("verbose,v", po::bool_switch(&g.verbose),
        "show protocol-level steps (passwords masked); sync: every folder, a dry run's actions");
    add("quiet,q", po::bool_switch(&g.quiet), "errors only");
    add("log-format", po::value(&g.log_format)->value_name("text|json"), "log as text or JSON lines");
    add("progress", po::value(&g.progress)->value_name("auto|always|never"), "live progress on a terminal");
    add("ext-exit", po::bool_switch(&g.ext_exit),
        "sync: add 32 (messages copied), 64 (flags changed), 128 (messages deleted) to the exit code");
    return desc;
}

std::string resolved_config_path(const GlobalOptions& g) {
    return g.config_path.empty() ? config::default_config_path().string() : g.config_path;
}

config::Config load_config(const GlobalOptions& g) {
    config::Config cfg = config::load_file(resolved_config_path(g));
    config::check_referenced_files(cfg);
    for (const auto& w : cfg.warnings) util::log_warning(w);
    return cfg;
}

std::string no_such_account(const config::Config& cfg, const std::string& name) {
    std::vector<std::string_view> names;
    std::string list;
    for (const auto& a : cfg.accounts) {
        names.push_back(a.name);
        list += (list.empty() ? "" : ", ") + a.name;
    }
    const std::string near = config::nearest(name, names);
    return "no account '" + name + "' in " + cfg.source.string() +
           (near.empty() ? "" : "; did you mean '" + near + "'?") + " (accounts: " + list + ")";
}

std::vector<const config::Account*> chosen_accounts(const config::Config& cfg, const std::vector<std::string>& names) {
    std::vector<const config::Account*> out;
    if (names.empty()) {
        for (const auto& a : cfg.accounts) out.push_back(&a);
        return out;
    }
    for (const auto& n : names) {
        const auto* a = cfg.find_account(n);
        if (!a) throw UsageError(no_such_account(cfg, n));
        out.push_back(a);
    }
    return out;
}

void parse_command(const std::string& command, const std::vector<std::string>& args, po::options_description desc,
                   std::vector<std::string>& accounts) {
    desc.add_options()("account", po::value(&accounts));
    po::positional_options_description pos;
    pos.add("account", -1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
    } catch (const po::unknown_option& e) {
        // An option of another command, or of none: say which, and where this command's are listed.
        const std::string option = e.get_option_name();
        const std::string owners = and_list(commands_taking(option));
        throw UsageError("'" + option + "' is not an option of " + command +
                         (owners.empty() ? "" : " (it is one of " + owners + ")") + "; 'mailtwin help " + command +
                         "' lists its options");
    }
    po::notify(vm);
}

}  // namespace mailtwin::app
