#pragma once
// The one way to include Boost.Asio in mailtwin. Boost 1.74's asio/awaitable.hpp uses std::exchange
// without including <utility>; under GCC 12 -std=c++20 that fails unless <utility> comes first.
#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

namespace mailtwin::net {
namespace asio = boost::asio;
}  // namespace mailtwin::net
