#include "scenario.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "mailtwin/sync/plan_format.hpp"
#include "mailtwin/sync/planner.hpp"
#include "support/mirrored_action.hpp"

namespace mailtwin::sync::test {

namespace {

constexpr std::uint64_t k_default_size = 100;
constexpr std::int64_t k_default_age_days = 1;

std::uint64_t content_hash(const std::string& s) {
    std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
    for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    return h;
}

std::vector<std::string> tokens(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string t; in >> t;) out.push_back(t);
    return out;
}

// Splits "<head>[:flags][@c][#n][~d][!]" into its parts.
struct Token {
    std::string head;
    std::string flags;
    std::string content;
    std::uint64_t size = k_default_size;
    std::int64_t age_days = k_default_age_days;
    bool bang = false;
};

Token parse_token(std::string t) {
    Token out;
    if (!t.empty() && t.back() == '!') {
        out.bang = true;
        t.pop_back();
    }
    const auto cut = t.find_first_of(":@#~");
    out.head = t.substr(0, cut);
    std::size_t i = cut;
    while (i != std::string::npos && i < t.size()) {
        const char tag = t[i];
        const auto next = t.find_first_of(":@#~", i + 1);
        const std::string value = t.substr(i + 1, next == std::string::npos ? std::string::npos : next - i - 1);
        if (tag == ':')
            out.flags = value;
        else if (tag == '@')
            out.content = value;
        else if (tag == '#')
            out.size = std::stoull(value);
        else
            out.age_days = std::stoll(value);
        i = next;
    }
    return out;
}

std::optional<model::Identity> identity(const Token& t) {
    if (t.content.empty()) return std::nullopt;
    return model::Identity{content_hash(t.content), t.size};
}

}  // namespace

model::FlagSet parse_flags(const std::string& text) {
    model::FlagSet f;
    if (text == "-") return f;
    std::size_t i = 0;
    for (; i < text.size() && text[i] != ','; ++i) {
        auto flag = model::flag_from_letter(text[i]);
        if (!flag) throw std::invalid_argument("bad flag letter in " + text);
        f.set(*flag);
    }
    while (i < text.size()) {
        const auto next = text.find(',', i + 1);
        f.keywords.insert(text.substr(i + 1, next == std::string::npos ? std::string::npos : next - i - 1));
        i = next;
    }
    return f;
}

model::RemoteView remote_view(const std::string& text, model::UidValidity uidvalidity) {
    model::RemoteView v;
    v.uidvalidity = uidvalidity;
    for (const auto& s : tokens(text)) {
        const Token t = parse_token(s);
        const auto uid = static_cast<model::Uid>(std::stoul(t.head));
        v.messages.push_back({uid, parse_flags(t.flags), t.size, k_now - t.age_days * 86400, identity(t)});
        v.uidnext = std::max(v.uidnext, uid + 1);
    }
    return v;
}

model::LocalView local_view(const std::string& text) {
    model::LocalView v;
    for (const auto& s : tokens(text)) {
        const Token t = parse_token(s);
        v.messages.push_back({t.head, parse_flags(t.flags), t.size, k_now - t.age_days * 86400, identity(t)});
    }
    return v;
}

model::FolderState folder_state(const std::string& text, bool flipped, model::UidValidity uidvalidity) {
    model::FolderState st;
    if (text.empty()) return st;
    st.uidvalidity = uidvalidity;
    for (const auto& s : tokens(text)) {
        if (s == "none") continue;  // an empty but existing state
        const Token t = parse_token(s);
        const auto eq = t.head.find('=');
        std::string a = t.head.substr(0, eq);
        std::string b = t.head.substr(eq + 1);
        const auto slash = t.flags.find('/');
        std::string fa = t.flags.empty() ? "-" : t.flags.substr(0, slash);
        std::string fb = t.flags.empty() ? "-" : t.flags.substr(slash + 1);
        if (flipped) {
            std::swap(a, b);
            std::swap(fa, fb);
        }
        model::PairState row;
        row.uid = a == "-" ? 0 : static_cast<model::Uid>(std::stoul(a));
        row.key = b == "-" ? std::string() : b;
        row.remote_flags = parse_flags(fa);
        row.local_flags = parse_flags(fb);
        row.size = t.size;
        row.identity = identity(t);
        row.detached = t.bang;
        st.pairs.push_back(row);
    }
    return st;
}

Policy mirrored(const Policy& p) {
    Policy m = p;
    if (p.direction == Direction::pull)
        m.direction = Direction::push;
    else if (p.direction == Direction::push)
        m.direction = Direction::pull;
    if (p.expunge == ExpungeTo::local)
        m.expunge = ExpungeTo::remote;
    else if (p.expunge == ExpungeTo::remote)
        m.expunge = ExpungeTo::local;
    return m;
}

Action mirrored(const Action& a) { return mailtwin::test::mirrored_action(a); }

std::vector<std::string> lines(const Plan& plan) { return format_plan(plan, PlanFormat::text); }

std::vector<std::string> sorted_lines(const Plan& plan) {
    auto out = lines(plan);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> mirrored_sorted_lines(const Plan& plan) {
    std::vector<std::string> out;
    for (const auto& a : plan.actions) out.push_back(to_text(mirrored(a)));
    std::sort(out.begin(), out.end());
    return out;
}

Outcome run(const Scenario& s, const Policy& policy) {
    Outcome o;
    o.plan = plan_folder(remote_view(s.remote), local_view(s.local), folder_state(s.state), policy, k_now);
    // Flipped: the local text is now the server's, and the remote text the Maildir's.
    o.flipped =
        plan_folder(remote_view(s.local), local_view(s.remote), folder_state(s.state, true), mirrored(policy), k_now);
    return o;
}

}  // namespace mailtwin::sync::test
