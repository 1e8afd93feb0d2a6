// An account's [imap] settings as the connection takes them (declared in account_sync.hpp).
#include "mailtwin/settings/connection_settings.hpp"
#include "mailtwin/config/loader.hpp"

namespace mailtwin::engine {

net::ConnectionSettings connection_settings(const config::Account& account, const std::string& secret) {
    net::ConnectionSettings s;
    const auto& imap = account.imap;
    s.host = imap.host;
    s.port = imap.port;
    s.security = imap.tls == config::Tls::implicit   ? net::Security::implicit_tls
                 : imap.tls == config::Tls::starttls ? net::Security::starttls
                                                     : net::Security::none;
    if (imap.ca_file) s.tls.ca_file = *imap.ca_file;
    if (imap.fingerprint) s.tls.fingerprint = *imap.fingerprint;
    s.user = imap.user;
    s.secret = secret;
    s.auth = imap.auth == config::Auth::plain   ? net::AuthMechanism::plain
             : imap.auth == config::Auth::login ? net::AuthMechanism::login
                                                : net::AuthMechanism::xoauth2;
    // Compression pays over a real link and costs CPU on loopback, where the bytes are free.
    s.compress = imap.compress == config::Compress::always ||
                 (imap.compress == config::Compress::automatic && !config::is_loopback_host(imap.host));
    s.connect_timeout = std::chrono::seconds(imap.timeouts.connect);
    s.greeting_timeout = std::chrono::seconds(imap.timeouts.greeting);
    s.io_timeout = std::chrono::seconds(imap.timeouts.command);
    return s;
}

}  // namespace mailtwin::engine
