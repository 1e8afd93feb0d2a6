#pragma once
// Private to the state module: run a read in its own short read txn. The result is owned (decoded
// inside), so ending the txn — an abort, as read txns have nothing to commit — loses nothing.
#include <utility>

#include "mailtwin/state/lmdb.hpp"

namespace mailtwin::state::detail {

template <typename F>
auto with_read(Env& env, F&& f) -> decltype(f(std::declval<Txn&>())) {
    auto txn = env.begin_read();
    if (!txn) return util::unexpected(std::move(txn).error());
    return std::forward<F>(f)(*txn);
}

}  // namespace mailtwin::state::detail
