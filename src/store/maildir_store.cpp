#include "mailtwin/store/maildir_store.hpp"

#include <sys/stat.h>

#include <fstream>
#include <set>

#include "mailtwin/maildir/filename.hpp"
#include "mailtwin/maildir/folder.hpp"
#include "mailtwin/maildir/message_info.hpp"
#include "mailtwin/maildir/pending_dir_syncs.hpp"
#include "mailtwin/store/identity.hpp"

namespace mailtwin::store {
namespace {

// "'<path>' cannot be read (Permission denied)": what the user must fix, without advice that fits
// another cause.
std::string cannot_read(const std::filesystem::path& file, const util::Error& e) {
    const bool from_errno = e.code.category() == std::generic_category() || e.code.category() == std::system_category();
    std::string out = "'";
    out += file.string();
    out += "' cannot be read (";
    out += from_errno ? e.code.message() : e.describe();
    out += ")";
    return out;
}

std::string not_regular(const std::filesystem::path& file) {
    std::string out = "'";
    out += file.string();
    out += "' is not a regular file; a message must be one";
    return out;
}

bool regular_or_unknown(const std::filesystem::path& file) {
    struct stat st {};
    return ::stat(file.c_str(), &st) != 0 || S_ISREG(st.st_mode);  // a failed stat: the read then says why
}

// Sends a Maildir file (bare LF line ends, the Maildir norm) as a message in CRLF form, in chunks.
util::Expected<void> push_file(const std::filesystem::path& file, std::size_t index, std::uint64_t size,
                               MessageSink& sink) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return util::unexpected(util::system_error(errno, "cannot open " + file.string()));
    sink.begin(size);
    std::string chunk(64 * 1024, '\0');
    std::string converted;
    char last = '\0';
    std::uint64_t sent = 0;
    while (in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        const auto n = static_cast<std::size_t>(in.gcount());
        converted.clear();
        for (std::size_t i = 0; i < n; ++i) {
            if (chunk[i] == '\n' && last != '\r') converted += '\r';
            converted += chunk[i];
            last = chunk[i];
        }
        sent += converted.size();
        sink.data(converted);
    }
    if (sent != size)  // changed since it was described: never ended, so never stored
        return util::unexpected(util::Error{std::make_error_code(std::errc::resource_unavailable_try_again),
                                            "'" + file.string() + "' changed while it was read"});
    sink.end(index);
    return {};
}

}  // namespace

util::Expected<std::unique_ptr<MaildirStore>> MaildirStore::open(std::filesystem::path folder_dir, bool root_present) {
    auto keywords = maildir::KeywordMap::load(folder_dir);
    if (!keywords) return util::unexpected(std::move(keywords).error());
    return std::unique_ptr<MaildirStore>(new MaildirStore(std::move(folder_dir), std::move(*keywords), root_present));
}

asio::awaitable<util::Expected<void>> MaildirStore::view(FolderViews& views, const ViewRequest& request) {
    const std::string no_stamp;
    auto scan = maildir::scan_local(m_dir, *request.rows, m_keywords,
                                    request.last ? request.last->local_stamp : no_stamp, request.full, m_root_present);
    if (!scan) co_return util::unexpected(std::move(scan).error());
    m_unchanged = scan->view.kind == model::LocalViewKind::unchanged;
    m_file_names = std::move(scan->file_names);
    m_stamp = scan->stamp;
    m_not_carried = std::move(scan->not_carried);
    views.local = std::move(scan->view);
    co_return util::Expected<void>{};
}

std::string MaildirStore::hint(const std::string& key) const {
    auto it = m_file_names.find(key);
    return it == m_file_names.end() ? std::string() : it->second;
}

util::Expected<maildir::MessageRef> MaildirStore::locate(const std::string& key) const {
    return maildir::find_message(m_dir, key, hint(key));
}

asio::awaitable<util::Expected<std::vector<std::optional<model::Identity>>>> MaildirStore::identify(
    const std::vector<MessageId>& ids) {
    std::vector<std::optional<model::Identity>> out;
    out.reserve(ids.size());
    for (const auto& id : ids) {
        auto where = locate(id.key);
        std::optional<model::Identity> identity;
        if (where)
            if (auto computed = local_identity(where->path)) identity = *computed;
        out.push_back(identity);  // none: gone since the scan, and the next run sees it gone
    }
    co_return out;
}

asio::awaitable<util::Expected<std::vector<Described>>> MaildirStore::describe(const std::vector<MessageId>& ids) {
    std::vector<Described> out;
    out.reserve(ids.size());
    for (const auto& id : ids) {
        Described d;
        auto where = locate(id.key);
        if (!where) {
            d.not_carried = where.error().message;
        } else if (!regular_or_unknown(where->path)) {
            d.not_carried = not_regular(where->path);
        } else if (auto identity = local_identity(where->path); !identity) {
            d.not_carried = cannot_read(where->path, identity.error());
        } else if (auto size = maildir::MessageInfo(where->path).rfc822_size(); !size) {
            d.not_carried = cannot_read(where->path, size.error());
        } else {
            d.identity = *identity;
            d.size = *size;
            m_copy_sizes[id.key] = *size;
        }
        out.push_back(std::move(d));
    }
    co_return out;
}

Checkpoint MaildirStore::checkpoint() const {
    Checkpoint c;
    if (m_root_present) c.local_stamp = maildir::encode_stamp(m_stamp);
    return c;
}

void MaildirStore::retain(const std::vector<MessageId>& named, const model::FolderState& rows) {
    std::set<std::string> keys;
    for (const auto& id : named) keys.insert(id.key);
    std::erase_if(m_file_names, [&keys](const auto& entry) { return !keys.count(entry.first); });
    // An unchanged folder was not listed: its files are named as the last sync left them, which
    // spares each rename or deletion a search of the directory.
    if (m_unchanged)
        for (const auto& r : rows.pairs)
            if (!r.key.empty() && r.local_flags.keywords.empty() && keys.count(r.key))
                m_file_names.emplace(r.key, maildir::render_file_name(r.key, m_keywords.to_maildir(r.local_flags)));
}

asio::awaitable<util::Expected<std::size_t>> MaildirStore::set_flags(const std::vector<FlagChange>& changes) {
    // A rename per message, as a mail reader would do it; one directory fsync for them all.
    maildir::PendingDirSyncs renamed;
    for (const auto& c : changes) {
        const auto target = m_keywords.to_maildir(model::applied(c.now, c.add, c.remove));
        auto moved = maildir::set_flags(m_dir, c.id.key, target, hint(c.id.key), &renamed);
        if (!moved) co_return util::unexpected(std::move(moved).error());
        m_file_names[c.id.key] = moved->file_name;
    }
    if (auto r = renamed.sync(); !r) co_return util::unexpected(std::move(r).error());
    if (auto r = m_keywords.save(); !r) co_return util::unexpected(std::move(r).error());
    co_return changes.size();
}

asio::awaitable<util::Expected<void>> MaildirStore::remove(const std::vector<Removal>& removals) {
    maildir::PendingDirSyncs removed;  // one directory fsync for all the deletions
    for (const auto& r : removals) {
        auto done = maildir::remove_message(m_dir, r.id.key, hint(r.id.key), &removed);
        if (!done) co_return util::unexpected(std::move(done).error());
        m_file_names.erase(r.id.key);
    }
    co_return removed.sync();
}

asio::awaitable<util::Expected<ReadReport>> MaildirStore::read(const std::vector<MessageId>& ids, MessageSink& sink) {
    ReadReport report;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        auto where = locate(ids[i].key);
        if (!where) {
            report.not_carried.push_back(where.error().message);
            continue;
        }
        if (!regular_or_unknown(where->path)) {
            report.not_carried.push_back(not_regular(where->path));
            continue;
        }
        auto known = m_copy_sizes.find(ids[i].key);
        auto size = known != m_copy_sizes.end() ? util::Expected<std::uint64_t>(known->second)
                                                : maildir::MessageInfo(where->path).rfc822_size();
        if (!size) {
            report.not_carried.push_back(cannot_read(where->path, size.error()));
            continue;
        }
        if (!sink.take_file(i, where->path, *size))
            if (auto pushed = push_file(where->path, i, *size, sink); !pushed)
                report.not_carried.push_back(cannot_read(where->path, pushed.error()));
        if (auto r = co_await sink.pause(); !r) co_return util::unexpected(std::move(r).error());
    }
    co_return report;
}

}  // namespace mailtwin::store
