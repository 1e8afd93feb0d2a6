#include "plan_by_content.hpp"

#include <algorithm>
#include <variant>

#include "mailtwin/sync/plan_format.hpp"
#include "store_sync.hpp"

namespace mailtwin::test {

namespace {

template <class... Fs>
struct Overload : Fs... {
    using Fs::operator()...;
};
template <class... Fs>
Overload(Fs...) -> Overload<Fs...>;

using namespace sync;
using util::other;

// Every uid and key of the action replaced by its content: uid n, key "n".
struct Renamer {
    const ContentNames& names;

    template <class A>
    Action operator()(A x) const {
        if constexpr (requires { x.uid; }) x.uid = static_cast<model::Uid>(names.of_uid(x.uid));
        if constexpr (requires { x.key; }) x.key = key(x.key);
        if constexpr (requires { x.held; })
            for (auto& e : x.held) e = std::get<Expunge>((*this)(e));
        return x;
    }

    std::string key(const std::string& k) const { return k.empty() ? std::string() : std::to_string(names.of_key(k)); }
};

// Uid n <-> key "n" (ids already named by content).
model::Uid mirror_uid(const std::string& key) { return key.empty() ? 0 : static_cast<model::Uid>(std::stoul(key)); }
std::string mirror_key(model::Uid uid) { return uid == 0 ? std::string() : std::to_string(uid); }

Expunge mirrored(const Expunge& x) { return Expunge{other(x.side), mirror_uid(x.key), mirror_key(x.uid)}; }

// As tests/unit/sync/scenario.cpp mirrors an action, for the fields to_text shows.
Action mirrored(const Action& a) {
    return std::visit(Overload{
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
                          [](const Expunge& x) -> Action { return mirrored(x); },
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
                          [](const Refuse& x) -> Action {
                              std::vector<Expunge> held;
                              for (const auto& e : x.held) held.push_back(mirrored(e));
                              return Refuse{other(x.gone), x.count, x.paired, x.reason, x.cause, std::move(held)};
                          },
                      },
                      a);
}

std::vector<std::string> sorted_text(const Plan& plan, const ContentNames& names, bool mirror) {
    const Renamer rename{names};
    std::vector<std::string> out;
    for (const auto& a : plan.actions) {
        const Action named = std::visit(rename, a);
        out.push_back(to_text(mirror ? mirrored(named) : named));
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

void ContentNames::learn(const MemoryStore& store) {
    for (const auto& m : store.messages()) {
        if (store.side() == util::Side::remote)
            m_uids[m.id.uid] = content_of(m.bytes);
        else
            m_keys[m.id.key] = content_of(m.bytes);
    }
}

std::uint64_t ContentNames::of_uid(model::Uid uid) const {
    if (uid == 0) return 0;
    auto it = m_uids.find(uid);
    return it == m_uids.end() ? k_unknown_content : it->second;
}

std::uint64_t ContentNames::of_key(const std::string& key) const {
    if (key.empty()) return 0;
    auto it = m_keys.find(key);
    return it == m_keys.end() ? k_unknown_content : it->second;
}

std::vector<std::string> lines_by_content(const Plan& plan, const ContentNames& names) {
    return sorted_text(plan, names, false);
}

std::vector<std::string> mirrored_lines_by_content(const Plan& plan, const ContentNames& names) {
    return sorted_text(plan, names, true);
}

}  // namespace mailtwin::test
