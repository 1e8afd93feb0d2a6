#include "mailtwin/maildir/layout.hpp"

#include <climits>

#include "mailtwin/util/inbox.hpp"

#include <algorithm>
#include <vector>

#include "mailtwin/maildir/error.hpp"

namespace mailtwin::maildir {
namespace {

constexpr std::size_t k_name_max = 255;  // NAME_MAX of Linux file systems
using util::is_inbox;
using util::k_inbox;

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1Fu;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0Fu;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07u;
        } else
            return false;
        if (i + len > s.size()) return false;
        for (std::size_t k = 1; k < len; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0u) != 0x80u) return false;
            cp = (cp << 6) | (cc & 0x3Fu);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

bool has_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7F;
    });
}

std::vector<std::string_view> split(std::string_view s, char delimiter) {
    std::vector<std::string_view> out;
    if (delimiter == k_no_delimiter) {
        out.push_back(s);
        return out;
    }
    std::size_t start = 0;
    for (;;) {
        const auto pos = s.find(delimiter, start);
        out.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
        if (pos == std::string_view::npos) return out;
        start = pos + 1;
    }
}

bool must_escape(char c, LayoutKind kind) {
    return c == '/' || c == '\\' || (c == '.' && kind == LayoutKind::maildir_plus_plus);
}

std::string escape(std::string_view component, LayoutKind kind) {
    std::string out;
    for (char c : component) {
        if (!must_escape(c, kind)) {
            out += c;
            continue;
        }
        const auto u = static_cast<unsigned char>(c);
        out += '\\';
        out += static_cast<char>('0' + (u >> 6));
        out += static_cast<char>('0' + ((u >> 3) & 7u));
        out += static_cast<char>('0' + (u & 7u));
    }
    return out;
}

// Accepts exactly the escapes escape() writes; nullopt for any other backslash.
std::optional<std::string> unescape(std::string_view component, LayoutKind kind) {
    std::string out;
    for (std::size_t i = 0; i < component.size(); ++i) {
        if (component[i] != '\\') {
            out += component[i];
            continue;
        }
        const auto digits = component.substr(i + 1, 3);
        if (digits.size() != 3 || std::any_of(digits.begin(), digits.end(), [](char d) { return d < '0' || d > '7'; }))
            return std::nullopt;
        const int v = (digits[0] - '0') * 64 + (digits[1] - '0') * 8 + (digits[2] - '0');
        const char c = static_cast<char>(v);
        if (v > 0xFF || !must_escape(c, kind)) return std::nullopt;
        out += c;
        i += 3;
    }
    return out;
}

util::Unexpected unsafe(std::string_view name, std::string_view why) {
    return util::unexpected(
        make_error(Errc::unsafe_folder_name, "folder name '" + std::string(name) + "' " + std::string(why) +
                                                 "; it is not synchronized — rename it on the server or exclude it "
                                                 "with a \"!name\" rule in sync.folders"));
}

// Why the dotted layout refuses a name with a '.' in a level: its directory names another folder.
std::string dotted_ambiguity(std::string_view name, char delimiter) {
    const std::string why = "holds a '.', which the dotted layout reads as a level separator: ";
    const std::string advice = "; layout = \"verbatim\" keeps such names";
    if (delimiter == k_no_delimiter) return why + "its directory would have levels, which this server has not" + advice;
    std::string read_back(name);
    std::replace(read_back.begin(), read_back.end(), '.', delimiter);
    return why + "its directory would be read back as the folder '" + read_back +
           "' (offlineimap's default layout cannot tell the two apart either), and syncing it could copy its mail "
           "twice" +
           advice;
}

util::Unexpected unmappable(const std::filesystem::path& dir, std::string_view why) {
    return util::unexpected(
        make_error(Errc::unmappable_folder_name,
                   "local folder '" + dir.string() + "' " + std::string(why) + "; rename the directory to sync it"));
}

}  // namespace

std::optional<LayoutKind> parse_layout_kind(std::string_view text) noexcept {
    for (auto kind : {LayoutKind::verbatim, LayoutKind::maildir_plus_plus, LayoutKind::dotted})
        if (text == layout_kind_name(kind)) return kind;
    return std::nullopt;
}

std::string_view layout_kind_name(LayoutKind kind) noexcept {
    switch (kind) {
        case LayoutKind::verbatim:
            return "verbatim";
        case LayoutKind::maildir_plus_plus:
            return "maildir++";
        case LayoutKind::dotted:
            return "dotted";
    }
    return "?";
}

Layout::Layout(std::filesystem::path root, LayoutKind kind) : m_root(std::move(root)), m_kind(kind) {}

util::Expected<std::filesystem::path> Layout::local_path(std::string_view remote_name, char delimiter) const {
    return spell(remote_name, delimiter, false);
}

std::optional<std::filesystem::path> Layout::taken_path(std::string_view remote_name, char delimiter) const {
    if (m_kind != LayoutKind::dotted || local_path(remote_name, delimiter)) return std::nullopt;
    auto spelled = spell(remote_name, delimiter, true);
    if (!spelled) return std::nullopt;
    return *spelled;
}

util::Expected<std::filesystem::path> Layout::spell(std::string_view remote_name, char delimiter,
                                                    bool separator_allowed) const {
    if (remote_name.empty()) return unsafe(remote_name, "is empty");
    if (remote_name.find('\0') != std::string_view::npos || has_control(remote_name))
        return unsafe(remote_name, "holds a control character");
    if (!valid_utf8(remote_name)) return unsafe(remote_name, "is not valid UTF-8");

    std::vector<std::string> escaped;
    const auto parts = split(remote_name, delimiter);
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const auto part = parts[i];
        if (part.empty()) return unsafe(remote_name, "has an empty level");
        if (part == "." || part == "..") return unsafe(remote_name, "has a '.' or '..' level (path traversal)");
        if (m_kind == LayoutKind::verbatim && i > 0 && (part == "cur" || part == "new" || part == "tmp"))
            return unsafe(remote_name, "has a nested level named cur, new or tmp, which are Maildir's own");
        if (m_kind == LayoutKind::dotted && !separator_allowed && part.find('.') != std::string_view::npos)
            return unsafe(remote_name, dotted_ambiguity(remote_name, delimiter));
        escaped.push_back(i == 0 && is_inbox(part) ? std::string(k_inbox) : escape(part, m_kind));
        if (escaped.back().size() > k_name_max) return unsafe(remote_name, "has a level longer than 255 bytes");
    }

    std::filesystem::path out = m_root;
    if (m_kind == LayoutKind::verbatim) {
        for (const auto& e : escaped) out /= e;
    } else if (m_kind == LayoutKind::dotted) {
        std::string dir;
        for (const auto& e : escaped) dir += (dir.empty() ? "" : ".") + e;
        if (dir.size() > k_name_max) return unsafe(remote_name, "is longer than 255 bytes as a dotted directory");
        out /= dir;
    } else if (escaped.size() != 1 || escaped[0] != k_inbox) {
        std::string dir;
        for (const auto& e : escaped) dir += "." + e;
        if (dir.size() > k_name_max) return unsafe(remote_name, "is longer than 255 bytes as a maildir++ directory");
        out /= dir;
    }
    // Each level may be legal and the whole still too long: the kernel refuses paths of PATH_MAX
    // bytes or more, and the folder must leave room for "/cur/" and a message file name.
    constexpr std::size_t k_room_for_files = 5 + k_name_max;
    if (out.native().size() + k_room_for_files >= PATH_MAX)
        return unsafe(remote_name, "is too long for a local path (" + std::to_string(out.native().size()) +
                                       " bytes with the Maildir root; with its message files it would pass the "
                                       "system's limit of " +
                                       std::to_string(PATH_MAX) + " bytes, PATH_MAX)");
    // Defence in depth: the checks above already make this impossible.
    const auto rel = out.lexically_normal().lexically_relative(m_root.lexically_normal());
    if (rel.empty() || *rel.begin() == "..") return unsafe(remote_name, "would leave the Maildir root");
    return out;
}

util::Expected<std::string> Layout::remote_name(const std::filesystem::path& folder_dir, char delimiter) const {
    auto rel = folder_dir.is_absolute() ? folder_dir.lexically_normal().lexically_relative(m_root.lexically_normal())
                                        : folder_dir.lexically_normal();
    if (rel == ".") rel.clear();
    if (!rel.empty() && *rel.begin() == "..") return unmappable(folder_dir, "is outside the Maildir root");

    std::vector<std::string> components;
    if (m_kind == LayoutKind::verbatim) {
        if (rel.empty()) return unmappable(folder_dir, "is the root itself, which has no name in the verbatim layout");
        for (const auto& c : rel) components.push_back(c.string());
    } else if (m_kind == LayoutKind::dotted) {
        if (rel.empty()) return unmappable(folder_dir, "is the root itself, which has no name in the dotted layout");
        const auto dir = rel.string();
        if (std::distance(rel.begin(), rel.end()) != 1)
            return unmappable(folder_dir, "is not a dotted folder (\"Name.Sub\" directly under the root)");
        for (auto c : split(dir, '.')) components.emplace_back(c);
    } else {
        if (rel.empty()) return std::string(k_inbox);
        const auto dir = rel.string();
        if (std::distance(rel.begin(), rel.end()) != 1 || dir.size() < 2 || dir[0] != '.')
            return unmappable(folder_dir, "is not a maildir++ folder (\".Name.Sub\" directly under the root)");
        for (auto c : split(std::string_view(dir).substr(1), '.')) components.emplace_back(c);
        if (components.size() == 1 && is_inbox(components[0]))
            return unmappable(folder_dir, "would be a second INBOX (the root is INBOX in maildir++)");
    }
    if (components.size() > 1 && delimiter == k_no_delimiter)
        return unmappable(folder_dir, "has levels but the server has no hierarchy");

    std::string out;
    for (std::size_t i = 0; i < components.size(); ++i) {
        const auto& c = components[i];
        if (c.empty() || c == "." || c == "..") return unmappable(folder_dir, "has an empty, '.' or '..' level");
        if (has_control(c) || !valid_utf8(c)) return unmappable(folder_dir, "has a control character or bad UTF-8");
        auto plain = unescape(c, m_kind);
        if (!plain) return unmappable(folder_dir, "has a backslash that is not one of mailtwin's escapes");
        if (delimiter != k_no_delimiter && plain->find(delimiter) != std::string::npos)
            return unmappable(folder_dir,
                              std::string("has a level holding the server's delimiter '") + delimiter + "'");
        // Only the spelling local_path() writes maps back, so both directions stay inverse.
        if (i == 0 && is_inbox(*plain) && *plain != k_inbox)
            return unmappable(folder_dir, "is INBOX spelled differently; mailtwin writes it as \"INBOX\"");
        if (i > 0) out += delimiter;
        out += *plain;
    }
    return out;
}

}  // namespace mailtwin::maildir
