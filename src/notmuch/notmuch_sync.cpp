#include "mailtwin/notmuch/notmuch_sync.hpp"

#include <algorithm>

#include "mailtwin/notmuch/keyword_files.hpp"
#include "mailtwin/notmuch/notmuch_cli.hpp"
#include "mailtwin/notmuch/notmuch_tag_base.hpp"
#include "mailtwin/notmuch/notmuch_tags.hpp"
#include "mailtwin/results/engine_error.hpp"

namespace mailtwin::engine {
namespace {

// The account's Maildir as notmuch writes its files' paths (under the mail root as notmuch has it),
// and the query for its messages.
struct AccountScope {
    std::string prefix;  // every file of the account starts with it
    std::string query;
};

util::Expected<AccountScope> scope_of(const config::Account& account, const std::filesystem::path& root) {
    std::error_code ec;
    const auto canonical_root = std::filesystem::weakly_canonical(root, ec);
    const auto canonical_maildir = std::filesystem::weakly_canonical(account.maildir, ec);
    const auto relative = canonical_maildir.lexically_relative(canonical_root);
    if (relative.empty() || *relative.begin() == "..")
        return util::unexpected(
            EngineError::notmuch_failed,
            "accounts." + account.name + ".maildir = \"" + account.maildir.string() +
                "\" is not under notmuch's mail root " + root.string() +
                " (database.mail_root), so notmuch cannot index it: move the Maildir under the mail "
                "root, set database.mail_root to a directory that holds it, or set notmuch_tags = false");
    if (relative == ".") return AccountScope{root.string() + "/", "*"};
    return AccountScope{(root / relative).string() + "/", notmuch_term("path", relative.string() + "/**")};
}

std::vector<std::string> as_vector(const std::set<std::string>& names) { return {names.begin(), names.end()}; }

// The base of message `id`, when one of its files is a file the base knew: otherwise the message is
// new to the tag sync (a first run, a download, a copy written anew) and nothing on it is a removal.
std::set<std::string> base_of(const TagBase& base, const std::string& id, const std::vector<KeywordFile>& files,
                              const TagFilter& filter) {
    auto it = base.messages.find(id);
    if (it == base.messages.end()) return {};
    const bool known = std::any_of(files.begin(), files.end(),
                                   [&](const KeywordFile& f) { return it->second.file_keys.contains(f.key); });
    return known ? filter.crossing(it->second.keywords) : std::set<std::string>{};
}

std::set<std::string> crossing_keywords(const std::vector<KeywordFile>& files, const TagFilter& filter) {
    std::set<std::string> out;
    for (const auto& f : files) out.merge(filter.crossing(f.keywords));
    return out;
}

}  // namespace

util::Expected<NotmuchStep> sync_notmuch_tags(const config::Account& account, const std::filesystem::path& state_dir) {
    // Before a first sync the Maildir (and maybe notmuch's mail root with it) does not exist yet: no
    // message has keywords or tags to carry.
    if (!std::filesystem::is_directory(account.maildir)) return NotmuchStep{};
    const NotmuchCli cli;
    auto settings = cli.settings();  // first: without a configuration, the way to make one
    if (!settings) return util::unexpected(std::move(settings).error());
    if (auto r = cli.index(); !r) return util::unexpected(std::move(r).error());
    auto scope = scope_of(account, settings->mail_root);
    if (!scope) return util::unexpected(std::move(scope).error());
    auto never_sent = settings->new_tags;
    never_sent.insert(never_sent.end(), account.sync.notmuch_ignore_tags.begin(),
                      account.sync.notmuch_ignore_tags.end());
    const TagFilter filter(never_sent);
    auto revision = cli.revision(scope->query);
    if (!revision) return util::unexpected(std::move(revision).error());
    const auto base_file = TagBase::file_for(state_dir, account.name);
    auto base = TagBase::load(base_file);
    if (!base) return util::unexpected(std::move(base).error());

    const bool incremental = base->uuid == revision->uuid;
    // notmuch reads "*" as "every message" only as the whole query, not inside one.
    const std::string changed = "lastmod:" + std::to_string(base->lastmod + 1) + "..";
    const std::string query = !incremental          ? scope->query
                              : scope->query == "*" ? changed
                                                    : "(" + scope->query + ") and " + changed;
    auto messages = cli.messages(query);
    if (!messages) return util::unexpected(std::move(messages).error());

    TagBase next;
    if (incremental) next.messages = base->messages;  // the messages not changed since keep their base
    KeywordFiles keyword_files;
    NotmuchStep step;
    std::string batch;
    bool renamed = false;
    for (const auto& m : *messages) {
        std::vector<KeywordFile> files;  // the message's files in this account
        for (const auto& path : m.files)
            if (path.starts_with(scope->prefix))
                if (auto f = keyword_files.read(path)) files.push_back(std::move(*f));
        if (files.empty()) {
            next.messages.erase(m.id);  // it left the account
            continue;
        }
        const auto keywords = crossing_keywords(files, filter);
        const auto tags = filter.crossing(std::set<std::string>(m.tags.begin(), m.tags.end()));
        const auto changes = merge_tags(tags, keywords, base_of(*base, m.id, files, filter));
        bool written = true;
        for (auto& f : files) {
            auto wanted = f.keywords;
            wanted.insert(changes.add_to_files.begin(), changes.add_to_files.end());
            for (const auto& k : changes.remove_from_files) wanted.erase(k);
            if (wanted == f.keywords) continue;
            if (auto r = keyword_files.write(f, wanted); !r) {
                step.problems.push_back(std::move(r).error());
                written = false;
                continue;
            }
            renamed = true;
            for (const auto& k : wanted)
                if (!f.keywords.contains(k))
                    step.notes.push_back("keyword \"" + k + "\" of " + f.path.string() +
                                         " not stored: its folder has a letter for 26 keywords only");
        }
        batch += notmuch_batch_line(as_vector(changes.add_tags), as_vector(changes.remove_tags), m.id);
        step.tags_added += changes.add_tags.size();
        step.tags_removed += changes.remove_tags.size();
        const auto now = crossing_keywords(files, filter);
        for (const auto& k : now) step.keywords_added += keywords.contains(k) ? 0 : 1;
        for (const auto& k : keywords) step.keywords_removed += now.contains(k) ? 0 : 1;
        if (!written) continue;  // its base stays: the next step tries again
        TagBaseEntry& entry = next.messages[m.id];
        entry = TagBaseEntry{now, {}};
        for (const auto& f : files) entry.file_keys.insert(f.key);
    }
    if (renamed)
        if (auto r = cli.index(); !r) return util::unexpected(std::move(r).error());
    if (!batch.empty()) {
        auto scratch = base_file;
        scratch += ".batch";
        if (auto r = cli.tag(batch, scratch); !r) return util::unexpected(std::move(r).error());
    }
    // Messages gone from the account (expunged, deleted) leave no trace in a lastmod query: when the
    // base holds more messages than the account, the ids notmuch still has say which to drop.
    if (next.messages.size() > revision->count) {
        auto ids = cli.ids(scope->query);
        if (!ids) return util::unexpected(std::move(ids).error());
        const std::set<std::string> present(ids->begin(), ids->end());
        std::erase_if(next.messages, [&](const auto& entry) { return !present.contains(entry.first); });
    }
    next.uuid = revision->uuid;
    // After a failed rename the same messages are read again next time, from the last good revision.
    next.lastmod = step.problems.empty() ? revision->lastmod : (incremental ? base->lastmod : 0);
    if (next != *base)
        if (auto r = next.save(base_file); !r) return util::unexpected(std::move(r).error());
    return step;
}

std::string describe(const NotmuchStep& step) {
    if (step.tags_added + step.tags_removed + step.keywords_added + step.keywords_removed == 0) return {};
    return "notmuch: tags +" + std::to_string(step.tags_added) + " -" + std::to_string(step.tags_removed) +
           ", keywords +" + std::to_string(step.keywords_added) + " -" + std::to_string(step.keywords_removed);
}

}  // namespace mailtwin::engine
