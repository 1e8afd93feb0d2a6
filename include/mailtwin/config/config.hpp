#pragma once
// The resolved configuration: plain validated structs, no TOML types. Every key of the contract
// (shared spec "Configuration") has a field here; defaults are the ones the README documents.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mailtwin::config {

enum class Tls { implicit, starttls, none };
enum class Compress { automatic, always, never };
enum class Auth { plain, login, xoauth2 };
enum class Layout { verbatim, maildir_plus_plus, dotted };
enum class Direction { both, pull, push };
enum class Expunge { both, none, local, remote };
enum class OnConflict { keep, del };
// A folder deleted on one side: created again from the other ("recreate"), or deleted on the other
// too when that copy has nothing unsynced ("propagate"). sync/folder_plan.hpp has the rules.
enum class FolderDeletes { recreate, propagate };
enum class Keywords { dovecot, ignore };
// Whether the mail readers on this Maildir keep the keyword letters (a..z) of a file name when they
// rename it: "kept" (neomutt, mutt, Dovecot), "dropped" (mu/mu4e), "auto" (the default: a file that
// lost every keyword letter at once was renamed by a reader that does not know them).
enum class LocalKeywords { automatic, kept, dropped };
// Well-known providers whose IMAP settings `provider = "..."` fills in (config/presets.hpp).
enum class Provider { gmail, outlook, yahoo, fastmail, icloud };

// How long mailtwin waits on a silent server, in seconds ([general], overridden per account in
// [accounts.NAME.imap]). Each bounds one wait, so a dead peer never holds a run (and its account
// lock) longer than these.
struct Timeouts {
    int connect = 10;  // connect_timeout: resolving the host name and the TCP connect
    int greeting = 5;  // greeting_timeout: the server's greeting, and each TLS handshake
    int command = 60;  // command_timeout: the longest silence while a command runs
};

struct General {
    std::filesystem::path state_dir;  // LMDB environment; default $XDG_STATE_HOME/mailtwin
    int max_connections = 4;          // per account, for parallel folders
    Timeouts timeouts;                // defaults for every account
};

struct Imap {
    std::string host;
    std::uint16_t port = 993;  // 993 for implicit TLS, 143 otherwise, unless set
    Tls tls = Tls::implicit;
    bool allow_plaintext = false;  // tls = "none" to a host that is not loopback needs this opt-in
    std::string user;
    std::optional<std::string> password;      // secret: never logged, masked by check-config
    std::optional<std::string> password_cmd;  // run through /bin/sh -c; its output is the password
    Auth auth = Auth::plain;
    std::optional<std::filesystem::path> ca_file;
    std::optional<std::string> fingerprint;  // "sha256:AB:CD:..." certificate pin
    // COMPRESS=DEFLATE: "auto" compresses unless the host is loopback (where bytes are free and
    // deflate only costs CPU); "always" also on loopback (e.g. through an SSH tunnel or relay).
    Compress compress = Compress::automatic;
    Timeouts timeouts;  // resolved: the [general] ones, unless this account sets its own
};

struct Sync {
    Direction direction = Direction::both;
    Expunge expunge = Expunge::both;
    std::vector<std::string> folders{"*"};  // globs over remote names; "!" excludes; later rules win
    OnConflict on_conflict = OnConflict::keep;
    FolderDeletes folder_deletes = FolderDeletes::recreate;
    std::uint64_t max_size = 0;  // bytes; 0 = no limit
    int max_age_days = 0;
    int max_messages = 0;
    int max_delete_percent = 50;
    Keywords keywords = Keywords::dovecot;
    LocalKeywords local_keywords = LocalKeywords::automatic;
    std::string trash;  // remote folder receiving local deletions instead of expunge; "" = expunge
    // Folders whose LIST attributes hold one of these RFC 6154 special-use names are not synced
    // (Gmail's "[Gmail]/All Mail" is \All and holds every message a second time); {} syncs them all.
    std::vector<std::string> skip_special_use{"\\All"};
    // IMAP keywords <-> notmuch tags through the notmuch command line (notmuch/notmuch_sync.hpp).
    bool notmuch_tags = false;
    // Tags that stay in notmuch and keywords that stay on the server, besides notmuch's own tags.
    std::vector<std::string> notmuch_ignore_tags;
};

struct Account {
    std::string name;
    std::filesystem::path maildir;
    Layout layout = Layout::verbatim;
    std::optional<Provider> provider;  // the preset the [imap] settings started from, if any
    Imap imap;
    Sync sync;
};

struct Config {
    std::filesystem::path source;  // the file it was read from
    General general;
    std::vector<Account> accounts;      // in file order
    std::vector<std::string> warnings;  // things that work but should be fixed (a readable password): shown once

    [[nodiscard]] const Account* find_account(std::string_view name) const;
};

// Names of the enum values as they are written in the config file.
std::string_view to_string(Tls v);
std::string_view to_string(Compress v);
std::string_view to_string(Auth v);
std::string_view to_string(Layout v);
std::string_view to_string(Direction v);
std::string_view to_string(Expunge v);
std::string_view to_string(OnConflict v);
std::string_view to_string(FolderDeletes v);
std::string_view to_string(Keywords v);
std::string_view to_string(LocalKeywords v);
std::string_view to_string(Provider v);

}  // namespace mailtwin::config
