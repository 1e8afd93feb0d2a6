// Scenario's folder-level changes: what another IMAP client does to a server folder, and what a
// user does to a Maildir folder with mv and rm.
#include <sys/stat.h>

#include <stdexcept>

#include "fixtures/run_awaitable.hpp"
#include "mailtwin/maildir/message_info.hpp"
#include "scenario.hpp"

namespace mailtwin::test {

void Scenario::server_rename(const std::string& from, const std::string& to) {
    (void)run_awaitable(m_io, m_session->select("INBOX"));  // leave the folder so it can be renamed
    auto r = run_awaitable(m_io, m_session->rename_folder(folder(from), folder(to)));
    if (!r) throw std::runtime_error(r.error().describe());
}

void Scenario::server_delete(const std::string& leaf) {
    (void)run_awaitable(m_io, m_session->select("INBOX"));
    auto r = run_awaitable(m_io, m_session->delete_folder(folder(leaf)));
    if (!r) throw std::runtime_error(r.error().describe());
}

bool Scenario::server_has(const std::string& leaf) {
    auto listed = run_awaitable(m_io, m_session->list_folders(false));
    if (!listed) throw std::runtime_error(listed.error().describe());
    for (const auto& f : *listed)
        if (f.name == folder(leaf) && f.selectable) return true;
    return false;
}

void Scenario::local_rename_folder(const std::string& from, const std::string& to) const {
    std::filesystem::create_directories(local_dir(to).parent_path());
    std::filesystem::rename(local_dir(from), local_dir(to));
}

void Scenario::local_delete_folder(const std::string& leaf) const {
    // rm -r of the folder's own Maildir; a nested child folder would go with it, so tests delete leaves.
    std::filesystem::remove_all(local_dir(leaf));
}

std::map<std::string, std::uint64_t> Scenario::local_inodes(const std::string& leaf) const {
    std::map<std::string, std::uint64_t> out;
    for (const char* sub : {"cur", "new"})
        for (const auto& e : std::filesystem::directory_iterator(local_dir(leaf) / sub)) {
            maildir::MessageInfo info(e.path());
            auto mid = info.message_id();
            struct stat st {};
            if (!mid || !*mid || ::stat(e.path().c_str(), &st) != 0) continue;
            out[**mid] = static_cast<std::uint64_t>(st.st_ino);
        }
    return out;
}

}  // namespace mailtwin::test
