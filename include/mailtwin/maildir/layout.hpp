#pragma once
// Where a remote folder lives under the local root, and back.
//
//   verbatim    INBOX -> <root>/INBOX, Lists/dev -> <root>/Lists/dev   (each folder has cur/new/tmp)
//   maildir++   INBOX -> <root>,       Lists/dev -> <root>/.Lists.dev
//   dotted      INBOX -> <root>/INBOX, Lists/dev -> <root>/Lists.dev,  INBOX/sub -> <root>/INBOX.sub
//               (what offlineimap writes with its default `sep = .`, and mbsync with `Flatten .`)
//
// Remote names arrive as UTF-8 with the server's hierarchy delimiter (k_no_delimiter for a flat
// namespace, LIST returned NIL). "INBOX" is matched case-insensitively and spelled "INBOX".
//
// Safety: the result never leaves the root. A name is rejected (Errc::unsafe_folder_name) when it
// is empty, has an empty component (leading, trailing or doubled delimiter), a "." or ".."
// component, a control character or NUL, malformed UTF-8, a component over 255 bytes, or (verbatim)
// a nested component named cur, new or tmp, which would clash with its parent's own directories.
// Characters that cannot appear in a component are escaped as a backslash and three octal digits:
//   '/' -> \057, '\' -> \134, and in maildir++ also '.' -> \056 (the level separator there).
// The mapping back accepts exactly these escapes, so both directions are inverse: a local name
// with another backslash sequence, or one whose component holds the delimiter, has no remote
// spelling (Errc::unmappable_folder_name).
//
// dotted does not escape '.': a Maildir written by offlineimap holds the server folder "v1.2" as
// <root>/v1.2, which is also the spelling of "v1/2", and an escape would make mailtwin download it a
// second time beside the first. A remote name with a '.' in a level is refused instead
// (Errc::unsafe_folder_name), and taken_path() names the directory it would share, so that the
// engine syncs neither folder through it.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "mailtwin/util/expected.hpp"

namespace mailtwin::maildir {

enum class LayoutKind : std::uint8_t { verbatim, maildir_plus_plus, dotted };

// "verbatim" | "maildir++" | "dotted" (the configuration spelling).
std::optional<LayoutKind> parse_layout_kind(std::string_view text) noexcept;
std::string_view layout_kind_name(LayoutKind kind) noexcept;

inline constexpr char k_no_delimiter = '\0';

class Layout {
public:
    Layout(std::filesystem::path root, LayoutKind kind);

    [[nodiscard]] const std::filesystem::path& root() const noexcept { return m_root; }
    [[nodiscard]] LayoutKind kind() const noexcept { return m_kind; }

    // The folder directory for a remote name.
    [[nodiscard]] util::Expected<std::filesystem::path> local_path(std::string_view remote_name, char delimiter) const;
    // The remote name for a folder directory, given absolute (under the root) or relative to it.
    [[nodiscard]] util::Expected<std::string> remote_name(const std::filesystem::path& folder_dir,
                                                          char delimiter) const;
    // For a name local_path() refuses only because a level holds the layout's own level separator
    // (a '.' in dotted): the directory other tools keep it in (offlineimap: <root>/v1.2 for "v1.2"),
    // which remote_name() reads as another folder ("v1/2"). nullopt for any other name.
    [[nodiscard]] std::optional<std::filesystem::path> taken_path(std::string_view remote_name, char delimiter) const;

private:
    // local_path(), or with `separator_allowed` the spelling of taken_path().
    [[nodiscard]] util::Expected<std::filesystem::path> spell(std::string_view remote_name, char delimiter,
                                                              bool separator_allowed) const;

    std::filesystem::path m_root;
    LayoutKind m_kind;
};

}  // namespace mailtwin::maildir
