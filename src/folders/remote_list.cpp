#include "mailtwin/folders/remote_list.hpp"

#include <exception>

#include "mailtwin/results/engine_error.hpp"
#include "mailtwin/results/internal_error.hpp"
#include "mailtwin/settings/connection_settings.hpp"
#include "mailtwin/settings/secret.hpp"

namespace mailtwin::engine {

asio::awaitable<util::Expected<RemoteListing>> list_remote(net::Session& session, bool with_status) {
    // NAMESPACE rides in the LIST's pipeline. Without the capability the prefix is "". With it, a
    // failure fails the listing, not guessed around: the wrong prefix would move every local path.
    const bool has_namespace = session.connection().capabilities().namespace_();
    imap::Namespaces namespaces;
    auto listed = co_await session.list_folders(with_status, has_namespace ? &namespaces : nullptr);
    if (!listed) co_return util::unexpected(std::move(listed).error());
    RemoteListing out;
    out.folders = std::move(*listed);
    out.naming = make_folder_naming(out.folders, has_namespace ? &namespaces : nullptr);
    out.delimiter = out.naming.delimiter;
    co_return out;
}

namespace {

asio::awaitable<util::Expected<RemoteListing>> visit(asio::io_context& io, net::ConnectionSettings settings,
                                                     bool with_status) {
    net::Connection conn(io.get_executor(), std::move(settings));
    if (auto r = co_await conn.open(); !r) co_return util::unexpected(std::move(r).error());
    net::Session session(conn);
    auto listed = co_await list_remote(session, with_status);
    co_await conn.logout();
    co_return listed;
}

}  // namespace

util::Expected<RemoteListing> list_remote_folders(const config::Account& account, bool with_status) {
    auto secret = resolve_secret(account.imap);
    if (!secret) return util::unexpected(std::move(secret).error());
    asio::io_context io;
    std::optional<util::Expected<RemoteListing>> result;
    asio::co_spawn(io, visit(io, connection_settings(account, *secret), with_status),
                   [&](std::exception_ptr e, util::Expected<RemoteListing> r) {
                       if (auto failed = internal_error(e, "listing the server's folders"))
                           result.emplace(util::unexpected(std::move(*failed)));
                       else
                           result.emplace(std::move(r));
                   });
    io.run();
    if (!result) return util::unexpected(util::Error{EngineError::unexpected, "the server visit did not finish"});
    return std::move(*result);
}

}  // namespace mailtwin::engine
