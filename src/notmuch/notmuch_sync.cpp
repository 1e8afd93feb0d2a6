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

// The messages to read: all of the account's at a first step (or after notmuch's database was
// rebuilt, a new uuid), else those changed since the base's revision.
std::string changed_messages_query(const AccountScope& scope, bool incremental, std::uint64_t base_lastmod) {
    // notmuch reads "*" as "every message" only as the whole query, not inside one.
    const std::string changed = "lastmod:" + std::to_string(base_lastmod + 1) + "..";
    if (!incremental) return scope.query;
    if (scope.query == "*") return changed;
    return "(" + scope.query + ") and " + changed;
}

// One step's pass over the messages notmuch reported: the files it renames, the tag lines it
// collects, the base it builds for the next step and what it counts.
struct MessagePass {
    MessagePass(const TagFilter& tag_filter, const TagBase& last_base, const std::string& account_prefix)
        : filter(tag_filter), base(last_base), prefix(account_prefix) {}

    const TagFilter& filter;
    const TagBase& base;
    const std::string& prefix;  // every file of the account starts with it
    KeywordFiles keyword_files;
    TagBase next;
    NotmuchStep step;
    std::string batch;     // the lines for `notmuch tag --batch`
    bool renamed = false;  // a file was renamed: notmuch indexes again before tagging
};

// The message's files in this account.
std::vector<KeywordFile> account_files(MessagePass& pass, const NotmuchMessage& m) {
    std::vector<KeywordFile> files;
    for (const auto& path : m.files)
        if (path.starts_with(pass.prefix))
            if (auto f = pass.keyword_files.read(path)) files.push_back(std::move(*f));
    return files;
}

// Renames the message's files for the keyword changes; false when one could not be (the step's
// problems say which).
bool write_keywords(MessagePass& pass, std::vector<KeywordFile>& files, const TagChanges& changes) {
    bool written = true;
    for (auto& f : files) {
        auto wanted = f.keywords;
        wanted.insert(changes.add_to_files.begin(), changes.add_to_files.end());
        for (const auto& k : changes.remove_from_files) wanted.erase(k);
        if (wanted == f.keywords) continue;
        if (auto r = pass.keyword_files.write(f, wanted); !r) {
            pass.step.problems.push_back(std::move(r).error());
            written = false;
            continue;
        }
        pass.renamed = true;
        for (const auto& k : wanted)
            if (!f.keywords.contains(k))
                pass.step.notes.push_back("keyword \"" + k + "\" of " + f.path.string() +
                                          " not stored: its folder has a letter for 26 keywords only");
    }
    return written;
}

// Merges one message's tags, its files' keywords and its base three ways: renames its files, adds
// its tag line, counts the changes and records its next base.
void merge_message(MessagePass& pass, const NotmuchMessage& m) {
    auto files = account_files(pass, m);
    if (files.empty()) {
        pass.next.messages.erase(m.id);  // it left the account
        return;
    }
    const auto keywords = crossing_keywords(files, pass.filter);
    const auto tags = pass.filter.crossing(std::set<std::string>(m.tags.begin(), m.tags.end()));
    const auto changes = merge_tags(tags, keywords, base_of(pass.base, m.id, files, pass.filter));
    const bool written = write_keywords(pass, files, changes);
    pass.batch += notmuch_batch_line(as_vector(changes.add_tags), as_vector(changes.remove_tags), m.id);
    pass.step.tags_added += changes.add_tags.size();
    pass.step.tags_removed += changes.remove_tags.size();
    const auto now = crossing_keywords(files, pass.filter);
    for (const auto& k : now) pass.step.keywords_added += keywords.contains(k) ? 0 : 1;
    for (const auto& k : keywords) pass.step.keywords_removed += now.contains(k) ? 0 : 1;
    if (!written) return;  // its base stays: the next step tries again
    TagBaseEntry& entry = pass.next.messages[m.id];
    entry = TagBaseEntry{now, {}};
    for (const auto& f : files) entry.file_keys.insert(f.key);
}

// Tells notmuch what the pass did: indexes the renamed files, then applies the tag changes.
util::Expected<void> apply_to_notmuch(const NotmuchCli& cli, const MessagePass& pass,
                                      const std::filesystem::path& base_file) {
    if (pass.renamed)
        if (auto r = cli.index(); !r) return util::unexpected(std::move(r).error());
    if (!pass.batch.empty()) {
        auto scratch = base_file;
        scratch += ".batch";
        if (auto r = cli.tag(pass.batch, scratch); !r) return util::unexpected(std::move(r).error());
    }
    return {};
}

// Messages gone from the account (expunged, deleted) leave no trace in a lastmod query: when the
// base holds more messages than the account, the ids notmuch still has say which to drop.
util::Expected<void> drop_gone_messages(const NotmuchCli& cli, const AccountScope& scope,
                                        const NotmuchRevision& revision, TagBase& next) {
    if (next.messages.size() <= revision.count) return {};
    auto ids = cli.ids(scope.query);
    if (!ids) return util::unexpected(std::move(ids).error());
    const std::set<std::string> present(ids->begin(), ids->end());
    std::erase_if(next.messages, [&](const auto& entry) { return !present.contains(entry.first); });
    return {};
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
    auto messages = cli.messages(changed_messages_query(*scope, incremental, base->lastmod));
    if (!messages) return util::unexpected(std::move(messages).error());

    MessagePass pass(filter, *base, scope->prefix);
    if (incremental) pass.next.messages = base->messages;  // the messages not changed since keep their base
    for (const auto& m : *messages) merge_message(pass, m);
    if (auto r = apply_to_notmuch(cli, pass, base_file); !r) return util::unexpected(std::move(r).error());
    if (auto r = drop_gone_messages(cli, *scope, *revision, pass.next); !r)
        return util::unexpected(std::move(r).error());
    TagBase& next = pass.next;
    next.uuid = revision->uuid;
    // After a failed rename the same messages are read again next time, from the last good revision.
    next.lastmod = pass.step.problems.empty() ? revision->lastmod : (incremental ? base->lastmod : 0);
    if (next != *base)
        if (auto r = next.save(base_file); !r) return util::unexpected(std::move(r).error());
    return std::move(pass.step);
}

std::string describe(const NotmuchStep& step) {
    if (step.tags_added + step.tags_removed + step.keywords_added + step.keywords_removed == 0) return {};
    return "notmuch: tags +" + std::to_string(step.tags_added) + " -" + std::to_string(step.tags_removed) +
           ", keywords +" + std::to_string(step.keywords_added) + " -" + std::to_string(step.keywords_removed);
}

}  // namespace mailtwin::engine
