#include "mailtwin/run/forget.hpp"

#include <filesystem>

#include "mailtwin/settings/account_checks.hpp"
#include "mailtwin/state/account_lock.hpp"
#include "mailtwin/state/error.hpp"
#include "mailtwin/state/state_db.hpp"

namespace mailtwin::engine {
namespace {

// A word as the shell reads it: bare when it is plain, else in single quotes.
std::string shell_word(const std::string& word) {
    const bool plain = !word.empty() && word.find_first_not_of(
                                            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789._-@/+=:,") == std::string::npos;
    if (plain) return word;
    std::string out = "'";
    for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

}  // namespace

std::string forget_command(const std::string& account, const std::string& folder) {
    std::string out = "mailtwin forget " + shell_word(account);
    if (!folder.empty()) out += " --folder " + shell_word(folder);
    return out;
}

ForgetResult forget_state(const config::Config& config, const ForgetRequest& request) {
    ForgetResult result;
    const auto& state_dir = config.general.state_dir;
    const auto file = state_dir / "state.mdb";
    std::error_code ec;
    result.state_found = std::filesystem::exists(file, ec);
    if (!result.state_found) return result;  // nothing remembered, nothing to forget: no file is created

    // A sync running now would write rows back from its memory: forgetting waits for no one.
    auto lock = state::AccountLock::acquire(state_dir, request.account);
    if (!lock) {
        result.failure =
            lock.error().code == state::Errc::account_locked ? AccountFailure::locked : AccountFailure::other;
        result.error = std::move(lock).error();
        return result;
    }
    auto db = state::StateDb::open(file);
    if (!db) {
        result.error = std::move(db).error();
        result.error->message += "; mailtwin forget needs a readable state file: if " + file.string() +
                                 " itself is damaged, move it away (it holds every account's state; each "
                                 "account's next sync then matches both sides afresh)";
        result.failure = AccountFailure::other;
        return result;
    }
    if (!request.folders.empty()) {
        auto known = db->list_folders(request.account);
        if (!known) {
            result.error = std::move(known).error();
            result.failure = AccountFailure::other;
            return result;
        }
        if (auto unmatched = unmatched_folders(request.account, request.folders, *known)) {
            unmatched->message += " (the state remembers " + std::to_string(known->size()) + " folders of it)";
            result.error = std::move(*unmatched);
            result.failure = AccountFailure::config;
            return result;
        }
    }
    state::StateDb::Forgotten total;
    auto written = db->write([&](state::WriteTxn& txn) -> state::Expected<void> {
        total = {};  // the step may run again (map growth): count from scratch each time
        if (request.folders.empty()) {
            auto all = db->forget_account(txn, request.account);
            if (!all) return util::unexpected(std::move(all).error());
            total = *all;
            return {};
        }
        for (const auto& folder : request.folders) {
            auto one = db->forget_folder(txn, request.account, folder);
            if (!one) return util::unexpected(std::move(one).error());
            total.folders += one->folders;
            total.messages += one->messages;
            total.intents += one->intents;
        }
        return {};
    });
    if (!written) {
        result.error = std::move(written).error();
        result.failure = AccountFailure::other;
        return result;
    }
    result.folders = total.folders;
    result.messages = total.messages;
    result.intents = total.intents;
    return result;
}

}  // namespace mailtwin::engine
