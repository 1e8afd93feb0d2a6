#include "mailtwin/settings/account_checks.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "mailtwin/config/suggest.hpp"
#include "mailtwin/results/engine_error.hpp"

namespace mailtwin::engine {
namespace {

namespace fs = std::filesystem;

util::Error unusable(const config::Account& account, const std::string& why) {
    return util::Error{EngineError::maildir_unusable, "accounts." + account.name + ".maildir = \"" +
                                                          account.maildir.string() + "\" cannot be used: " + why +
                                                          "; set maildir to a directory you can write"};
}

bool writable(const fs::path& dir) { return ::access(dir.c_str(), W_OK | X_OK) == 0; }

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

}  // namespace

std::optional<util::Error> maildir_root_problem(const config::Account& account) {
    std::error_code ec;
    const fs::path root = fs::absolute(account.maildir, ec);
    if (ec) return unusable(account, ec.message());
    struct stat st {};
    if (::stat(root.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode)) return unusable(account, root.string() + " exists and is not a directory");
        if (!writable(root)) return unusable(account, root.string() + " is read-only for this user");
        return std::nullopt;
    }
    if (errno != ENOENT && errno != ENOTDIR) return unusable(account, root.string() + ": " + std::strerror(errno));
    // Missing: it is created at the first sync, below its nearest existing ancestor.
    for (fs::path p = root.parent_path();; p = p.parent_path()) {
        if (::stat(p.c_str(), &st) == 0) {
            if (!S_ISDIR(st.st_mode))
                return unusable(account, p.string() + " is a file, so no directory can be created below it");
            if (!writable(p))
                return unusable(account, root.string() + " would be created in " + p.string() +
                                             ", which is read-only for this user");
            return std::nullopt;
        }
        if (errno != ENOENT && errno != ENOTDIR) return unusable(account, p.string() + ": " + std::strerror(errno));
        if (p == p.parent_path()) return std::nullopt;
    }
}

std::optional<util::Error> unmatched_folders(const std::string& account, const std::vector<std::string>& requested,
                                             const std::vector<std::string>& names) {
    const std::set<std::string> known(names.begin(), names.end());
    std::string message;
    for (const auto& wanted : requested) {
        if (known.contains(wanted)) continue;
        // The nearest names: same spelling but for case first, then by edit distance.
        std::vector<std::pair<std::size_t, std::string>> ranked;
        // As config::nearest judges a typo: at most a third of the word's length, 1 to 3 edits.
        const std::size_t max_distance = std::clamp<std::size_t>(wanted.size() / 3, 1, 3);
        for (const auto& name : known) {
            const std::size_t d =
                lower(name) == lower(wanted) ? 0 : config::edit_distance(lower(wanted), lower(name)) + 1;
            const bool contains = lower(name).find(lower(wanted)) != std::string::npos ||
                                  lower(wanted).find(lower(name)) != std::string::npos;
            if (d <= max_distance + 1 || contains) ranked.emplace_back(contains ? 1 : d, name);
        }
        std::sort(ranked.begin(), ranked.end());
        if (!message.empty()) message += "; ";
        message += "--folder \"" + wanted + "\" matches no folder of account " + account;
        if (ranked.empty()) {
            const bool one = known.size() == 1;
            message += " (it has " + std::to_string(known.size()) + (one ? " folder" : " folders") +
                       "; mailtwin folders " + account + (one ? " lists it)" : " lists them)");
            continue;
        }
        message += "; did you mean ";
        for (std::size_t i = 0; i < ranked.size() && i < 5; ++i)
            message += (i ? ", \"" : "\"") + ranked[i].second + "\"";
        message += "?";
    }
    if (message.empty()) return std::nullopt;
    return util::Error{EngineError::folder_not_found, message};
}

}  // namespace mailtwin::engine
