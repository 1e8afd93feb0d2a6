#pragma once
// Internal to the loader: the directories a config names must not share files. Two accounts on one
// Maildir (or one inside the other) would each upload the other's mail to its own server, and a
// state directory inside a Maildir (or holding one) mixes mailtwin's database with mail.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mailtwin::config::detail {

struct ConfiguredDir {
    std::string key;             // as written: "accounts.work.maildir", "general.state_dir"
    std::filesystem::path path;  // as the config resolved it (~ and $VAR expanded)
    std::size_t line = 0;        // where it was written; 0: a default nobody wrote
    std::size_t column = 0;
    bool state = false;  // the state directory, not a Maildir
};

struct DirCollision {
    std::size_t at = 0;  // index of the directory the message is reported at (written later)
    std::string message;
};

// Compares after making each path absolute and lexically normal, and resolving the symbolic links of
// the part that exists (so a link to another account's Maildir counts). Maildir vs Maildir and
// state dir vs Maildir collide when equal or when one lies inside the other. `dirs` is in the
// order they were written (defaults, line 0, first); the first collision is returned, reported at
// the directory written later.
[[nodiscard]] std::optional<DirCollision> find_dir_collision(const std::vector<ConfiguredDir>& dirs);

}  // namespace mailtwin::config::detail
