#pragma once
// One short, read-only visit to the server for the report commands (status, folders): resolve the
// secret, connect, LIST (with STATUS, or with SPECIAL-USE attributes), log out. Nothing is selected,
// so no \Recent flag is consumed and no state is touched.
#include <vector>

#include "mailtwin/config/config.hpp"
#include "mailtwin/folders/folder_naming.hpp"
#include "mailtwin/net/session.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::engine {

namespace asio = boost::asio;

struct RemoteListing {
    std::vector<net::FolderInfo> folders;
    char delimiter = '/';  // the first delimiter the server named; '/' for a flat namespace
    FolderNaming naming;   // that delimiter and the personal namespace prefix
};

// LIST (with STATUS if asked), then NAMESPACE when the server has it: the folders and how their names
// map locally. Used wherever a connection reads the folder list (sync, watch, status, folders).
boost::asio::awaitable<util::Expected<RemoteListing>> list_remote(net::Session& session, bool with_status);

// Errors: password_cmd failures (EngineError::password_command_failed) and connection, TLS and
// authentication failures: both mean "the server could not be asked" (AccountFailure::connection).
util::Expected<RemoteListing> list_remote_folders(const config::Account& account, bool with_status);

}  // namespace mailtwin::engine
