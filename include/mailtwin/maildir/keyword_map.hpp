#pragma once
// IMAP keywords <-> Maildir letters a..z through the folder's "dovecot-keywords" file, as Dovecot and
// mutt/notmuch setups that share a Maildir with Dovecot expect: line "N name" gives keyword `name`
// the letter 'a' + N. Only 26 letters exist: further keywords cannot be stored locally, and are kept
// out of the local flag comparison so that the server's copy of them is never removed.
#include <array>
#include <filesystem>
#include <optional>
#include <string>

#include "mailtwin/maildir/filename.hpp"
#include "mailtwin/model/flags.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::maildir {

class KeywordMap {
public:
    static constexpr std::size_t k_letters = 26;

    // Reads <folder_dir>/dovecot-keywords; a missing file is an empty map.
    static util::Expected<KeywordMap> load(const std::filesystem::path& folder_dir);

    // Local flags (letters) -> FlagSet with keywords.
    [[nodiscard]] model::FlagSet to_flags(const maildir::MaildirFlags& local) const;
    // FlagSet -> letters, assigning letters to new keywords (the file is then rewritten by save()).
    // Keywords beyond the 26th are left out and reported in `unstorable`.
    maildir::MaildirFlags to_maildir(const model::FlagSet& flags, std::string* unstorable = nullptr);
    // Atomically rewrites the file if to_maildir() assigned new letters.
    util::Expected<void> save();
    [[nodiscard]] bool storable(const std::string& keyword) const;

private:
    std::filesystem::path m_file;
    std::array<std::optional<std::string>, k_letters> m_names{};
    bool m_dirty = false;
};

}  // namespace mailtwin::maildir
