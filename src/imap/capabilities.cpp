#include "mailtwin/imap/capabilities.hpp"

#include <algorithm>
#include <cctype>

namespace mailtwin::imap {
namespace {

std::string upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

}  // namespace

Capabilities::Capabilities(const std::vector<std::string>& names) {
    for (const auto& n : names) m_names.insert(upper(n));
}

bool Capabilities::has(std::string_view name) const { return m_names.count(upper(name)) != 0; }

bool Capabilities::auth(std::string_view mechanism) const { return has("AUTH=" + std::string(mechanism)); }

std::string Capabilities::to_string() const {
    std::string out;
    for (const auto& n : m_names) {
        if (!out.empty()) out += ' ';
        out += n;
    }
    return out;
}

}  // namespace mailtwin::imap
