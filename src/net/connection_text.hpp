#pragma once
// Private to net/: how the connection words what a server said and how long it waits, shared by the
// files of Connection (connection.cpp, connection_idle.cpp).
#include <string>

#include "mailtwin/imap/response.hpp"
#include "mailtwin/net/connection.hpp"
#include "mailtwin/util/log.hpp"

namespace mailtwin::net::detail {

inline std::string server_text(const imap::Response& r) {
    std::string out;
    if (r.code) out += "[" + r.code->name + (r.code->args.empty() ? "" : " " + r.code->args) + "] ";
    return out + r.text;
}

inline bool tracing() { return util::log_level() >= util::LogLevel::debug; }

inline std::string seconds_text(Timeout t) {
    const auto ms = t.count();
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
    return std::to_string(ms) + " ms";
}

inline bool is_bye(const imap::Response& r) {
    return r.kind == imap::Response::Kind::bye || r.status == imap::Status::bye;
}

}  // namespace mailtwin::net::detail
