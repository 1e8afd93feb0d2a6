#include "plan_by_content.hpp"

#include <algorithm>
#include <variant>

#include "mailtwin/sync/plan_format.hpp"
#include "store_sync.hpp"
#include "support/mirrored_action.hpp"

namespace mailtwin::test {

namespace {

using namespace sync;

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

std::vector<std::string> sorted_text(const Plan& plan, const ContentNames& names, bool mirror) {
    const Renamer rename{names};
    std::vector<std::string> out;
    for (const auto& a : plan.actions) {
        const Action named = std::visit(rename, a);
        out.push_back(to_text(mirror ? mirrored_action(named) : named));
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
