#include "command_options.hpp"

namespace mailtwin::app {

// One statement per option (options_description_easy_init returns itself), so each reads as a row.
po::options_description sync_options(SyncArgs& args, bool ext_exit_default) {
    po::options_description desc("sync options");
    auto& r = args.request;
    auto add = desc.add_options();
    add("folder", po::value(&r.folders)->value_name("NAME"),
        "only this folder, by its remote name (repeatable); the folders globs are not consulted");
    add("dry-run", po::bool_switch(&r.dry_run),
        "print what the sync would do and change nothing: not the Maildir, not the server, not the state; one "
        "line per folder and a total (-v: each planned action)");
    add("full", po::bool_switch(&r.full),
        "ignore the CONDSTORE/QRESYNC fast path and the Maildir directory stamps; compare every message");
    add("force", po::bool_switch(&r.force), "carry out deletions the safety rail (max_delete_percent) held back");
    add("ext-exit", po::bool_switch(&args.ext_exit)->default_value(ext_exit_default),
        "add 32 (messages copied), 64 (flags changed), 128 (messages deleted) to the exit code");
    return desc;
}

po::options_description status_options(StatusArgs& args) {
    po::options_description desc("status options");
    auto add = desc.add_options();
    add("json", po::bool_switch(&args.json), "one JSON object per folder, one per account, then a summary");
    add("offline", po::bool_switch(&args.options.offline), "do not contact the server: the state and the Maildir only");
    return desc;
}

po::options_description watch_options(WatchArgs& args) {
    po::options_description desc("watch options");
    auto add = desc.add_options();
    add("interval", po::value(&args.interval_seconds)->value_name("SECONDS"),
        "a full pass over every folder this often, whatever the server said (default 300, at least 10)");
    add("idle-folder", po::value(&args.idle_folders)->value_name("NAME"),
        "IDLE on this folder when the server lacks NOTIFY (repeatable; default INBOX)");
    add("debounce", po::value(&args.debounce_ms)->value_name("MS"),
        "quiet time after the last local change before a folder is synced (default 2000)");
    add("no-notify", po::bool_switch(&args.no_notify), "use IDLE even where the server offers NOTIFY");
    return desc;
}

po::options_description forget_options(ForgetArgs& args) {
    po::options_description desc("forget options");
    desc.add_options()("folder", po::value(&args.request.folders)->value_name("NAME"),
                       "forget only this folder, by its remote name (repeatable)");
    return desc;
}

po::options_description no_options(const std::string& command) { return po::options_description(command + " options"); }

}  // namespace mailtwin::app
