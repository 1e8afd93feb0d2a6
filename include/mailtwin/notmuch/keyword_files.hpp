#pragma once
// The keywords of single Maildir files, read from and written into their names, as a letter-aware
// mail reader changes them: letters through each folder's dovecot-keywords (keyword_map.hpp; letters
// for new keywords are assigned there, and the table is written before any file uses them), every
// other letter of the name kept, and a file of new/ moved to cur/ when it gets its ":2," part.
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "mailtwin/maildir/keyword_map.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::engine {

struct KeywordFile {
    std::filesystem::path path;
    std::string key;  // the name without its info part: stable across renames
    std::set<std::string> keywords;
};

class KeywordFiles {
public:
    // The file at `path`, in some folder's cur/ or new/; fails for another path or an unparsable name.
    util::Expected<KeywordFile> read(const std::filesystem::path& path);
    // Renames `file` so that its letters say `keywords`; keywords past the 26 letters a folder can
    // hold are left out (`file.keywords` then says what the name holds). Nothing is done when the
    // name says them already.
    util::Expected<void> write(KeywordFile& file, const std::set<std::string>& keywords);

private:
    util::Expected<maildir::KeywordMap*> map_for(const std::filesystem::path& folder_dir);
    std::map<std::filesystem::path, maildir::KeywordMap> m_maps;
};

}  // namespace mailtwin::engine
