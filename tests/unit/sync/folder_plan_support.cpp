#include "folder_plan_support.hpp"

#include <algorithm>
#include <sstream>
#include <utility>

namespace mailtwin::sync::test {

using util::Side;

namespace {

std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

// Cuts "name<mark>value" at `mark`: the value, and the word left with the name.
std::string cut(std::string& word, char mark) {
    const auto at = word.find(mark);
    if (at == std::string::npos) return {};
    std::string value = word.substr(at + 1);
    word.resize(at);
    return value;
}

const char* why_text(FolderSkip why) {
    switch (why) {
        case FolderSkip::not_selectable:
            return "not_selectable";
        case FolderSkip::direction:
            return "direction";
        case FolderSkip::rename_conflict:
            return "rename_conflict";
        case FolderSkip::deletion_refused:
            return "deletion_refused";
    }
    return "?";
}

std::string action_line(const FolderAction& a) {
    std::string line;
    switch (a.kind) {
        case FolderActionKind::rename:
            line = "rename ";
            break;
        case FolderActionKind::create:
            line = "create ";
            break;
        case FolderActionKind::remove:
            line = "remove ";
            break;
    }
    line.append(util::side_name(a.side)).append(" ").append(a.name);
    if (a.kind == FolderActionKind::rename) line.append(" -> ").append(a.new_name);
    if (a.carried) line.append(" carried");
    return line;
}

std::string job_line(const FolderJobPlan& j) {
    std::string line = "job ";
    line.append(j.name);
    if (j.known) line.append(" known");
    for (Side s : util::k_both_sides)
        if (j.created[s]) line.append(" created=").append(util::side_name(s));
    if (j.recreated != Recreated::no) {
        line.append(j.recreated == Recreated::deleted ? " recreated=deleted@" : " recreated=changed@");
        line.append(util::side_name(j.recreated_on));
    }
    return line;
}

std::string pair_line(const char* what, const std::pair<std::string, std::string>& p) {
    std::string line = what;
    return line.append(" ").append(p.first).append(" -> ").append(p.second);
}

std::string word_line(const char* what, const std::string& name) {
    std::string line = what;
    return line.append(" ").append(name);
}

}  // namespace

std::vector<ListedFolder> listing(const std::string& text) {
    std::vector<ListedFolder> out;
    for (auto w : words(text)) {
        ListedFolder f;
        if (!w.empty() && w.back() == '!') {
            f.selectable = false;
            w.pop_back();
        }
        f.id = cut(w, '#');
        f.name = w;
        out.push_back(std::move(f));
    }
    return out;
}

std::vector<KnownFolder> known_folders(const std::string& text) {
    std::vector<KnownFolder> out;
    for (auto w : words(text)) {
        KnownFolder k;
        const std::string messages = cut(w, '=');
        k.messages = messages.empty() ? 10 : std::stoull(messages);
        k.id = cut(w, '#');
        k.name = w;
        out.push_back(std::move(k));
    }
    return out;
}

std::vector<std::string> plan_lines(const FolderPlan& plan) {
    std::vector<std::string> out;
    for (const auto& a : plan.actions) out.push_back(action_line(a));
    for (const auto& r : plan.rekey) out.push_back(pair_line("rekey", r));
    for (const auto& f : plan.forget) out.push_back(word_line("forget", f));
    for (const auto& j : plan.jobs) out.push_back(job_line(j));
    for (const auto& s : plan.skipped) out.push_back(word_line("skip", s.name).append(" ").append(why_text(s.why)));
    for (const auto& r : plan.renamed) out.push_back(pair_line("renamed", r));
    for (const auto& d : plan.deleted) out.push_back(word_line("deleted", d));
    return out;
}

FolderPlanInput mirrored(const FolderPlanInput& input) {
    FolderPlanInput m = input;
    for (Side s : util::k_both_sides) {
        m.listed[s] = input.listed[util::other(s)];
        m.evidence.same_content[s] = input.evidence.same_content[util::other(s)];
        m.evidence.unsynced[s] = input.evidence.unsynced[util::other(s)];
        m.children_follow_parent[s] = input.children_follow_parent[util::other(s)];
    }
    if (input.direction == Direction::pull) m.direction = Direction::push;
    if (input.direction == Direction::push) m.direction = Direction::pull;
    return m;
}

std::vector<std::string> sorted(std::vector<std::string> lines) {
    std::sort(lines.begin(), lines.end());
    return lines;
}

std::vector<std::string> mirrored_sorted(const std::vector<std::string>& lines) {
    std::vector<std::string> out;
    for (const auto& line : lines) {
        std::string swapped;
        for (const auto& w : words(line)) {
            if (!swapped.empty()) swapped.push_back(' ');
            // "created=remote", "recreated=deleted@local": the side is the word's last part.
            std::string word = w;
            for (const auto& [from, to] :
                 {std::pair<std::string, std::string>{"remote", "local"}, {"local", "remote"}}) {
                if (word.size() >= from.size() && word.compare(word.size() - from.size(), from.size(), from) == 0 &&
                    (word.size() == from.size() || word[word.size() - from.size() - 1] == '=' ||
                     word[word.size() - from.size() - 1] == '@')) {
                    word.replace(word.size() - from.size(), from.size(), to);
                    break;
                }
            }
            swapped.append(word);
        }
        out.push_back(std::move(swapped));
    }
    return sorted(std::move(out));
}

std::vector<std::string> wanted_lines(const std::vector<EvidenceWanted>& wanted) {
    std::vector<std::string> out;
    for (const auto& w : wanted) {
        std::string line(util::side_name(w.side));
        line.append(" ").append(w.known).append(":");
        for (const auto& c : w.candidates) line.append(" ").append(c);
        out.push_back(line);
    }
    return out;
}

}  // namespace mailtwin::sync::test
