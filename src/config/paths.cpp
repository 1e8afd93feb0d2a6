#include "mailtwin/config/paths.hpp"

#include <cctype>
#include <cstdlib>

namespace mailtwin::config {
namespace {

std::string home_dir() {
    const char* home = std::getenv("HOME");
    return home ? home : "";
}

bool is_var_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

std::optional<std::filesystem::path> expand_path(std::string_view raw, std::string* missing_var) {
    std::string out;
    std::size_t i = 0;
    if (!raw.empty() && raw[0] == '~' && (raw.size() == 1 || raw[1] == '/')) {
        out = home_dir();
        i = 1;
    }
    while (i < raw.size()) {
        if (raw[i] != '$') {
            out += raw[i++];
            continue;
        }
        std::size_t start = i + 1;
        std::string name;
        if (start < raw.size() && raw[start] == '{') {
            std::size_t close = raw.find('}', start);
            if (close == std::string_view::npos) {
                out += raw.substr(i);
                break;
            }
            name = raw.substr(start + 1, close - start - 1);
            i = close + 1;
        } else {
            std::size_t end = start;
            while (end < raw.size() && is_var_char(raw[end])) ++end;
            if (end == start) {  // a lone '$' is literal
                out += '$';
                ++i;
                continue;
            }
            name = raw.substr(start, end - start);
            i = end;
        }
        const char* value = std::getenv(name.c_str());
        if (!value) {
            if (missing_var) *missing_var = name;
            return std::nullopt;
        }
        out += value;
    }
    return std::filesystem::path(out);
}

std::filesystem::path xdg_home(const char* xdg_variable, const char* fallback_below_home) {
    const char* xdg = std::getenv(xdg_variable);
    if (xdg && *xdg && xdg[0] == '/') return xdg;
    return std::filesystem::path(home_dir()) / fallback_below_home;
}

}  // namespace mailtwin::config
