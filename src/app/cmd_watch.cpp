// mailtwin watch [ACCOUNT...]: the daemon (engine/watch.hpp does the work).
#include <boost/program_options.hpp>

#include "commands.hpp"
#include "mailtwin/engine/watch.hpp"

namespace mailtwin::app {

namespace po = boost::program_options;

int run_watch(const GlobalOptions& g, const std::vector<std::string>& args) {
    po::options_description desc("watch options");
    std::vector<std::string> accounts;
    engine::WatchOptions options;
    long interval = options.watch_interval.count();
    long debounce_ms = options.debounce.count();
    std::vector<std::string> idle_folders;
    bool no_notify = false;
    desc.add_options()
        ("interval", po::value(&interval)->value_name("SECONDS"), "a full pass this often (default 300)")
        ("idle-folder", po::value(&idle_folders)->value_name("NAME"),
         "IDLE on this folder when the server lacks NOTIFY (repeatable; default INBOX)")
        ("debounce", po::value(&debounce_ms)->value_name("MS"), "quiet time after local changes (default 2000)")
        ("no-notify", po::bool_switch(&no_notify), "use IDLE even where NOTIFY is offered");
    parse_command(args, desc, accounts);
    if (interval < 10) throw UsageError("--interval must be at least 10 seconds");
    options.watch_interval = std::chrono::seconds(interval);
    options.debounce = std::chrono::milliseconds(std::max(0L, debounce_ms));
    if (!idle_folders.empty()) options.idle_folders = idle_folders;
    options.use_notify = !no_notify;
    auto cfg = load_config(g);
    options.reload = [&g] { return load_config(g); };
    return engine::run_watch(cfg, chosen_accounts(cfg, accounts), options);
}

}  // namespace mailtwin::app
