#include "mailtwin/engine/keyword_map.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

namespace mailtwin::engine {

util::Expected<KeywordMap> KeywordMap::load(const std::filesystem::path& folder_dir) {
    KeywordMap map;
    map.m_file = folder_dir / "dovecot-keywords";
    std::ifstream in(map.m_file);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::size_t index = 0;
        std::string name;
        if (!(fields >> index >> name) || index >= k_letters) continue;  // foreign lines are ignored
        map.m_names[index] = name;
    }
    return map;
}

model::FlagSet KeywordMap::to_flags(const maildir::MaildirFlags& local) const {
    model::FlagSet out = local.flags;
    for (char c : local.other_letters)
        if (c >= 'a' && c <= 'z')
            if (const auto& name = m_names[static_cast<std::size_t>(c - 'a')]) out.keywords.insert(*name);
    return out;
}

bool KeywordMap::storable(const std::string& keyword) const {
    for (const auto& n : m_names)
        if (!n || *n == keyword) return true;
    return false;
}

maildir::MaildirFlags KeywordMap::to_maildir(const model::FlagSet& flags, std::string* unstorable) {
    maildir::MaildirFlags out;
    out.flags = model::FlagSet(flags.bits());
    std::string letters;
    for (const auto& keyword : flags.keywords) {
        std::optional<std::size_t> slot;
        for (std::size_t i = 0; i < k_letters && !slot; ++i)
            if (m_names[i] == keyword) slot = i;
        for (std::size_t i = 0; i < k_letters && !slot; ++i)
            if (!m_names[i]) {
                m_names[i] = keyword;
                m_dirty = true;
                slot = i;
            }
        if (slot) letters += static_cast<char>('a' + *slot);
        else if (unstorable) *unstorable += (unstorable->empty() ? "" : " ") + keyword;
    }
    return maildir::MaildirFlags::from_letters(out.letters() + letters);
}

util::Expected<void> KeywordMap::save() {
    if (!m_dirty) return {};
    std::string text;
    for (std::size_t i = 0; i < k_letters; ++i)
        if (m_names[i]) text += std::to_string(i) + " " + *m_names[i] + "\n";
    // Written beside and renamed over, so a reader never sees half a file.
    auto tmp = m_file;
    tmp += ".mailtwin-tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return util::unexpected(util::system_error(errno, "cannot write " + tmp.string()));
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    int e = errno;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), m_file.c_str()) != 0) {
        if (ok) e = errno;
        ::unlink(tmp.c_str());
        return util::unexpected(util::system_error(e, "cannot write " + m_file.string()));
    }
    m_dirty = false;
    return {};
}

}  // namespace mailtwin::engine
