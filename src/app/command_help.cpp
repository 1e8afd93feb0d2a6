#include "command_help.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "command_options.hpp"

namespace mailtwin::app {
namespace {

constexpr std::size_t k_option_column = 24;  // where option descriptions start

po::options_description sync_help() {
    static SyncArgs args;
    return sync_options(args);
}
po::options_description status_help() {
    static StatusArgs args;
    return status_options(args);
}
po::options_description watch_help() {
    static WatchArgs args;
    return watch_options(args);
}
po::options_description forget_help() {
    static ForgetArgs args;
    return forget_options(args);
}
po::options_description folders_help() { return no_options("folders"); }
po::options_description check_config_help() { return no_options("check-config"); }
po::options_description help_help() { return no_options("help"); }

const std::vector<CommandInfo> k_commands = {
    {"sync", "sync [ACCOUNT...] [--folder NAME]... [--dry-run] [--full] [--force]",
     "one bidirectional pass over every account (or those named), then exit",
     "One bidirectional pass over every account, or over the ACCOUNTs named, then exit. New messages are "
     "copied to the other side, flag changes are merged flag by flag, deletions are carried out as the "
     "account's expunge setting says, and a message moved between local folders is moved on the server.\n\n"
     "A folder that changed prints one line with what was done, such as \"work/INBOX: +3 down flags 1 up\" "
     "(down: in the Maildir, up: on the server; arrows under a UTF-8 locale), and the run ends with one total "
     "over every account: the messages and bytes copied each way, flags, deletions, the folders changed and "
     "failed, and the time taken. A run that changed nothing prints nothing; -q prints only errors, -v every "
     "folder and the total. With --dry-run each folder that would change prints one line, then \"would change N "
     "folders: ...\" or \"would change nothing\"; -v adds each planned action.\n\n"
     "Exit 0 on success, 1 when some folders failed or the safety rail held deletions back, 2 for usage "
     "and config errors, 3 when the server could not be reached or refused the login, 4 when another "
     "mailtwin holds the account lock.",
     sync_help},
    {"watch", "watch [ACCOUNT...] [--interval SECONDS] [--idle-folder NAME]... [--debounce MS] [--no-notify]",
     "stay connected and sync as changes arrive (daemon mode)",
     "Stay connected and sync as changes arrive: NOTIFY where the server offers it, else IDLE, plus a "
     "periodic full pass; local changes are noticed with inotify. SIGTERM and SIGINT finish the current "
     "step and exit; SIGHUP reloads the configuration. Under systemd (Type=notify) it reports readiness "
     "and feeds the watchdog.\n\n"
     "Its log goes to stderr, one line per event: ACCOUNT/FOLDER: ... about a folder (as sync prints it), "
     "ACCOUNT: ... about an account. Each line starts with the time of day on a terminal, with a syslog "
     "priority (<3> error ... <7> debug) and no time in the systemd journal, and with the date, time and UTC "
     "offset anywhere else (2026-12-07T10:16:40+01:00). With --log-format json every line goes to stdout "
     "as one JSON object with an \"event\" key: a folder's change is the {\"event\":\"folder\",...} object "
     "sync prints; watch's own are listening, connected, disconnected, error and the like.",
     watch_help},
    {"status", "status [ACCOUNT...] [--json] [--offline]",
     "per folder: UIDVALIDITY, HIGHESTMODSEQ, counts, last sync, pending changes",
     "Per account and folder: UIDVALIDITY of the last sync and the HIGHESTMODSEQ it left the server at, "
     "the messages on the server now (marked * when the server changed since the last sync left it; "
     "mailtwin's own changes do not count), the messages paired at the last sync, the files in the "
     "Maildir now, the local changes the next sync would carry (+added, -removed, ~renamed to change "
     "flags) and the last run that synced the folder or found it unchanged (marked ! when a later run "
     "failed it, with its error). Messages max_size kept from being copied are counted per folder, with "
     "how to copy them. It takes no lock and changes nothing anywhere.",
     status_help},
    {"folders", "folders ACCOUNT", "list remote folders and how each maps to a local Maildir path",
     "Every folder the server lists and every Maildir folder under the account's root: the remote name, "
     "the local path under the configured layout, special-use attributes, where it exists, and whether "
     "the folders globs include it ([x]) or not ([ ]). Run it before the first sync to tune folders.",
     folders_help},
    {"check-config", "check-config", "parse and validate the config, print the resolved settings (passwords masked)",
     "Parse and validate the configuration and print the resolved settings, passwords masked. A missing "
     "or unreadable ca_file is an error here (exit 2).",
     check_config_help},
    {"forget", "forget ACCOUNT [--folder NAME]...",
     "drop the sync state of one account (or of these folders); mail is not touched",
     "Drop what the state database remembers of one account, or with --folder of some of its folders, "
     "under the account lock. Mail is never touched and other accounts keep their state. The next sync "
     "matches the Maildir and the server afresh: nothing is copied twice, but a message deleted on one "
     "side since the last sync is copied back from the other.",
     forget_help},
    {"help", "help [COMMAND]", "show this help, or one command's", "Show the usage, or one command's help.", help_help},
};

constexpr const char* k_exit_codes =
    "Exit codes: 0 success, 1 some folders failed, 2 usage or config error, 3 connection, TLS or "
    "authentication failure, 4 another mailtwin holds the account lock; with --ext-exit, sync adds 32 "
    "(messages copied), 64 (flags changed), 128 (messages deleted).";

std::string option_names(const po::option_description& o) {
    std::string names = "--" + o.long_name();
    const std::string short_name = o.canonical_display_name(po::command_line_style::allow_dash_for_short);
    if (short_name.size() == 2 && short_name[0] == '-' && short_name[1] != '-') names = short_name + ", " + names;
    if (o.semantic()->max_tokens() > 0) {
        std::string parameter = o.format_parameter();
        parameter = parameter.substr(0, parameter.find(" (="));  // program_options appends defaults
        names += " " + parameter;
    }
    return names;
}

std::string render_options(const po::options_description& desc, std::size_t width) {
    std::string out;
    for (const auto& o : desc.options()) {
        std::string line = "  " + option_names(*o);
        if (line.size() + 2 > k_option_column) {
            out += line + "\n" + wrap(o->description(), width, k_option_column) + "\n";
        } else {
            line.resize(k_option_column, ' ');
            out += line + wrap(o->description(), width, k_option_column, false) + "\n";
        }
    }
    return out;
}

std::string render_paragraphs(std::string_view text, std::size_t width) {
    std::string out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find("\n\n", start), text.size());
        out += wrap(text.substr(start, end - start), width, 0) + "\n";
        if (end == text.size()) break;
        out += "\n";
        start = end + 2;
    }
    return out;
}

// A synopsis wraps between its bracketed parts, never inside one ("[--debounce MS]" stays whole).
std::string wrap_synopsis(std::string_view synopsis, std::size_t width, std::size_t indent) {
    constexpr char k_joined = '\x01';
    std::string text(synopsis);
    int depth = 0;
    for (char& c : text) {
        depth += c == '[' ? 1 : c == ']' ? -1 : 0;
        if (c == ' ' && depth > 0) c = k_joined;
    }
    std::string out = wrap(text, width, indent, false);
    std::replace(out.begin(), out.end(), k_joined, ' ');
    return out;
}

}  // namespace

const std::vector<CommandInfo>& command_table() { return k_commands; }

const CommandInfo* find_command(std::string_view name) {
    for (const auto& c : k_commands)
        if (c.name == name) return &c;
    return nullptr;
}

std::string wrap(std::string_view text, std::size_t width, std::size_t indent, bool indent_first) {
    std::string out;
    std::size_t column = 0;
    bool line_empty = true;
    auto start_line = [&](bool first) {
        if (!first) out += "\n";
        if (!first || indent_first) out.append(indent, ' ');
        column = indent;  // without indent_first the caller has already filled the first line up to it
        line_empty = true;
    };
    start_line(true);
    std::istringstream words{std::string(text)};
    std::string word;
    while (words >> word) {
        if (!line_empty && column + 1 + word.size() > width) start_line(false);
        if (!line_empty) out += ' ', ++column;
        out += word;
        column += word.size();
        line_empty = false;
    }
    return out;
}

std::size_t help_width() {
    winsize ws{};
    if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return std::clamp<std::size_t>(ws.ws_col, 40, 100);
    return 80;
}

std::string global_help(const po::options_description& global, std::size_t width) {
    std::string out = "usage: mailtwin [OPTIONS] COMMAND [ARGS]\n\ncommands:\n";
    // As the old usage: the synopsis (name aligned), and the summary beside it when there is room.
    constexpr std::size_t k_name = 9, k_summary = 22;
    for (const auto& c : k_commands) {
        std::string line = "  " + std::string(c.name) + " ";
        const std::string_view rest = c.synopsis.substr(std::min(c.synopsis.size(), c.name.size() + 1));
        if (!rest.empty()) {
            line.resize(std::max(line.size(), k_name), ' ');
            line += wrap_synopsis(rest, width, k_name);
        } else {
            line.pop_back();
        }
        if (line.find('\n') == std::string::npos && line.size() + 1 < k_summary) {
            line.resize(k_summary, ' ');
            out += line + wrap(c.summary, width, k_summary, false) + "\n";
        } else {
            out += line + "\n" + wrap(c.summary, width, k_summary) + "\n";
        }
    }
    out += "\noptions (before or after the command):\n" + render_options(global, width) + "\n";
    out +=
        wrap("'mailtwin help COMMAND' (or 'mailtwin COMMAND --help') explains one command and its options.", width, 0) +
        "\n\n" + wrap(k_exit_codes, width, 0) + "\n";
    return out;
}

std::string command_help(const CommandInfo& command, const po::options_description& global, std::size_t width) {
    std::string out =
        "usage: " + wrap_synopsis("mailtwin [OPTIONS] " + std::string(command.synopsis), width, 7) + "\n\n";
    out += render_paragraphs(command.details, width);
    const auto own = command.options();
    if (!own.options().empty()) out += "\n" + std::string(command.name) + " options:\n" + render_options(own, width);
    out += "\noptions (before or after the command):\n" + render_options(global, width);
    return out;
}

namespace {

// "--folder=X" and "--folder" both name "folder".
std::string option_name(std::string_view option) {
    std::string name(option);
    name.erase(0, name.find_first_not_of('-'));
    return name.substr(0, name.find('='));
}

}  // namespace

std::vector<std::string> commands_taking(std::string_view option) {
    std::vector<std::string> out;
    const std::string name = option_name(option);
    if (name.empty()) return out;
    for (const auto& c : k_commands)
        if (c.options().find_nothrow(name, false) != nullptr) out.emplace_back(c.name);
    return out;
}

std::string and_list(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i)
        out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
    return out;
}

bool option_takes_value(std::string_view option) {
    if (option.find('=') != std::string_view::npos) return false;  // the value is in the same word
    const std::string name = option_name(option);
    for (const auto& c : k_commands) {
        const auto options = c.options();
        if (const auto* o = options.find_nothrow(name, false)) return o->semantic()->max_tokens() > 0;
    }
    return false;
}

}  // namespace mailtwin::app
