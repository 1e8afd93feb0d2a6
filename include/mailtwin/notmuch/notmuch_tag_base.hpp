#pragma once
// The base of the three-way tag sync (notmuch_sync.hpp): per notmuch message, the keywords that its
// tags and its files' keyword letters agreed on at the end of the last tag step, and the Maildir keys
// (file names without the ":2," part) of its files then. A message none of whose files is known is
// new to the tag sync: it has no base, so nothing on it counts as a removal.
//
// Kept in the state directory as "notmuch-tags-<account>", replaced whole at each step:
//   mailtwin-notmuch-tags 1 <database uuid> <lastmod>
//   <id> <key>[,<key>...] [<keyword>...]          (each word %NN-escaped as in notmuch's batch files)
// A missing file is an empty base: the next step merges tags and keywords, removing none.
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "mailtwin/util/expected.hpp"

namespace mailtwin::engine {

struct TagBaseEntry {
    std::set<std::string> keywords;
    std::set<std::string> file_keys;
    friend bool operator==(const TagBaseEntry&, const TagBaseEntry&) = default;
};

struct TagBase {
    std::string uuid;                              // the notmuch database the revision belongs to
    std::uint64_t lastmod = 0;                     // every change up to this revision is in `messages`
    std::map<std::string, TagBaseEntry> messages;  // by notmuch message id

    static std::filesystem::path file_for(const std::filesystem::path& state_dir, const std::string& account);
    // Fails (std::errc::bad_message) on a damaged file, saying that removing it loses no keyword.
    static util::Expected<TagBase> load(const std::filesystem::path& file);
    [[nodiscard]] util::Expected<void> save(const std::filesystem::path& file) const;
    friend bool operator==(const TagBase&, const TagBase&) = default;
};

}  // namespace mailtwin::engine
