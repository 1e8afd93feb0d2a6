#include "mailtwin/config/loader.hpp"

#include <toml++/toml.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include <cstdio>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <sstream>

#include "dir_collision.hpp"
#include "mailtwin/config/paths.hpp"
#include "mailtwin/config/presets.hpp"
#include "mailtwin/config/suggest.hpp"

namespace mailtwin::config {
namespace {

std::string_view type_name(toml::node_type t) {
    switch (t) {
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a number";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::date:
            return "a date";
        case toml::node_type::time:
            return "a time";
        case toml::node_type::date_time:
            return "a date-time";
        case toml::node_type::none:
            break;
    }
    return "nothing";
}

// One TOML table being read: knows its dotted path for messages, rejects keys it does not know
// (with the nearest valid key), and reads typed values with file:line:column errors.
class Section {
public:
    Section(const toml::table& table, std::string path, const std::string& file,
            std::span<const std::string_view> allowed)
        : m_table(table), m_path(std::move(path)), m_file(file) {
        for (auto&& [key, node] : table) {
            std::string_view k = key.str();
            if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
            std::string msg = "unknown key '" + qualified(k) + "'";
            if (auto s = nearest(k, allowed); !s.empty())
                msg += "; did you mean '" + s + "'?";
            else
                msg += "; valid keys here: " + join(allowed);
            fail(key.source(), msg);
        }
    }

    [[noreturn]] void fail(const toml::source_region& where, const std::string& what) const {
        throw ConfigError(m_file + ":" + std::to_string(where.begin.line) + ":" + std::to_string(where.begin.column) +
                          ": " + what);
    }
    [[noreturn]] void fail_here(const std::string& what) const { fail(m_table.source(), what); }

    [[nodiscard]] std::string qualified(std::string_view key) const {
        return m_path.empty() ? std::string(key) : m_path + "." + std::string(key);
    }
    [[nodiscard]] const std::string& dotted() const { return m_path; }
    [[nodiscard]] bool has(std::string_view key) const { return m_table.contains(key); }
    [[nodiscard]] const toml::node* node(std::string_view key) const { return m_table.get(key); }

    std::optional<std::string> string(std::string_view key) const {
        const toml::node* n = node(key);
        if (!n) return std::nullopt;
        if (auto v = n->value<std::string>(); v && n->is_string()) return *v;
        wrong_type(key, *n, "a string");
    }

    std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max) const {
        const toml::node* n = node(key);
        if (!n) return std::nullopt;
        if (!n->is_integer()) wrong_type(key, *n, "an integer");
        std::int64_t v = *n->value<std::int64_t>();
        if (v < min || v > max)
            fail(n->source(), "key '" + qualified(key) + "' must be between " + std::to_string(min) + " and " +
                                  std::to_string(max) + ", not " + std::to_string(v));
        return v;
    }

    std::optional<bool> boolean(std::string_view key) const {
        const toml::node* n = node(key);
        if (!n) return std::nullopt;
        if (!n->is_boolean()) wrong_type(key, *n, "a boolean (true or false)");
        return *n->value<bool>();
    }

    std::optional<std::vector<std::string>> string_array(std::string_view key) const {
        const toml::node* n = node(key);
        if (!n) return std::nullopt;
        const toml::array* arr = n->as_array();
        if (!arr) wrong_type(key, *n, "an array of strings");
        std::vector<std::string> out;
        for (const auto& elem : *arr) {
            if (!elem.is_string())
                fail(elem.source(),
                     "key '" + qualified(key) + "' must hold only strings, not " + std::string(type_name(elem.type())));
            out.push_back(*elem.value<std::string>());
        }
        return out;
    }

    const toml::table* table(std::string_view key) const {
        const toml::node* n = node(key);
        if (!n) return nullptr;
        if (!n->is_table()) wrong_type(key, *n, "a table");
        return n->as_table();
    }

    template <typename Enum, std::size_t N>
    std::optional<Enum> choice(std::string_view key,
                               const std::array<std::pair<std::string_view, Enum>, N>& values) const {
        auto s = string(key);
        if (!s) return std::nullopt;
        std::array<std::string_view, N> names{};
        for (std::size_t i = 0; i < N; ++i) {
            if (values[i].first == *s) return values[i].second;
            names[i] = values[i].first;
        }
        std::string msg = "key '" + qualified(key) + "' must be one of " + join(names, true) + ", not \"" + *s + "\"";
        if (auto near = nearest(*s, names); !near.empty()) msg += "; did you mean \"" + near + "\"?";
        fail(node(key)->source(), msg);
    }

    std::optional<std::filesystem::path> path(std::string_view key) const {
        auto s = string(key);
        if (!s) return std::nullopt;
        std::string missing;
        auto p = expand_path(*s, &missing);
        if (!p) fail(node(key)->source(), "key '" + qualified(key) + "' uses $" + missing + ", which is not set");
        return p;
    }

    [[nodiscard]] const std::string& file() const { return m_file; }

private:
    [[noreturn]] void wrong_type(std::string_view key, const toml::node& n, std::string_view expected) const {
        fail(n.source(), "key '" + qualified(key) + "' must be " + std::string(expected) + ", not " +
                             std::string(type_name(n.type())));
    }

    static std::string join(std::span<const std::string_view> items, bool quoted = false) {
        std::string out;
        for (auto it : items) {
            if (!out.empty()) out += ", ";
            out += quoted ? "\"" + std::string(it) + "\"" : std::string(it);
        }
        return out;
    }

    const toml::table& m_table;
    std::string m_path;
    const std::string& m_file;
};

constexpr std::array<std::string_view, 2> k_top_keys{"general", "accounts"};
constexpr std::array<std::string_view, 5> k_general_keys{"state_dir", "max_connections", "connect_timeout",
                                                         "greeting_timeout", "command_timeout"};
constexpr std::array<std::string_view, 5> k_account_keys{"maildir", "layout", "imap", "sync", "provider"};
constexpr std::array<std::string_view, 14> k_imap_keys{"host",
                                                       "port",
                                                       "tls",
                                                       "allow_plaintext",
                                                       "user",
                                                       "password",
                                                       "password_cmd",
                                                       "auth",
                                                       "ca_file",
                                                       "fingerprint",
                                                       "compress",
                                                       "connect_timeout",
                                                       "greeting_timeout",
                                                       "command_timeout"};
constexpr std::array<std::string_view, 15> k_sync_keys{
    "direction",        "expunge",      "folder_deletes",     "folders",  "on_conflict",    "max_size",
    "max_age_days",     "max_messages", "max_delete_percent", "keywords", "local_keywords", "trash",
    "skip_special_use", "notmuch_tags", "notmuch_ignore_tags"};
// RFC 6154 special-use attributes (and Gmail's \Important), in their canonical spelling.
constexpr std::array<std::string_view, 8> k_special_use_names{"\\All",  "\\Archive", "\\Drafts", "\\Flagged",
                                                              "\\Junk", "\\Sent",    "\\Trash",  "\\Important"};

constexpr std::array k_tls_values{std::pair{std::string_view("implicit"), Tls::implicit},
                                  std::pair{std::string_view("starttls"), Tls::starttls},
                                  std::pair{std::string_view("none"), Tls::none}};
constexpr std::array k_compress_values{std::pair{std::string_view("auto"), Compress::automatic},
                                       std::pair{std::string_view("always"), Compress::always},
                                       std::pair{std::string_view("never"), Compress::never}};
constexpr std::array k_auth_values{std::pair{std::string_view("plain"), Auth::plain},
                                   std::pair{std::string_view("login"), Auth::login},
                                   std::pair{std::string_view("xoauth2"), Auth::xoauth2}};
constexpr std::array k_layout_values{std::pair{std::string_view("verbatim"), Layout::verbatim},
                                     std::pair{std::string_view("maildir++"), Layout::maildir_plus_plus},
                                     std::pair{std::string_view("dotted"), Layout::dotted}};
constexpr std::array k_direction_values{std::pair{std::string_view("both"), Direction::both},
                                        std::pair{std::string_view("pull"), Direction::pull},
                                        std::pair{std::string_view("push"), Direction::push}};
constexpr std::array k_expunge_values{
    std::pair{std::string_view("both"), Expunge::both}, std::pair{std::string_view("none"), Expunge::none},
    std::pair{std::string_view("local"), Expunge::local}, std::pair{std::string_view("remote"), Expunge::remote}};
constexpr std::array k_conflict_values{std::pair{std::string_view("keep"), OnConflict::keep},
                                       std::pair{std::string_view("delete"), OnConflict::del}};
constexpr std::array k_folder_deletes_values{std::pair{std::string_view("recreate"), FolderDeletes::recreate},
                                             std::pair{std::string_view("propagate"), FolderDeletes::propagate}};
constexpr std::array k_keywords_values{std::pair{std::string_view("dovecot"), Keywords::dovecot},
                                       std::pair{std::string_view("ignore"), Keywords::ignore}};
constexpr std::array k_local_keywords_values{std::pair{std::string_view("auto"), LocalKeywords::automatic},
                                             std::pair{std::string_view("kept"), LocalKeywords::kept},
                                             std::pair{std::string_view("dropped"), LocalKeywords::dropped}};
constexpr std::array k_provider_values{
    std::pair{std::string_view("gmail"), Provider::gmail}, std::pair{std::string_view("outlook"), Provider::outlook},
    std::pair{std::string_view("yahoo"), Provider::yahoo}, std::pair{std::string_view("fastmail"), Provider::fastmail},
    std::pair{std::string_view("icloud"), Provider::icloud}};

// "25M", "1.5G", "500k", "0", or a plain number of bytes.
std::optional<std::uint64_t> parse_size(std::string_view s) {
    if (s.empty()) return std::nullopt;
    std::size_t i = 0;
    double value = 0;
    bool digits = false;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
        value = value * 10 + (s[i++] - '0');
        digits = true;
    }
    if (i < s.size() && s[i] == '.') {
        double scale = 0.1;
        for (++i; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i, scale /= 10)
            value += (s[i] - '0') * scale;
    }
    if (!digits) return std::nullopt;
    std::uint64_t unit = 1;
    if (i < s.size()) {
        switch (std::toupper(static_cast<unsigned char>(s[i]))) {
            case 'K':
                unit = 1ULL << 10;
                break;
            case 'M':
                unit = 1ULL << 20;
                break;
            case 'G':
                unit = 1ULL << 30;
                break;
            case 'B':
                unit = 1;
                break;
            default:
                return std::nullopt;
        }
        ++i;
        if (unit != 1 && i < s.size() && (s[i] == 'B' || s[i] == 'b')) ++i;  // "25MB"
    }
    if (i != s.size()) return std::nullopt;
    // Beyond 2^64 bytes it is not a size but a typo: refuse it (the conversion would be undefined).
    const double bytes = value * static_cast<double>(unit);
    if (!(bytes < 18446744073709551616.0)) return std::nullopt;
    return static_cast<std::uint64_t>(bytes);
}

bool valid_account_name(std::string_view name) {
    if (name.empty() || name.size() > 64 || name[0] == '.') return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == '@';
    });
}

// connect_timeout, greeting_timeout and command_timeout (seconds) of [general] or of an account's
// [imap] table, over `timeouts`.
void read_timeouts(const Section& s, Timeouts& timeouts) {
    if (auto v = s.integer("connect_timeout", 1, 3600)) timeouts.connect = static_cast<int>(*v);
    if (auto v = s.integer("greeting_timeout", 1, 3600)) timeouts.greeting = static_cast<int>(*v);
    if (auto v = s.integer("command_timeout", 1, 86400)) timeouts.command = static_cast<int>(*v);
}

// A preset (when the account names a provider) supplies host, port, tls and auth; every key written
// here overrides it. `preset_at` is where the provider key was written, for messages about the preset.
void read_imap(const Section& s, Imap& imap, const ProviderPreset* preset, const toml::source_region* preset_at) {
    if (preset) {
        imap.host = std::string(preset->host);
        imap.port = preset->port;
        imap.tls = preset->tls;
        imap.auth = preset->auth;
    }
    if (auto v = s.string("host"))
        imap.host = *v;
    else if (!preset)
        s.fail_here("missing key '" + s.qualified("host") + "' (the IMAP server's host name)");
    if (auto v = s.choice("tls", k_tls_values)) {
        imap.tls = *v;
        imap.port = imap.tls == Tls::implicit ? 993 : 143;
    }
    if (auto v = s.integer("port", 1, 65535)) imap.port = static_cast<std::uint16_t>(*v);
    if (auto v = s.boolean("allow_plaintext")) imap.allow_plaintext = *v;
    if (auto v = s.string("user"))
        imap.user = *v;
    else
        s.fail_here("missing key '" + s.qualified("user") + "' (the login name)");
    imap.password = s.string("password");
    imap.password_cmd = s.string("password_cmd");
    if (auto v = s.choice("auth", k_auth_values)) imap.auth = *v;
    imap.ca_file = s.path("ca_file");
    imap.fingerprint = s.string("fingerprint");
    if (auto v = s.choice("compress", k_compress_values)) imap.compress = *v;

    if (imap.password && imap.password_cmd)
        s.fail(s.node("password")->source(),
               "set either '" + s.qualified("password") + "' or '" + s.qualified("password_cmd") + "', not both");
    if (!imap.password && !imap.password_cmd)
        s.fail_here("missing key '" + s.qualified("password_cmd") +
                    "' (a command that prints the password, e.g. \"pass show mail/work\"), or 'password'");
    if (preset && imap.auth == Auth::xoauth2 && !imap.password_cmd && !s.has("auth"))
        s.fail(*preset_at, "provider = \"" + std::string(preset->name) +
                               "\" signs in with auth = \"xoauth2\", which needs '" + s.qualified("password_cmd") +
                               "' to print a fresh access token; set auth = \"plain\" under [" + s.dotted() +
                               "] to use a password");
    if (imap.auth == Auth::xoauth2 && !imap.password_cmd)
        s.fail(s.node("auth")->source(),
               "auth = \"xoauth2\" needs '" + s.qualified("password_cmd") + "' to print a fresh access token");
    if (imap.tls == Tls::none && !is_loopback_host(imap.host) && !imap.allow_plaintext)
        s.fail(s.node("tls")->source(), "tls = \"none\" would send the password in clear text to " + imap.host +
                                            "; use \"implicit\" or \"starttls\", or set allow_plaintext = true "
                                            "if you really mean it");
    if (imap.fingerprint) {
        std::string_view fp = *imap.fingerprint;
        std::string hex;
        bool ok = fp.rfind("sha256:", 0) == 0;
        for (char c : fp.substr(ok ? 7 : 0))
            if (c != ':') hex += c;
        ok = ok && hex.size() == 64 &&
             std::all_of(hex.begin(), hex.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
        if (!ok)
            s.fail(s.node("fingerprint")->source(),
                   "key '" + s.qualified("fingerprint") + "' must look like \"sha256:AB:CD:...\" (32 hex bytes)");
    }
}

// notmuch_tags carries tags as keyword letters in the Maildir and removes a letter when a tag is
// removed, so it needs the letters (keywords = "dovecot") and every letter removal taken as the
// user's (local_keywords = "kept", its default then).
void read_notmuch_tags(const Section& s, Sync& sync) {
    if (auto ignored = s.string_array("notmuch_ignore_tags")) sync.notmuch_ignore_tags = *ignored;
    if (auto v = s.boolean("notmuch_tags"); !v || !*v) return;
    sync.notmuch_tags = true;
    if (sync.keywords == Keywords::ignore)
        s.fail(s.node("notmuch_tags")->source(),
               "notmuch_tags = true carries tags as keywords, which keywords = \"ignore\" keeps out of the Maildir; "
               "remove one of the two");
    if (!s.has("local_keywords")) {
        sync.local_keywords = LocalKeywords::kept;
    } else if (sync.local_keywords != LocalKeywords::kept) {
        const std::string value(to_string(sync.local_keywords));
        s.fail(s.node("local_keywords")->source(),
               "notmuch_tags = true removes a keyword letter when its tag is removed in notmuch, which local_keywords "
               "= \"" +
                   value +
                   "\" would take for a mail reader dropping it; set local_keywords = \"kept\" or leave it out");
    }
}

void read_sync(const Section& s, Sync& sync) {
    if (auto v = s.choice("direction", k_direction_values)) sync.direction = *v;
    if (auto v = s.choice("expunge", k_expunge_values)) sync.expunge = *v;
    if (auto v = s.string_array("folders")) {
        if (v->empty()) s.fail(s.node("folders")->source(), "key '" + s.qualified("folders") + "' selects no folder");
        sync.folders = *v;
    }
    if (auto v = s.choice("on_conflict", k_conflict_values)) sync.on_conflict = *v;
    if (auto v = s.choice("folder_deletes", k_folder_deletes_values)) sync.folder_deletes = *v;
    if (const toml::node* n = s.node("max_size")) {
        std::optional<std::uint64_t> bytes;
        if (n->is_integer() && *n->value<std::int64_t>() >= 0)
            bytes = static_cast<std::uint64_t>(*n->value<std::int64_t>());
        else if (n->is_string())
            bytes = parse_size(*n->value<std::string>());
        if (!bytes)
            s.fail(n->source(),
                   "key '" + s.qualified("max_size") + "' must be a size such as \"25M\", \"500K\" or \"0\"");
        sync.max_size = *bytes;
    }
    if (auto v = s.integer("max_age_days", 0, 1000000)) sync.max_age_days = static_cast<int>(*v);
    if (auto v = s.integer("max_messages", 0, 1000000000)) sync.max_messages = static_cast<int>(*v);
    if (auto v = s.integer("max_delete_percent", 0, 100)) sync.max_delete_percent = static_cast<int>(*v);
    if (auto v = s.choice("keywords", k_keywords_values)) sync.keywords = *v;
    if (auto v = s.choice("local_keywords", k_local_keywords_values)) sync.local_keywords = *v;
    if (auto v = s.string("trash")) sync.trash = *v;
    read_notmuch_tags(s, sync);
    if (auto v = s.string_array("skip_special_use")) {
        sync.skip_special_use.clear();
        for (const auto& name : *v) {
            auto known = std::find_if(k_special_use_names.begin(), k_special_use_names.end(), [&](std::string_view k) {
                return k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
                           return std::tolower(static_cast<unsigned char>(a)) ==
                                  std::tolower(static_cast<unsigned char>(b));
                       });
            });
            if (known == k_special_use_names.end()) {
                s.fail(s.node("skip_special_use")->source(),
                       "key '" + s.qualified("skip_special_use") + "' holds \"" + name +
                           "\", not a special-use attribute (\\All, \\Archive, \\Drafts, \\Flagged, \\Junk, "
                           "\\Sent, \\Trash, \\Important)");
            }
            sync.skip_special_use.emplace_back(*known);
        }
    }
}

Config build(const toml::table& root, const std::string& file) {
    Config cfg;
    cfg.source = file;
    Section top(root, "", file, k_top_keys);

    cfg.general.state_dir = xdg_home("XDG_STATE_HOME", ".local/state") / "mailtwin";
    // Every directory the config names, to refuse the ones that share files (dir_collision.hpp).
    std::vector<detail::ConfiguredDir> dirs;
    auto place = [&dirs](std::string key, const std::filesystem::path& path, const toml::node* written, bool state) {
        detail::ConfiguredDir d{std::move(key), path, 0, 0, state};
        if (written) {
            d.line = written->source().begin.line;
            d.column = written->source().begin.column;
        }
        dirs.push_back(std::move(d));
    };
    const toml::node* state_dir_written = nullptr;
    if (const toml::table* g = top.table("general")) {
        Section general(*g, "general", file, k_general_keys);
        if (auto p = general.path("state_dir")) {
            cfg.general.state_dir = *p;
            state_dir_written = general.node("state_dir");
        }
        if (auto v = general.integer("max_connections", 1, 64)) cfg.general.max_connections = static_cast<int>(*v);
        read_timeouts(general, cfg.general.timeouts);
    }

    const toml::table* accounts = top.table("accounts");
    if (!accounts || accounts->empty())
        throw ConfigError(file + ": no account configured; add an [accounts.NAME] table (see " +
                          std::string(MAILTWIN_EXAMPLE_CONFIG) + ")");
    for (auto&& [name, node] : *accounts) {
        const std::string account_path = "accounts." + std::string(name.str());
        if (!node.is_table())
            top.fail(node.source(), "'" + account_path + "' must be a table ([" + account_path + "])");
        Section s(*node.as_table(), account_path, file, k_account_keys);
        if (!valid_account_name(name.str()))
            s.fail(name.source(), "account name '" + std::string(name.str()) +
                                      "' may use only letters, digits, '.', '_', '-' and '@'");
        Account acc;
        acc.name = std::string(name.str());
        if (auto p = s.path("maildir")) {
            if (p->empty())
                s.fail(s.node("maildir")->source(), "key '" + s.qualified("maildir") +
                                                        "' is empty; set it to the local Maildir root, e.g. \"~/Mail/" +
                                                        acc.name + "\"");
            acc.maildir = *p;
        } else
            s.fail_here("missing key '" + s.qualified("maildir") + "' (the local Maildir root, e.g. \"~/Mail/" +
                        acc.name + "\")");
        if (auto v = s.choice("layout", k_layout_values)) acc.layout = *v;
        acc.provider = s.choice("provider", k_provider_values);
        const ProviderPreset* preset = acc.provider ? &preset_for(*acc.provider) : nullptr;
        const toml::table* imap = s.table("imap");
        if (!imap)
            s.fail_here("missing table [" + account_path + ".imap] (" + (preset ? "" : "host, ") +
                        "user, password_cmd)");
        const Section imap_section(*imap, account_path + ".imap", file, k_imap_keys);
        read_imap(imap_section, acc.imap, preset, preset ? &s.node("provider")->source() : nullptr);
        acc.imap.timeouts = cfg.general.timeouts;
        read_timeouts(imap_section, acc.imap.timeouts);
        if (const toml::table* sync = s.table("sync"))
            read_sync(Section(*sync, account_path + ".sync", file, k_sync_keys), acc.sync);
        place(s.qualified("maildir"), acc.maildir, s.node("maildir"), false);
        cfg.accounts.push_back(std::move(acc));
    }
    place("general.state_dir", cfg.general.state_dir, state_dir_written, true);
    // In the order they were written (tables come back sorted by name), defaults first: a collision
    // is reported at the key written later.
    std::stable_sort(dirs.begin(), dirs.end(), [](const auto& a, const auto& b) { return a.line < b.line; });
    if (auto collision = detail::find_dir_collision(dirs)) {
        const auto& at = dirs[collision->at];
        throw ConfigError(file + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": " +
                          collision->message);
    }
    return cfg;
}

Config parse(std::string_view text, const std::string& file) {
    try {
        toml::table root = toml::parse(text, file);
        return build(root, file);
    } catch (const toml::parse_error& e) {
        throw ConfigError(file + ":" + std::to_string(e.source().begin.line) + ":" +
                          std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
    }
}

}  // namespace

bool is_loopback_host(const std::string& host) {
    // Names other than "localhost" are resolved by DNS, which anyone on the path may answer: only a
    // literal address is known to stay on this machine. "127.example.com" is a name, not an address.
    std::string lower = host;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == "localhost") return true;
    in_addr v4{};
    if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;  // 127.0.0.0/8
    std::string v6_text = host;
    if (v6_text.size() > 2 && v6_text.front() == '[' && v6_text.back() == ']')
        v6_text = v6_text.substr(1, v6_text.size() - 2);
    in6_addr v6{};
    return ::inet_pton(AF_INET6, v6_text.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

std::filesystem::path default_config_path() {
    return xdg_home("XDG_CONFIG_HOME", ".config") / "mailtwin" / "config.toml";
}

namespace {

// A config file that others may read must not hold a password in clear text.
void warn_about_readable_secrets(const std::filesystem::path& path, Config& cfg) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || (st.st_mode & (S_IRGRP | S_IROTH)) == 0) return;
    std::vector<std::string> holders;
    for (const auto& a : cfg.accounts)
        if (a.imap.password) holders.push_back(a.name);
    if (holders.empty()) return;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    std::string accounts;
    for (const auto& h : holders) accounts += (accounts.empty() ? "" : ", ") + h;
    cfg.warnings.push_back(path.string() + " holds a password (account" + (holders.size() == 1 ? " " : "s ") +
                           accounts + ") and is readable by " + ((st.st_mode & S_IROTH) ? "every user" : "its group") +
                           " (mode " + mode + "): run chmod 600 " + path.string() +
                           ", or better, replace password with password_cmd (e.g. \"pass show mail/work\")");
}

}  // namespace

Config load_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw ConfigError(path.string() + " is a directory, not a config file; pass --config FILE (for example " +
                          (path / "config.toml").string() + ")");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ConfigError(path.string() + ": cannot read the config file (" +
                          (std::filesystem::exists(path) ? "permission denied" : "no such file") +
                          "); pass --config FILE or create it (see " + MAILTWIN_EXAMPLE_CONFIG + ")");
    std::stringstream ss;
    ss << in.rdbuf();
    Config cfg = parse(ss.str(), path.string());
    warn_about_readable_secrets(path, cfg);
    return cfg;
}

void check_referenced_files(const Config& cfg) {
    for (const auto& a : cfg.accounts) {
        if (!a.imap.ca_file) continue;
        const std::filesystem::path& ca = *a.imap.ca_file;
        const std::string key = cfg.source.string() + ": key 'accounts." + a.name + ".imap.ca_file'";
        std::error_code ec;
        if (ca.empty()) throw ConfigError(key + " is empty; remove it to use the system certificate store");
        if (!std::filesystem::exists(ca, ec))
            throw ConfigError(key + " names " + ca.string() +
                              ", which does not exist; give the path of a PEM file of CA certificates, or remove the "
                              "key to use the system store");
        if (std::filesystem::is_directory(ca, ec))
            throw ConfigError(key + " names the directory " + ca.string() +
                              "; give the path of a PEM file of CA certificates");
        if (!std::ifstream(ca, std::ios::binary))
            throw ConfigError(key + " names " + ca.string() + ", which this user cannot read (permission denied)");
    }
}

Config load_string(std::string_view toml_text, const std::string& source_name) { return parse(toml_text, source_name); }

const Account* Config::find_account(std::string_view name) const {
    for (const auto& a : accounts)
        if (a.name == name) return &a;
    return nullptr;
}

}  // namespace mailtwin::config
