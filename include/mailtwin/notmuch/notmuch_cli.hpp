#pragma once
// The notmuch command line, as the tag sync (notmuch_sync.hpp) uses it: `notmuch` from PATH, with
// the user's own configuration (NOTMUCH_CONFIG, NOTMUCH_PROFILE or ~/.notmuch-config, found by notmuch
// itself), so mailtwin links no notmuch library and reads no notmuch file. Each failure says what to
// do, and quotes the first line notmuch wrote to its error output.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailtwin/notmuch/notmuch_sexp.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::engine {

// What the tag sync needs of notmuch's configuration.
struct NotmuchSettings {
    std::filesystem::path mail_root;  // database.mail_root (database.path when that is unset)
    std::vector<std::string> new_tags;
};

// notmuch's database revision: messages changed since `lastmod` match "lastmod:<lastmod + 1>..",
// as long as the database keeps its `uuid` (a rebuilt or compacted database gets a new one).
struct NotmuchRevision {
    std::uint64_t count = 0;  // of the messages the query matched
    std::string uuid;
    std::uint64_t lastmod = 0;
};

class NotmuchCli {
public:
    // notmuch new --quiet --no-hooks: index what changed in the mail store (cheap when nothing did).
    [[nodiscard]] util::Expected<void> index() const;
    // From notmuch config list; fails with how to configure notmuch when it has no configuration.
    [[nodiscard]] util::Expected<NotmuchSettings> settings() const;
    // The database's revision, and how many messages match `query` (excluded tags included, as
    // everywhere here).
    [[nodiscard]] util::Expected<NotmuchRevision> revision(const std::string& query) const;
    [[nodiscard]] util::Expected<std::vector<std::string>> ids(const std::string& query) const;
    // The id, files and tags of every message matching `query`.
    [[nodiscard]] util::Expected<std::vector<NotmuchMessage>> messages(const std::string& query) const;
    // notmuch tag --batch: `batch` holds lines "+tag -tag -- id:..." (notmuch_batch_line), passed
    // through `scratch_file`, which is removed afterwards.
    [[nodiscard]] util::Expected<void> tag(const std::string& batch, const std::filesystem::path& scratch_file) const;
};

// notmuch's %NN escaping of tags in batch lines (notmuch-tag(1), TAG FILE FORMAT): every byte but
// letters, digits and "+-_@=." is written as %NN. Also used for the words of the tag base file.
std::string notmuch_hex_encode(std::string_view text);
// The reverse; nullopt for a malformed %NN.
std::optional<std::string> notmuch_hex_decode(std::string_view text);
// A search term in Xapian's boolean quoting, as notmuch wants it: prefix:"value", quotes doubled.
std::string notmuch_term(std::string_view prefix, std::string_view value);
// One batch line: the tag changes of message `id` ("" when there is none).
std::string notmuch_batch_line(const std::vector<std::string>& add, const std::vector<std::string>& remove,
                               const std::string& id);

}  // namespace mailtwin::engine
