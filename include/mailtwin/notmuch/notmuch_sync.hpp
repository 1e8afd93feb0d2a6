#pragma once
// IMAP keywords <-> notmuch tags for one account (`notmuch_tags = true`), through the notmuch command
// line (notmuch_cli.hpp) and the Maildir's keyword letters, which the mail sync already carries both
// ways. sync_account runs one step before the mail sync, so that tags changed in notmuch become
// keyword letters the sync sends to the server, and one after it, so that the keywords the sync
// brought become tags. A step:
//   1. `notmuch new`, so that notmuch knows every file as it is now (renamed, new, gone);
//   2. reads the account's messages that notmuch changed since the last step (its lastmod revision;
//      all of them the first time, or when the database was rebuilt);
//   3. merges, per message, its tags, its files' keywords and the base three ways (notmuch_tags.hpp,
//      notmuch_tag_base.hpp);
//   4. renames files for keyword changes (keyword_files.hpp), runs `notmuch new` again when it did
//      (`notmuch tag` renames files for flag tags, so it must know the new names), then
//      `notmuch tag --batch` for the tag changes;
//   5. saves the base last: a step stopped anywhere is done again by the next, to the same end.
#include <filesystem>
#include <string>
#include <vector>

#include "mailtwin/config/config.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::engine {

struct NotmuchStep {
    std::size_t tags_added = 0;
    std::size_t tags_removed = 0;
    std::size_t keywords_added = 0;  // per message: a keyword none of its files had before
    std::size_t keywords_removed = 0;
    std::vector<std::string> notes;     // keywords a folder has no letter left for
    std::vector<util::Error> problems;  // files that could not be renamed: tried again next time
};

// Fails (EngineError::notmuch_failed, or the file error) with what to do, having changed nothing
// that the next step would not finish.
util::Expected<NotmuchStep> sync_notmuch_tags(const config::Account& account, const std::filesystem::path& state_dir);

// "notmuch: tags +2 -1, keywords +1 -0", or "" when the step changed nothing.
std::string describe(const NotmuchStep& step);

}  // namespace mailtwin::engine
