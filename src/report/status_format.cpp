#include "mailtwin/report/status_format.hpp"

#include <ctime>
#include <sstream>

#include "mailtwin/util/log.hpp"

namespace mailtwin::engine {
namespace {

constexpr const char* k_none = "-";

// Display width of UTF-8 text: one column per code point (continuation bytes do not count).
std::size_t width_of(std::string_view s) {
    std::size_t w = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++w;
    return w;
}

// Columns padded to the widest cell; the last column is not padded.
class Table {
public:
    explicit Table(std::vector<std::string> header) { m_rows.push_back(std::move(header)); }
    void add(std::vector<std::string> row) { m_rows.push_back(std::move(row)); }

    [[nodiscard]] std::string render(const std::string& indent) const {
        std::vector<std::size_t> widths;
        for (const auto& row : m_rows)
            for (std::size_t i = 0; i < row.size(); ++i) {
                if (widths.size() <= i) widths.push_back(0);
                widths[i] = std::max(widths[i], width_of(row[i]));
            }
        std::string out;
        for (const auto& row : m_rows) {
            std::string line = indent;
            for (std::size_t i = 0; i < row.size(); ++i) {
                line += row[i];
                if (i + 1 < row.size()) line += std::string(widths[i] - width_of(row[i]) + 2, ' ');
            }
            while (!line.empty() && line.back() == ' ') line.pop_back();
            out += line + "\n";
        }
        return out;
    }

private:
    std::vector<std::vector<std::string>> m_rows;
};

template <typename T>
std::string or_none(const std::optional<T>& v) {
    return v ? std::to_string(*v) : std::string(k_none);
}

template <typename T>
std::string json_number(const std::optional<T>& v) {
    return v ? std::to_string(*v) : std::string("null");
}

std::string json_string(const std::optional<std::string>& v) { return v ? util::json_quote(*v) : std::string("null"); }

std::string json_bool(std::optional<bool> v) { return v ? (*v ? "true" : "false") : "null"; }

std::string pending_text(const FolderStatus& f) {
    if (!f.pending) return k_none;
    const auto& p = *f.pending;
    if (p.total() == 0) return "none";
    return "+" + std::to_string(p.added) + " -" + std::to_string(p.removed) + " ~" + std::to_string(p.renamed);
}

// The last good sync; "!" when a later run failed the folder (explained below the table).
std::string last_sync_text(const FolderStatus& f, std::int64_t now) {
    const auto last = f.last_sync();
    std::string out = last ? format_age(*last, now) + " (" + format_iso_utc(*last) + ")" : std::string("never");
    return f.failed_last_run() ? out + " !" : out;
}

std::string plural(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "D/A: 2 messages over max_size = 1K were not copied (1 on the server, 1 in the Maildir)".
std::string skipped_text(const AccountStatus& a, const FolderStatus& f) {
    const std::size_t n = f.skipped_count();
    std::string limit =
        a.max_size != 0 ? "max_size = " + format_config_size(a.max_size) : "the max_size of the last sync";
    std::string out = f.name + ": " + plural(n, "message", "messages") + " over " + limit +
                      (n == 1 ? " was" : " were") + " not copied (";
    const std::size_t server = f.record->skipped_remote.size();
    const std::size_t local = f.record->skipped_local.size();
    if (server > 0) out += std::to_string(server) + " on the server";
    if (server > 0 && local > 0) out += ", ";
    if (local > 0) out += std::to_string(local) + " in the Maildir";
    return out + ")";
}

std::string folder_json(const AccountStatus& a, const FolderStatus& f) {
    std::ostringstream o;
    const auto* r = f.record ? &*f.record : nullptr;
    o << "{\"event\":\"folder\",\"account\":" << util::json_quote(a.account)
      << ",\"folder\":" << util::json_quote(f.name) << ",\"local_path\":" << util::json_quote(f.local_path.string())
      << ",\"selected\":" << json_bool(f.selected) << ",\"synced_before\":" << json_bool(r != nullptr);
    const auto last = f.last_sync();
    o << ",\"uidvalidity\":" << (r ? std::to_string(r->uidvalidity) : "null")
      << ",\"highestmodseq\":" << (r ? std::to_string(r->highestmodseq) : "null")
      << ",\"uidnext\":" << (r ? std::to_string(r->uidnext) : "null") << ",\"last_sync\":" << json_number(last)
      << ",\"last_sync_iso\":" << (last ? util::json_quote(format_iso_utc(*last)) : "null")
      << ",\"remote_messages_last\":" << (r ? std::to_string(r->message_count) : "null");
    if (r)
        o << ",\"after_run\":{\"highestmodseq\":" << r->after_run_highestmodseq
          << ",\"uidnext\":" << r->after_run_uidnext << ",\"messages\":" << r->after_run_messages << "}";
    else
        o << ",\"after_run\":null";
    o << ",\"synced_messages\":" << f.state_pairs
      << ",\"skipped_over_max_size\":{\"server\":" << (r ? r->skipped_remote.size() : 0)
      << ",\"local\":" << (r ? r->skipped_local.size() : 0) << "}";
    if (f.failed_last_run())
        o << ",\"last_failure\":{\"at\":" << f.run->failed_at
          << ",\"at_iso\":" << util::json_quote(format_iso_utc(f.run->failed_at))
          << ",\"error\":" << util::json_quote(f.run->failure) << "}";
    else
        o << ",\"last_failure\":null";
    if (f.remote) {
        o << ",\"remote\":{\"messages\":" << json_number(f.remote->messages)
          << ",\"uidvalidity\":" << json_number(f.remote->uidvalidity)
          << ",\"uidnext\":" << json_number(f.remote->uidnext)
          << ",\"highestmodseq\":" << json_number(f.remote->highestmodseq) << "}";
    } else {
        o << ",\"remote\":null";
    }
    o << ",\"remote_changed\":" << json_bool(f.remote_changed())
      << ",\"local_messages\":" << json_number(f.local_count);
    if (f.pending)
        o << ",\"pending\":{\"added\":" << f.pending->added << ",\"removed\":" << f.pending->removed
          << ",\"renamed\":" << f.pending->renamed << "}";
    else
        o << ",\"pending\":null";
    if (!f.problem.empty()) o << ",\"problem\":" << util::json_quote(f.problem);
    if (!f.folder_change.empty()) o << ",\"folder_change\":" << util::json_quote(f.folder_change);
    o << "}";
    return o.str();
}

}  // namespace

std::string format_age(std::int64_t then, std::int64_t now) {
    const std::int64_t d = now - then;
    if (d < -60) return "in the future";
    if (d < 10) return "just now";
    if (d < 60) return std::to_string(d) + " s ago";
    if (d < 3600) return std::to_string(d / 60) + " min ago";
    if (d < 2 * 86400) return std::to_string(d / 3600) + " h ago";
    return std::to_string(d / 86400) + " days ago";
}

std::string format_config_size(std::uint64_t bytes) {
    for (auto [shift, unit] : {std::pair{30, 'G'}, std::pair{20, 'M'}, std::pair{10, 'K'}})
        if (bytes != 0 && bytes % (std::uint64_t{1} << shift) == 0) return std::to_string(bytes >> shift) + unit;
    return std::to_string(bytes);
}

std::string format_iso_utc(std::int64_t unix_seconds) {
    const auto t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string render_status_table(const std::vector<AccountStatus>& accounts, std::int64_t now) {
    std::string out;
    for (const auto& a : accounts) {
        if (!out.empty()) out += "\n";
        out += a.account + "  " + a.host + " -> " + a.maildir.string() + "\n";
        if (a.state_error)
            out += "  state not readable: " + a.state_error->describe() + "\n";
        else if (!a.state_found)
            out += "  never synced (no state yet)\n";
        if (a.remote_error)
            out += "  server not reached: " + a.remote_error->describe() + "\n";
        else if (!a.remote_checked)
            out += "  offline: SERVER shows nothing live\n";
        if (a.folders.empty()) {
            out += "  no folders\n";
            continue;
        }
        Table table({"FOLDER", "UIDVALIDITY", "MODSEQ", "SERVER", "SYNCED", "LOCAL", "PENDING", "LAST SYNC"});
        std::size_t remote_total = 0, synced_total = 0, local_total = 0, pending_total = 0;
        bool any_changed = false;
        for (const auto& f : a.folders) {
            const auto* r = f.record ? &*f.record : nullptr;
            std::string server = k_none;
            if (f.remote && f.remote->messages) {
                server = std::to_string(*f.remote->messages);
                remote_total += *f.remote->messages;
                if (f.remote_changed().value_or(false)) {
                    server += "*";
                    any_changed = true;
                }
            } else if (a.remote_checked && !f.remote_listed) {
                server = "gone";
            }
            synced_total += f.state_pairs;
            if (f.local_count) local_total += *f.local_count;
            if (f.pending) pending_total += f.pending->total();
            table.add({f.name + (f.selected ? "" : " (not selected)"), r ? std::to_string(r->uidvalidity) : k_none,
                       r ? std::to_string(r->after_run_highestmodseq) : k_none, server,
                       r ? std::to_string(f.state_pairs) : k_none, or_none(f.local_count), pending_text(f),
                       last_sync_text(f, now)});
        }
        out += table.render("  ");
        bool any_failed = false;
        std::size_t skipped_total = 0;
        for (const auto& f : a.folders)
            if (!f.problem.empty()) out += "  " + f.name + ": " + f.problem + "\n";
        for (const auto& f : a.folders)
            if (!f.folder_change.empty()) out += "  " + f.name + ": " + f.folder_change + "\n";
        for (const auto& f : a.folders)
            if (f.failed_last_run()) {
                out += "  " + f.name + ": the run " + format_age(f.run->failed_at, now) + " failed: " + f.run->failure +
                       "\n";
                any_failed = true;
            }
        for (const auto& f : a.folders)
            if (f.skipped_count() > 0) {
                out += "  " + skipped_text(a, f) + "\n";
                skipped_total += f.skipped_count();
            }
        if (skipped_total > 0)
            out += "  to copy " + std::string(skipped_total == 1 ? "it" : "them") + ", raise max_size in [accounts." +
                   a.account + ".sync] and run: mailtwin sync --full " + a.account + "\n";
        out += "  " + std::to_string(a.folders.size()) + " folder" + (a.folders.size() == 1 ? "" : "s") + ": ";
        out +=
            (a.remote_checked ? std::to_string(remote_total) : std::string("?")) + " on the server, " +
            std::to_string(synced_total) + " synced, " + std::to_string(local_total) + " local; " +
            (pending_total == 0 ? std::string("no local changes") : std::to_string(pending_total) + " local changes") +
            " pending";
        if (auto last = a.last_sync()) out += "; last sync " + format_age(*last, now);
        out += "\n";
        if (!a.last_run_error.empty())
            out += "  the last run (" + format_age(a.last_run, now) + ") stopped: " + a.last_run_error + "\n";
        if (any_changed) out += "  * changed on the server since the last sync\n";
        if (any_failed) out += "  ! failed in the last run that visited it; LAST SYNC is its last good sync\n";
    }
    return out;
}

std::string render_status_json(const std::vector<AccountStatus>& accounts, std::int64_t now) {
    std::string out;
    std::size_t folders = 0, pending = 0, changed = 0, errors = 0, skipped = 0, failed = 0;
    for (const auto& a : accounts) {
        for (const auto& f : a.folders) {
            out += folder_json(a, f) + "\n";
            ++folders;
            if (f.pending) pending += f.pending->total();
            if (f.remote_changed().value_or(false)) ++changed;
            skipped += f.skipped_count();
            if (f.failed_last_run()) ++failed;
        }
        if (a.remote_error || a.state_error) ++errors;
        auto last = a.last_sync();
        out += "{\"event\":\"account\",\"account\":" + util::json_quote(a.account) +
               ",\"host\":" + util::json_quote(a.host) + ",\"maildir\":" + util::json_quote(a.maildir.string()) +
               ",\"state_found\":" + json_bool(a.state_found) + ",\"remote_checked\":" + json_bool(a.remote_checked) +
               ",\"remote_error\":" +
               json_string(a.remote_error ? std::optional<std::string>(a.remote_error->describe()) : std::nullopt) +
               ",\"state_error\":" +
               json_string(a.state_error ? std::optional<std::string>(a.state_error->describe()) : std::nullopt) +
               ",\"folders\":" + std::to_string(a.folders.size()) + ",\"last_sync\":" + json_number(last) +
               ",\"last_sync_iso\":" + (last ? util::json_quote(format_iso_utc(*last)) : std::string("null")) +
               ",\"last_run\":" + (a.last_run > 0 ? std::to_string(a.last_run) : std::string("null")) +
               ",\"last_run_iso\":" +
               (a.last_run > 0 ? util::json_quote(format_iso_utc(a.last_run)) : std::string("null")) +
               ",\"last_run_error\":" +
               json_string(a.last_run_error.empty() ? std::nullopt : std::optional<std::string>(a.last_run_error)) +
               ",\"max_size\":" + std::to_string(a.max_size) + "}\n";
    }
    out += "{\"event\":\"summary\",\"accounts\":" + std::to_string(accounts.size()) +
           ",\"folders\":" + std::to_string(folders) + ",\"pending\":" + std::to_string(pending) +
           ",\"remote_changed\":" + std::to_string(changed) + ",\"errors\":" + std::to_string(errors) +
           ",\"skipped_over_max_size\":" + std::to_string(skipped) + ",\"failed_last_run\":" + std::to_string(failed) +
           ",\"now\":" + std::to_string(now) + "}\n";
    return out;
}

std::string render_folder_map(const FolderMap& map) {
    Table table({"", "REMOTE", "LOCAL PATH", "SPECIAL-USE", "WHERE"});
    std::size_t included = 0;
    for (const auto& f : map.folders) {
        if (f.included) ++included;
        std::string where = f.remote && f.local ? "both" : f.remote ? "server only" : "local only";
        if (f.remote && !f.selectable) where = "hierarchy node (\\Noselect)";
        std::string special = special_use_names(f.attributes);
        table.add({f.included ? "[x]" : "[ ]", f.name,
                   f.local_path.empty() ? "(none: " + f.unmappable + ")" : f.local_path.string(),
                   special.empty() ? std::string(k_none) : special, where});
    }
    std::string out = table.render("");
    for (const auto& s : map.skipped) out += "local folder skipped: " + s + "\n";
    const std::string delim = map.delimiter == '\0' ? std::string("none") : std::string("\"") + map.delimiter + "\"";
    out += std::to_string(map.folders.size()) + " folder" + (map.folders.size() == 1 ? "" : "s") + ", " +
           std::to_string(included) + " included by the folders setting; hierarchy delimiter " + delim + "\n";
    if (!map.personal_prefix.empty())
        out +=
            "personal namespace prefix \"" + map.personal_prefix + "\" (stripped locally, added back on the server)\n";
    return out;
}

}  // namespace mailtwin::engine
