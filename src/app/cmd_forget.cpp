// `mailtwin forget ACCOUNT [--folder NAME]...`: drop one account's (or folder's) sync state.
#include <iostream>

#include "command_options.hpp"
#include "commands.hpp"
#include "mailtwin/run/forget.hpp"
#include "mailtwin/util/log.hpp"

namespace mailtwin::app {

int run_forget(const GlobalOptions& g, const std::vector<std::string>& args) {
    ForgetArgs parsed;
    parse_command("forget", args, forget_options(parsed), parsed.accounts);
    const auto& names = parsed.accounts;
    auto& request = parsed.request;
    if (names.size() != 1)
        throw UsageError("forget takes exactly one ACCOUNT (and --folder NAME to forget only folders)");
    request.account = names.front();
    auto cfg = load_config(g);
    const bool configured = cfg.find_account(request.account) != nullptr;

    const auto result = engine::forget_state(cfg, request);
    if (result.error) {
        util::log_error(request.account + ": " + result.error->describe());
        ExitStatus exit_status;
        exit_status.note_stopped(result.failure);
        return exit_status.code(false);
    }
    const bool nothing = result.folders + result.messages + result.intents == 0;
    if (nothing && !configured) {
        // Probably a typo: chosen_accounts names the configured accounts.
        (void)chosen_accounts(cfg, names);
    }
    const std::string what = request.folders.empty()
                                 ? "account " + request.account
                                 : std::to_string(request.folders.size()) + " folder" +
                                       (request.folders.size() == 1 ? "" : "s") + " of account " + request.account;
    if (nothing) {
        std::cout << "mailtwin: the state remembers nothing of " << what << " in "
                  << (cfg.general.state_dir / "state.mdb").string() << "; nothing to forget\n";
        return k_exit_ok;
    }
    std::cout << "mailtwin: forgot the state of " << what << ": " << result.folders << " folder"
              << (result.folders == 1 ? "" : "s") << ", " << result.messages << " message"
              << (result.messages == 1 ? "" : "s") << ", " << result.intents << " pending step"
              << (result.intents == 1 ? "" : "s") << ".\n"
              << "No mail was touched. The next sync matches the Maildir and the server again without copying "
                 "anything twice; messages deleted on one side since the last sync come back from the other.\n";
    return k_exit_ok;
}

}  // namespace mailtwin::app
