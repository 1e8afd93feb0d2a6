// mailtwin watch [ACCOUNT...]: the daemon (watch/watch.hpp does the work).
#include <boost/program_options.hpp>

#include "command_options.hpp"
#include "commands.hpp"
#include "mailtwin/watch/watch.hpp"
#include "mailtwin/watch/watch_report.hpp"

namespace mailtwin::app {

namespace po = boost::program_options;

int run_watch(const GlobalOptions& g, const std::vector<std::string>& args) {
    WatchArgs parsed;
    engine::WatchOptions options;
    parsed.interval_seconds = options.watch_interval.count();
    parsed.debounce_ms = options.debounce.count();
    parse_command("watch", args, watch_options(parsed), parsed.accounts);
    const auto& accounts = parsed.accounts;
    if (parsed.interval_seconds < 10) throw UsageError("--interval must be at least 10 seconds");
    options.watch_interval = std::chrono::seconds(parsed.interval_seconds);
    options.debounce = std::chrono::milliseconds(std::max(0L, parsed.debounce_ms));
    if (!parsed.idle_folders.empty()) options.idle_folders = parsed.idle_folders;
    options.use_notify = !parsed.no_notify;
    // From here on every line is watch's log, the config's warnings included.
    engine::prepare_watch_log();
    auto cfg = load_config(g);
    options.reload = [&g] { return load_config(g); };
    return engine::run_watch(cfg, chosen_accounts(cfg, accounts), options);
}

}  // namespace mailtwin::app
