#include "mailtwin/engine/folder_filter.hpp"

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

}  // namespace mailtwin::engine
