#include "mailtwin/folders/folder_filter.hpp"

#include <utility>

#include "mailtwin/folders/folder_map.hpp"
#include "mailtwin/net/session.hpp"
#include "mailtwin/util/ascii.hpp"
#include "mailtwin/util/inbox.hpp"

namespace mailtwin::engine {

bool glob_match(std::string_view p, std::string_view t, char delimiter) {
    // Iterative matching with one backtrack point per star kind, linear in practice.
    std::size_t pi = 0, ti = 0, star_p = std::string_view::npos, star_t = 0;
    bool star_crosses = false;
    while (ti < t.size()) {
        if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti]) && p[pi] != '*' && p[pi] != '%') {
            ++pi;
            ++ti;
        } else if (pi < p.size() && (p[pi] == '*' || p[pi] == '%')) {
            star_crosses = p[pi] == '*';
            star_p = pi++;
            star_t = ti;
        } else if (star_p != std::string_view::npos && (star_crosses || t[star_t] != delimiter)) {
            pi = star_p + 1;
            ti = ++star_t;
        } else {
            return false;
        }
    }
    while (pi < p.size() && (p[pi] == '*' || p[pi] == '%')) ++pi;
    return pi == p.size();
}

bool folder_selected(std::string_view name, const std::vector<std::string>& patterns, char delimiter) {
    return folder_selected(name, name, patterns, delimiter);
}

bool folder_selected(std::string_view name, std::string_view alt_name, const std::vector<std::string>& patterns,
                     char delimiter) {
    const std::string n = util::with_canonical_inbox(name);
    const std::string alt = util::with_canonical_inbox(alt_name);
    bool selected = false;
    for (const auto& raw : patterns) {
        const bool exclude = !raw.empty() && raw[0] == '!';
        const std::string pattern =
            util::with_canonical_inbox(exclude ? std::string_view(raw).substr(1) : std::string_view(raw));
        if (glob_match(pattern, n, delimiter) || (alt != n && glob_match(pattern, alt, delimiter))) selected = !exclude;
    }
    return selected;
}

bool skipped_special_use(std::uint32_t attributes, const std::vector<std::string>& skip) {
    if (skip.empty() || attributes == 0) return false;
    const std::string names = special_use_names(attributes);
    for (const auto& wanted : skip) {
        std::size_t start = 0;
        while (start < names.size()) {
            std::size_t end = names.find(' ', start);
            if (end == std::string::npos) end = names.size();
            if (util::iequals(std::string_view(names.data() + start, end - start), wanted)) return true;
            start = end + 1;
        }
    }
    return false;
}

FolderSelection::FolderSelection(const config::Sync& sync, FolderNaming naming,
                                 const std::vector<net::FolderInfo>& listed)
    : m_patterns(sync.folders), m_naming(std::move(naming)) {
    for (const auto& f : listed) {
        if (skipped_special_use(f.attributes, sync.skip_special_use)) m_special_skipped.insert(f.name);
        if (!f.selectable) m_hierarchy_nodes.insert(f.name);
    }
}

bool FolderSelection::selected(std::string_view name) const {
    return !m_special_skipped.contains(name) && m_naming.selected(name, m_patterns);
}

bool FolderSelection::synced(std::string_view name) const {
    return !m_hierarchy_nodes.contains(name) && selected(name);
}

}  // namespace mailtwin::engine
