#include "mailtwin/notmuch/keyword_files.hpp"

#include <cerrno>
#include <cstdio>
#include <system_error>

#include "mailtwin/maildir/filename.hpp"

namespace mailtwin::engine {
namespace {

std::filesystem::path folder_of(const std::filesystem::path& file) { return file.parent_path().parent_path(); }

}  // namespace

util::Expected<maildir::KeywordMap*> KeywordFiles::map_for(const std::filesystem::path& folder_dir) {
    auto it = m_maps.find(folder_dir);
    if (it == m_maps.end()) {
        auto map = maildir::KeywordMap::load(folder_dir);
        if (!map) return util::unexpected(std::move(map).error());
        it = m_maps.emplace(folder_dir, std::move(*map)).first;
    }
    return &it->second;
}

util::Expected<KeywordFile> KeywordFiles::read(const std::filesystem::path& path) {
    const auto sub = path.parent_path().filename();
    auto name = maildir::parse_file_name(path.filename().string());
    if ((sub != "cur" && sub != "new") || !name)
        return util::unexpected(util::Error{std::make_error_code(std::errc::invalid_argument),
                                            path.string() + " is not a message file of a Maildir folder"});
    auto map = map_for(folder_of(path));
    if (!map) return util::unexpected(std::move(map).error());
    return KeywordFile{path, name->key, (*map)->to_flags(name->flags).keywords};
}

util::Expected<void> KeywordFiles::write(KeywordFile& file, const std::set<std::string>& keywords) {
    if (file.keywords == keywords) return {};
    auto name = maildir::parse_file_name(file.path.filename().string());
    auto map = map_for(folder_of(file.path));
    if (!name || !map)
        return util::unexpected(util::Error{std::make_error_code(std::errc::invalid_argument),
                                            "cannot read the name of " + file.path.string()});
    // An experimental ":1," or foreign info part is not ours to rewrite; the keywords stay as they are.
    if (name->info == maildir::InfoKind::v1 || name->info == maildir::InfoKind::unknown) return {};
    // Letters without a keyword in the table belong to some other program: they stay.
    std::string foreign_letters;
    for (char c : name->flags.other_letters)
        if ((*map)->to_flags(maildir::MaildirFlags::from_letters(std::string(1, c))).keywords.empty())
            foreign_letters += c;
    model::FlagSet wanted(name->flags.flags.bits());
    wanted.keywords = keywords;
    const auto letters = (*map)->to_maildir(wanted);
    if (auto saved = (*map)->save(); !saved) return saved;  // the table first: no letter without its keyword
    const auto flags = maildir::MaildirFlags::from_letters(letters.letters() + foreign_letters);
    const char separator = name->info == maildir::InfoKind::none ? maildir::k_info_separator : name->separator;
    const auto target = folder_of(file.path) / "cur" / maildir::render_file_name(name->key, flags, separator);
    if (target != file.path && std::rename(file.path.c_str(), target.c_str()) != 0)
        return util::unexpected(util::system_error(errno, "cannot rename " + file.path.string()));
    file.path = target;
    file.keywords = (*map)->to_flags(flags).keywords;
    return {};
}

}  // namespace mailtwin::engine
