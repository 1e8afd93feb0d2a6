#include "mailtwin/notmuch/notmuch_tag_base.hpp"

#include <fstream>
#include <sstream>
#include <system_error>

#include "mailtwin/maildir/atomic_file.hpp"
#include "mailtwin/notmuch/notmuch_cli.hpp"

namespace mailtwin::engine {
namespace {

constexpr std::string_view k_magic = "mailtwin-notmuch-tags";
constexpr int k_version = 1;

util::Unexpected damaged(const std::filesystem::path& file, std::size_t line) {
    return util::unexpected(util::Error{
        std::make_error_code(std::errc::bad_message),
        "the notmuch tag base " + file.string() + " is damaged (line " + std::to_string(line) +
            "): remove it; the next sync then merges tags and keywords as a first one does, removing none"});
}

}  // namespace

std::filesystem::path TagBase::file_for(const std::filesystem::path& state_dir, const std::string& account) {
    return state_dir / ("notmuch-tags-" + account);
}

util::Expected<TagBase> TagBase::load(const std::filesystem::path& file) {
    TagBase base;
    std::ifstream in(file, std::ios::binary);
    if (!in) return base;
    std::string line;
    std::size_t number = 1;
    {
        std::getline(in, line);
        std::istringstream header(line);
        std::string magic;
        int version = 0;
        if (!(header >> magic >> version >> base.uuid >> base.lastmod) || magic != k_magic || version != k_version)
            return damaged(file, number);
    }
    while (std::getline(in, line)) {
        ++number;
        std::istringstream words(line);
        std::string id, keys, keyword;
        if (!(words >> id >> keys)) return damaged(file, number);
        auto decoded_id = notmuch_hex_decode(id);
        if (!decoded_id) return damaged(file, number);
        TagBaseEntry& entry = base.messages[*decoded_id];
        std::istringstream key_list(keys);
        for (std::string key; std::getline(key_list, key, ',');) {
            auto k = notmuch_hex_decode(key);
            if (!k || k->empty()) return damaged(file, number);
            entry.file_keys.insert(*k);
        }
        while (words >> keyword) {
            auto k = notmuch_hex_decode(keyword);
            if (!k || k->empty()) return damaged(file, number);
            entry.keywords.insert(*k);
        }
    }
    return base;
}

util::Expected<void> TagBase::save(const std::filesystem::path& file) const {
    // Appended, not `std::string(k_magic) + ...`: GCC 12 reports a false -Warray-bounds there (bug 105651).
    std::string text(k_magic);
    for (const std::string& field : {std::to_string(k_version), uuid, std::to_string(lastmod)}) text += " " + field;
    text += "\n";
    for (const auto& [id, entry] : messages) {
        if (entry.file_keys.empty()) continue;  // no file: nothing to recognise the message by
        text += notmuch_hex_encode(id) + " ";
        bool first = true;
        for (const auto& key : entry.file_keys) {
            text += (first ? "" : ",") + notmuch_hex_encode(key);
            first = false;
        }
        for (const auto& keyword : entry.keywords) text += " " + notmuch_hex_encode(keyword);
        text += "\n";
    }
    return maildir::write_file_atomically(file, text);
}

}  // namespace mailtwin::engine
