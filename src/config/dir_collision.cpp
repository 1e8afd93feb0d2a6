#include "dir_collision.hpp"

#include <algorithm>
#include <system_error>

namespace mailtwin::config::detail {
namespace {

std::filesystem::path comparable(const std::filesystem::path& p) {
    std::error_code ec;
    std::filesystem::path out = std::filesystem::absolute(p, ec);
    if (ec) out = p;
    out = out.lexically_normal();
    if (auto resolved = std::filesystem::weakly_canonical(out, ec); !ec) out = resolved.lexically_normal();
    // "/a/b/" and "/a/b" are one directory: drop the empty last element a trailing slash leaves.
    if (!out.has_filename() && out.has_parent_path() && out != out.root_path()) out = out.parent_path();
    return out;
}

// True when `inner` is `outer` or lies below it (compared element by element, so /a/bc is not in /a/b).
bool within(const std::filesystem::path& inner, const std::filesystem::path& outer) {
    return std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end()).first == outer.end();
}

std::string described(const ConfiguredDir& d) {
    std::string out = d.key + " = \"" + d.path.string() + "\"";
    if (d.line == 0) out += " (the default)";
    return out;
}

std::string where(const ConfiguredDir& d) { return d.line == 0 ? "" : " (line " + std::to_string(d.line) + ")"; }

}  // namespace

std::optional<DirCollision> find_dir_collision(const std::vector<ConfiguredDir>& dirs) {
    std::vector<std::filesystem::path> paths;
    paths.reserve(dirs.size());
    for (const auto& d : dirs) paths.push_back(comparable(d.path));
    for (std::size_t later = 0; later < dirs.size(); ++later) {
        for (std::size_t earlier = 0; earlier < later; ++earlier) {
            const ConfiguredDir& a = dirs[earlier];
            const ConfiguredDir& b = dirs[later];
            if (a.state && b.state) continue;
            const bool b_in_a = within(paths[later], paths[earlier]);
            const bool a_in_b = within(paths[earlier], paths[later]);
            if (!b_in_a && !a_in_b) continue;
            // Reported where the user can act: at the later key, unless that one is a default.
            const bool at_b = b.line != 0 || a.line == 0;
            const ConfiguredDir& here = at_b ? b : a;
            const ConfiguredDir& there = at_b ? a : b;
            const bool here_in_there = at_b ? b_in_a : a_in_b;
            const std::string relation = b_in_a && a_in_b ? "is the same directory as"
                                         : here_in_there  ? "is inside"
                                                          : "contains";
            std::string why;
            if (a.state || b.state)
                why =
                    "mailtwin's state database and the mail would share files; keep general.state_dir "
                    "outside every Maildir (and no Maildir inside it)";
            else
                why =
                    "each account's mail would be uploaded to the other account's server; give every "
                    "account a Maildir of its own, none inside another";
            return DirCollision{at_b ? later : earlier,
                                described(here) + " " + relation + " " + described(there) + where(there) + ": " + why};
        }
    }
    return std::nullopt;
}

}  // namespace mailtwin::config::detail
