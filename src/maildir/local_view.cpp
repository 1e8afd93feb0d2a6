#include "mailtwin/maildir/local_view.hpp"

#include <sys/stat.h>

#include <set>

#include "mailtwin/maildir/content_hash.hpp"
#include "mailtwin/maildir/message_info.hpp"

namespace mailtwin::maildir {
namespace {

std::int64_t file_mtime(const std::filesystem::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 ? static_cast<std::int64_t>(st.st_mtim.tv_sec) : 0;
}

std::filesystem::path message_path(const std::filesystem::path& folder_dir, Location loc,
                                   const std::string& file_name) {
    return folder_dir / (loc == Location::new_dir ? "new" : "cur") / file_name;
}

// Keywords the Maildir cannot hold (past 26 letters) count as present locally when the state says
// they were, so the merge never removes them from the server.
void keep_unstorable(model::FlagSet& flags, const model::PairState* row, const KeywordMap& keywords) {
    if (!row) return;
    for (const auto& k : row->local_flags.keywords)
        if (!keywords.storable(k)) flags.keywords.insert(k);
}

// Two files with one key and different contents are two messages the state cannot tell apart: the
// one the scan kept is synced, the other is reported until it gets a key of its own. Identical
// copies (a reader's rename caught half done) are one message.
void report_duplicate_keys(const std::filesystem::path& folder_dir, const ScanResult& scan,
                           std::vector<std::string>& out) {
    // A FIFO among them is never opened (that would wait for a writer): it differs from any file.
    std::set<std::pair<Location, std::string>> not_regular;
    for (const auto& p : scan.problems) not_regular.emplace(p.location, p.file_name);
    auto hash_of = [&](const std::pair<Location, std::string>& file) -> util::Expected<Sha256Digest> {
        if (not_regular.count(file))
            return util::unexpected(
                util::Error{std::make_error_code(std::errc::invalid_argument), "not a regular file"});
        return MessageInfo(message_path(folder_dir, file.first, file.second)).content_hash();
    };
    for (const auto& d : scan.duplicates) {
        if (d.files.size() < 2) continue;
        const auto kept = message_path(folder_dir, d.files[0].first, d.files[0].second);
        auto kept_hash = hash_of(d.files[0]);
        for (std::size_t i = 1; i < d.files.size(); ++i) {
            const auto other = message_path(folder_dir, d.files[i].first, d.files[i].second);
            auto hash = hash_of(d.files[i]);
            if (kept_hash && hash && *kept_hash == *hash) continue;
            if (!hash && hash.error().code == std::errc::no_such_file_or_directory) continue;  // gone meanwhile
            std::string why = "'";
            why += other.string();
            why += "' has the Maildir unique name '";
            why += d.key;
            why += "' of '";
            why += kept.string();
            why +=
                "' but holds another message, so it was not uploaded: rename it to a unique name of its own (the "
                "part before \"";
            why += k_info_separator;
            why += "2,\" is the unique name)";
            out.push_back(std::move(why));
        }
    }
}

// The scan's problem files (scan.hpp) a sync would have to read: new ones. Returns their keys, which
// the view leaves out; a known key stays in the view, as it needs no reading.
std::set<std::string> report_not_carried(const std::filesystem::path& folder_dir, const ScanResult& scan,
                                         const std::map<std::string, const model::PairState*>& rows,
                                         std::vector<std::string>& out) {
    std::map<std::string, std::pair<Location, std::string>> kept;  // the file the view holds per key
    for (const auto& m : scan.messages) kept.emplace(m.key, std::make_pair(m.location, m.file_name));
    std::set<std::string> keys;
    for (const auto& p : scan.problems) {
        const std::string key(key_of(p.file_name));
        auto it = kept.find(key);
        // A second file under the key of a kept one: report_duplicate_keys says so; the kept one syncs.
        if (it != kept.end() && it->second != std::make_pair(p.location, p.file_name)) continue;
        if (rows.count(key)) continue;
        keys.insert(key);
        out.push_back("'" + message_path(folder_dir, p.location, p.file_name).string() + "' " + p.reason +
                      ", so it was not uploaded");
    }
    report_duplicate_keys(folder_dir, scan, out);
    return keys;
}

}  // namespace

util::Expected<LocalScan> scan_local(const std::filesystem::path& folder_dir, const model::FolderState& rows_of_last,
                                     const KeywordMap& keywords, const std::string& remembered_stamp, bool full,
                                     bool root_present) {
    LocalScan out;
    out.view.root_present = root_present;
    if (!root_present || !std::filesystem::exists(folder_dir / "cur")) return out;  // nothing there: empty view

    ScanOptions options;
    if (!full && !remembered_stamp.empty())
        if (auto stamp = decode_stamp(remembered_stamp)) options.remembered = *stamp;
    auto scan = scan_folder(folder_dir, options);
    if (!scan) return util::unexpected(std::move(scan).error());
    out.stamp = scan->stamp;
    out.stats = scan->stats;
    if (scan->unchanged) {
        out.view.kind = model::LocalViewKind::unchanged;
        return out;
    }
    std::map<std::string, const model::PairState*> rows;
    for (const auto& p : rows_of_last.pairs)
        if (!p.key.empty()) rows[p.key] = &p;
    const std::set<std::string> unreadable = report_not_carried(folder_dir, *scan, rows, out.not_carried);
    out.view.messages.reserve(scan->messages.size());
    for (const auto& m : scan->messages) {
        if (unreadable.count(m.key)) continue;
        model::LocalMessage lm;
        lm.key = m.key;
        lm.flags = keywords.to_flags(m.flags);
        auto row = rows.find(m.key);
        const model::PairState* known = row == rows.end() ? nullptr : row->second;
        keep_unstorable(lm.flags, known, keywords);
        lm.size = m.size;
        // The mtime becomes the INTERNALDATE of an upload: only new messages need it (one stat each).
        if (!known) lm.mtime = file_mtime(message_path(folder_dir, m.location, m.file_name));
        out.file_names[m.key] = m.file_name;
        out.view.messages.push_back(std::move(lm));
    }
    return out;
}

}  // namespace mailtwin::maildir
