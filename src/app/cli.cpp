#include "cli.hpp"

#include "mailtwin/config/loader.hpp"
#include "mailtwin/util/log.hpp"

namespace mailtwin::app {

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
        ("progress", po::value(&g.progress)->value_name("auto|always|never"), "live progress on a terminal")
        ("ext-exit", po::bool_switch(&g.ext_exit),
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

std::vector<const config::Account*> chosen_accounts(const config::Config& cfg, const std::vector<std::string>& names) {
    std::vector<const config::Account*> out;
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

void parse_command(const std::vector<std::string>& args, po::options_description& desc,
                   std::vector<std::string>& accounts) {
    desc.add_options()("account", po::value(&accounts));
    po::positional_options_description pos;
    pos.add("account", -1);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
    po::notify(vm);
}

}  // namespace mailtwin::app
