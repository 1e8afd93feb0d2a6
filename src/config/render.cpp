#include "mailtwin/config/render.hpp"

#include <sstream>

namespace mailtwin::config {
namespace {

std::string toml_string(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string size_text(std::uint64_t bytes) {
    if (bytes == 0) return "\"0\"";
    if (bytes % (1ULL << 30) == 0) return "\"" + std::to_string(bytes >> 30) + "G\"";
    if (bytes % (1ULL << 20) == 0) return "\"" + std::to_string(bytes >> 20) + "M\"";
    if (bytes % (1ULL << 10) == 0) return "\"" + std::to_string(bytes >> 10) + "K\"";
    return "\"" + std::to_string(bytes) + "\"";
}

}  // namespace

template <typename Enum, std::size_t N>
std::string_view name_of(Enum v, const std::pair<Enum, std::string_view> (&names)[N]) {
    for (auto [value, name] : names)
        if (value == v) return name;
    return "?";
}

std::string_view to_string(Compress v) {
    return name_of(v, {{Compress::automatic, "auto"}, {Compress::always, "always"}, {Compress::never, "never"}});
}

std::string_view to_string(Tls v) {
    return name_of(v, {{Tls::implicit, "implicit"}, {Tls::starttls, "starttls"}, {Tls::none, "none"}});
}
std::string_view to_string(Auth v) {
    return name_of(v, {{Auth::plain, "plain"}, {Auth::login, "login"}, {Auth::xoauth2, "xoauth2"}});
}
std::string_view to_string(Layout v) {
    return name_of(
        v, {{Layout::verbatim, "verbatim"}, {Layout::maildir_plus_plus, "maildir++"}, {Layout::dotted, "dotted"}});
}
namespace {
// Where INBOX and Lists/dev go, after the layout in the resolved config.
std::string_view layout_example(Layout v) {
    return name_of(v, {{Layout::verbatim, "INBOX -> <maildir>/INBOX, Lists/dev -> <maildir>/Lists/dev"},
                       {Layout::maildir_plus_plus, "INBOX -> <maildir> itself, Lists/dev -> <maildir>/.Lists.dev"},
                       {Layout::dotted, "INBOX -> <maildir>/INBOX, Lists/dev -> <maildir>/Lists.dev"}});
}
}  // namespace
std::string_view to_string(Direction v) {
    return name_of(v, {{Direction::both, "both"}, {Direction::pull, "pull"}, {Direction::push, "push"}});
}
std::string_view to_string(Expunge v) {
    return name_of(
        v, {{Expunge::both, "both"}, {Expunge::none, "none"}, {Expunge::local, "local"}, {Expunge::remote, "remote"}});
}
std::string_view to_string(OnConflict v) {
    return name_of(v, {{OnConflict::keep, "keep"}, {OnConflict::del, "delete"}});
}
std::string_view to_string(FolderDeletes v) {
    return name_of(v, {{FolderDeletes::recreate, "recreate"}, {FolderDeletes::propagate, "propagate"}});
}
std::string_view to_string(Keywords v) {
    return name_of(v, {{Keywords::dovecot, "dovecot"}, {Keywords::ignore, "ignore"}});
}
std::string_view to_string(LocalKeywords v) {
    return name_of(
        v, {{LocalKeywords::automatic, "auto"}, {LocalKeywords::kept, "kept"}, {LocalKeywords::dropped, "dropped"}});
}

std::string render_resolved(const Config& config) {
    std::ostringstream out;
    out << "# resolved from " << config.source.string() << "\n";
    out << "[general]\n";
    out << "state_dir = " << toml_string(config.general.state_dir.string()) << "\n";
    out << "max_connections = " << config.general.max_connections << "\n";
    out << "connect_timeout = " << config.general.timeouts.connect << "  # seconds\n";
    out << "greeting_timeout = " << config.general.timeouts.greeting << "  # seconds, also each TLS handshake\n";
    out << "command_timeout = " << config.general.timeouts.command << "  # seconds of silence while a command runs\n";
    for (const auto& a : config.accounts) {
        const std::string p = "accounts." + a.name;
        out << "\n[" << p << "]\n";
        out << "maildir = " << toml_string(a.maildir.string()) << "\n";
        out << "layout = " << toml_string(to_string(a.layout)) << "  # " << layout_example(a.layout) << "\n";
        if (a.provider)
            out << "provider = " << toml_string(to_string(*a.provider)) << "  # preset for the [imap] settings\n";
        out << "\n[" << p << ".imap]\n";
        out << "host = " << toml_string(a.imap.host) << "\n";
        out << "port = " << a.imap.port << "\n";
        out << "tls = " << toml_string(to_string(a.imap.tls)) << "\n";
        if (a.imap.allow_plaintext) out << "allow_plaintext = true\n";
        out << "user = " << toml_string(a.imap.user) << "\n";
        // Secrets never leave the process: the password is masked, the command shown (it is not a secret).
        if (a.imap.password) out << "password = \"********\"\n";
        if (a.imap.password_cmd) out << "password_cmd = " << toml_string(*a.imap.password_cmd) << "\n";
        out << "auth = " << toml_string(to_string(a.imap.auth)) << "\n";
        if (a.imap.ca_file)
            out << "ca_file = " << toml_string(a.imap.ca_file->string()) << "\n";
        else
            out << "ca_file = \"\"  # the system certificate store\n";
        if (a.imap.fingerprint) out << "fingerprint = " << toml_string(*a.imap.fingerprint) << "\n";
        out << "compress = " << toml_string(to_string(a.imap.compress)) << "\n";
        out << "connect_timeout = " << a.imap.timeouts.connect << "\n";
        out << "greeting_timeout = " << a.imap.timeouts.greeting << "\n";
        out << "command_timeout = " << a.imap.timeouts.command << "\n";
        out << "\n[" << p << ".sync]\n";
        out << "direction = " << toml_string(to_string(a.sync.direction)) << "\n";
        out << "expunge = " << toml_string(to_string(a.sync.expunge)) << "\n";
        out << "folders = [";
        for (std::size_t i = 0; i < a.sync.folders.size(); ++i)
            out << (i ? ", " : "") << toml_string(a.sync.folders[i]);
        out << "]\n";
        out << "on_conflict = " << toml_string(to_string(a.sync.on_conflict)) << "\n";
        out << "folder_deletes = " << toml_string(to_string(a.sync.folder_deletes)) << "\n";
        out << "max_size = " << size_text(a.sync.max_size) << "\n";
        out << "max_age_days = " << a.sync.max_age_days << "\n";
        out << "max_messages = " << a.sync.max_messages << "\n";
        out << "max_delete_percent = " << a.sync.max_delete_percent << "\n";
        out << "keywords = " << toml_string(to_string(a.sync.keywords)) << "\n";
        out << "local_keywords = " << toml_string(to_string(a.sync.local_keywords)) << "\n";
        out << "trash = " << toml_string(a.sync.trash) << "\n";
        out << "notmuch_tags = " << (a.sync.notmuch_tags ? "true" : "false") << "\n";
        out << "notmuch_ignore_tags = [";
        for (std::size_t i = 0; i < a.sync.notmuch_ignore_tags.size(); ++i)
            out << (i ? ", " : "") << toml_string(a.sync.notmuch_ignore_tags[i]);
        out << "]\n";
        out << "skip_special_use = [";
        for (std::size_t i = 0; i < a.sync.skip_special_use.size(); ++i)
            out << (i ? ", " : "") << toml_string(a.sync.skip_special_use[i]);
        out << "]\n";
    }
    return out.str();
}

}  // namespace mailtwin::config
