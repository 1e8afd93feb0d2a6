#pragma once
// A plan action seen from the other side, for the mirror properties (the same world with the sides
// swapped must give the mirrored plan): sides swapped, downloads and uploads exchanged, and each uid
// n written as the key "n" and back. The ids must already be named so that this is a bijection (a
// scenario's uids and keys, or ids named by content).
#include <string>
#include <variant>
#include <vector>

#include "mailtwin/sync/plan.hpp"

namespace mailtwin::test {

inline model::Uid mirror_uid(const std::string& key) {
    return key.empty() ? 0 : static_cast<model::Uid>(std::stoul(key));
}
inline std::string mirror_key(model::Uid uid) { return uid == 0 ? std::string() : std::to_string(uid); }

namespace mirror_detail {
template <class... Fs>
struct Overload : Fs... {
    using Fs::operator()...;
};
template <class... Fs>
Overload(Fs...) -> Overload<Fs...>;
}  // namespace mirror_detail

inline sync::Action mirrored_action(const sync::Action& a) {
    using namespace sync;
    using util::other;
    auto expunge = [](const Expunge& x) { return Expunge{other(x.side), mirror_uid(x.key), mirror_key(x.uid)}; };
    return std::visit(mirror_detail::Overload{
                          [](const ResetUids& x) -> Action { return x; },
                          [](const Pair& x) -> Action {
                              return Pair{mirror_uid(x.key), mirror_key(x.uid), x.local_flags, x.remote_flags, x.size,
                                          x.identity};
                          },
                          [](const Detach& x) -> Action {
                              return Detach{other(x.gone), mirror_uid(x.key), mirror_key(x.uid)};
                          },
                          [](const Forget& x) -> Action {
                              return Forget{mirror_uid(x.key), mirror_key(x.uid)};
                          },
                          [](const SetFlags& x) -> Action {
                              return SetFlags{other(x.side), mirror_uid(x.key), mirror_key(x.uid), x.add, x.remove};
                          },
                          [](const Record& x) -> Action {
                              return Record{mirror_uid(x.key), mirror_key(x.uid), x.local_flags, x.remote_flags};
                          },
                          [&](const Expunge& x) -> Action { return expunge(x); },
                          [](const Download& x) -> Action {
                              return Upload{mirror_key(x.uid), x.flags,  x.remote_flags, x.internaldate, x.size,
                                            x.identity,        x.restore};
                          },
                          [](const Upload& x) -> Action {
                              return Download{mirror_uid(x.key), x.flags,  x.local_flags, x.internaldate, x.size,
                                              x.identity,        x.restore};
                          },
                          [](const Skip& x) -> Action {
                              return Skip{other(x.side), mirror_uid(x.key), mirror_key(x.uid), x.reason};
                          },
                          [&](const Refuse& x) -> Action {
                              std::vector<Expunge> held;
                              for (const auto& e : x.held) held.push_back(expunge(e));
                              return Refuse{other(x.gone), x.count, x.paired, x.reason, x.cause, std::move(held)};
                          },
                      },
                      a);
}

}  // namespace mailtwin::test
