#include "mailtwin/maildir/keyword_map.hpp"

#include <fstream>
#include <sstream>

#include "mailtwin/maildir/atomic_file.hpp"

namespace mailtwin::maildir {

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
        if (slot)
            letters += static_cast<char>('a' + *slot);
        else if (unstorable)
            *unstorable += (unstorable->empty() ? "" : " ") + keyword;
    }
    return maildir::MaildirFlags::from_letters(out.letters() + letters);
}

util::Expected<void> KeywordMap::save() {
    if (!m_dirty) return {};
    std::string text;
    for (std::size_t i = 0; i < k_letters; ++i)
        if (m_names[i]) text += std::to_string(i) + " " + *m_names[i] + "\n";
    if (auto r = write_file_atomically(m_file, text); !r) return r;
    m_dirty = false;
    return {};
}

}  // namespace mailtwin::maildir
