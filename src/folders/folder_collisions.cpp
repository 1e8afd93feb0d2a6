#include "mailtwin/folders/folder_collisions.hpp"

#include <algorithm>

namespace mailtwin::engine {

std::map<std::string, std::vector<std::string>> colliding_folders(const std::vector<MappedFolder>& folders) {
    std::map<std::string, std::vector<std::string>> by_path;
    for (const auto& f : folders) {
        auto& names = by_path[f.local_path.lexically_normal().string()];
        if (std::find(names.begin(), names.end(), f.remote_name) == names.end()) names.push_back(f.remote_name);
    }
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& [path, names] : by_path) {
        if (names.size() < 2) continue;
        for (const auto& name : names)
            for (const auto& other : names)
                if (other != name) out[name].push_back(other);
    }
    return out;
}

std::string describe_collision(const std::string& name, const std::vector<std::string>& others,
                               const std::filesystem::path& local_path) {
    std::string all = "\"" + name + "\"";
    for (const auto& o : others) all += " and \"" + o + "\"";
    return "the server folders " + all + (others.size() == 1 ? " both" : " all") + " map to the local folder " +
           local_path.string() +
           " (INBOX is case-insensitive in IMAP and written \"INBOX\" locally), so each would receive the "
           "other's mail: none of them is synced. Rename all but one on the server, or exclude the others "
           "with a \"!name\" rule in sync.folders";
}

std::string describe_taken(const std::string& name, const std::string& refused_name,
                           const std::filesystem::path& local_path) {
    return "the folder \"" + name + "\" maps to the local folder " + local_path.string() +
           ", which is also where offlineimap's layout keeps the server folder \"" + refused_name +
           "\" (a '.' in a name reads as a level in the dotted layout), so its mail may be either folder's: "
           "neither is synced. Rename the directory or one of the server folders, or exclude \"" +
           name + "\" with a \"!" + name + "\" rule in sync.folders";
}

}  // namespace mailtwin::engine
