// The floor rows of the benchmark: what the IMAP work alone costs, with no Maildir and no state.
//   --mode noop   connect + TLS + login + one LIST-STATUS + logout      (the floor of a no-op resync)
//   --mode fetch  UID FETCH 1:* BODY.PEEK[] of every folder, pipelined over N connections, to nowhere
//                 (the floor of an initial download)
// Built on mailtwin's own connection layer, so the difference to `mailtwin sync` is what the sync
// itself adds.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "mailtwin/net/connection.hpp"
#include "mailtwin/net/session.hpp"

namespace asio = boost::asio;
using namespace mailtwin;

namespace {

struct Args {
    net::ConnectionSettings settings;
    std::string mode = "noop";
    std::size_t connections = 1;
};

class Discard final : public imap::LiteralSink {
public:
    bool begin(const imap::FetchContext&, std::uint64_t total) override {
        bytes += total;
        ++messages;
        return true;
    }
    void data(std::string_view) override {}
    void end() override {}
    std::uint64_t bytes = 0;
    std::uint64_t messages = 0;
};

asio::awaitable<int> fetch_worker(asio::io_context& io, const Args& args, std::vector<std::string>& folders,
                                  std::size_t& next, Discard& sink) {
    net::Connection conn(io.get_executor(), args.settings);
    if (auto r = co_await conn.open(); !r) {
        std::cerr << "floor: " << r.error().describe() << "\n";
        co_return 3;
    }
    conn.parser().set_sink(&sink);
    net::Session session(conn);
    while (next < folders.size()) {
        const std::string folder = folders[next++];
        auto sel = co_await session.select(folder, std::nullopt, true);
        if (!sel) {
            std::cerr << "floor: " << sel.error().describe() << "\n";
            co_return 1;
        }
        if (sel->exists == 0) continue;
        const std::string_view items[] = {"BODY.PEEK[]"};
        auto cmd = conn.encoder().uid_fetch(imap::SeqSet::from_to_highest(1), items);
        auto reply = co_await conn.execute(std::move(*cmd));
        if (!reply || !reply->ok()) co_return 1;
    }
    conn.parser().set_sink(nullptr);
    co_await conn.logout();
    co_return 0;
}

asio::awaitable<int> run(asio::io_context& io, const Args& args) {
    net::Connection conn(io.get_executor(), args.settings);
    if (auto r = co_await conn.open(); !r) {
        std::cerr << "floor: " << r.error().describe() << "\n";
        co_return 3;
    }
    net::Session session(conn);
    auto listed = co_await session.list_folders(true);
    if (!listed) co_return 1;
    if (args.mode == "noop") {
        co_await conn.logout();
        std::cout << "folders " << listed->size() << "\n";
        co_return 0;
    }
    co_await conn.logout();
    std::vector<std::string> folders;
    for (const auto& f : *listed)
        if (f.selectable) folders.push_back(f.name);
    std::size_t next = 0;
    Discard sink;
    int rc = 0;
    int running = static_cast<int>(args.connections);
    asio::steady_timer done(io, asio::steady_timer::time_point::max());
    for (std::size_t i = 0; i < args.connections; ++i)
        asio::co_spawn(io, fetch_worker(io, args, folders, next, sink), [&](std::exception_ptr, int r) {
            rc = std::max(rc, r);
            if (--running == 0) done.cancel();
        });
    boost::system::error_code ec;
    co_await done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    std::cout << "messages " << sink.messages << " bytes " << sink.bytes << "\n";
    co_return rc;
}

}  // namespace

int main(int argc, char** argv) {
    Args args;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i], v = argv[i + 1];
        if (k == "--host")
            args.settings.host = v;
        else if (k == "--port")
            args.settings.port = static_cast<std::uint16_t>(std::stoi(v));
        else if (k == "--user")
            args.settings.user = v;
        else if (k == "--password")
            args.settings.secret = v;
        else if (k == "--ca-file")
            args.settings.tls.ca_file = v;
        else if (k == "--tls")
            args.settings.security = v == "none" ? net::Security::none : net::Security::implicit_tls;
        else if (k == "--mode")
            args.mode = v;
        else if (k == "--connections")
            args.connections = static_cast<std::size_t>(std::stoul(v));
        else {
            std::cerr << "usage: mailtwin-floor --host H --port P --user U --password W [--ca-file F] "
                         "[--tls implicit|none] [--mode noop|fetch] [--connections N]\n";
            return 2;
        }
    }
    asio::io_context io;
    int rc = 1;
    asio::co_spawn(io, run(io, args), [&](std::exception_ptr e, int r) { rc = e ? 1 : r; });
    io.run();
    return rc;
}
