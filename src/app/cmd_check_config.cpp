// `mailtwin check-config`: the resolved settings, secrets masked.
#include <iostream>

#include "commands.hpp"
#include "mailtwin/config/render.hpp"

namespace mailtwin::app {

int run_check_config(const GlobalOptions& g, const std::vector<std::string>& args) {
    if (!args.empty()) throw UsageError("check-config takes no arguments (got '" + args.front() + "')");
    auto cfg = load_config(g);
    std::cout << config::render_resolved(cfg);
    if (!g.quiet)  // -q: errors only; the exit code says it is fine
        std::cerr << "mailtwin: " << cfg.source.string() << ": OK, " << cfg.accounts.size() << " account"
                  << (cfg.accounts.size() == 1 ? "" : "s") << "\n";
    return k_exit_ok;
}

}  // namespace mailtwin::app
