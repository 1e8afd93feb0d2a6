#pragma once
// An account's [imap] table as the network layer's settings (the secret resolved separately,
// settings/secret.hpp).
#include <string>

#include "mailtwin/config/config.hpp"
#include "mailtwin/net/connection.hpp"

namespace mailtwin::engine {

net::ConnectionSettings connection_settings(const config::Account& account, const std::string& secret);

}  // namespace mailtwin::engine
