#include "mailtwin/notmuch/notmuch_cli.hpp"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <sstream>

#include "mailtwin/results/engine_error.hpp"
#include "mailtwin/util/child_process.hpp"

namespace mailtwin::engine {
namespace {

// A first `notmuch new` over a large mail store takes minutes; a notmuch that is still running after
// this long is stuck (a hung file system), and the account's lock must not be held forever.
constexpr std::chrono::minutes k_notmuch_timeout{30};
// `notmuch show` of a first run over every message of an account: far more than 100,000 messages.
constexpr std::size_t k_max_notmuch_output = std::size_t{1} << 30;

util::Unexpected notmuch_failure(const std::string& what) {
    return util::unexpected(EngineError::notmuch_failed, what);
}

std::string first_line(const std::string& text) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) return line;
    return {};
}

util::Expected<std::string> run_notmuch(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"notmuch"};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string shown = "notmuch " + args.front();
    auto child = util::run_child(argv, k_notmuch_timeout, k_max_notmuch_output);
    if (!child) {
        if (child.error().code == std::errc::no_such_file_or_directory)
            return notmuch_failure(
                "notmuch is not installed (no \"notmuch\" program in PATH): install it (Debian: apt install "
                "notmuch), or set notmuch_tags = false");
        return notmuch_failure(shown + ": " + child.error().describe());
    }
    if (child->timed_out) return notmuch_failure(shown + " did not finish within 30 minutes");
    if (child->exit_code != 0) {
        const std::string said = first_line(child->err);
        return notmuch_failure(shown + " failed (exit " + std::to_string(child->exit_code) + ")" +
                               (said.empty() ? std::string() : ": " + said));
    }
    return std::move(child->out);
}

bool safe_in_batch(unsigned char c) {
    return std::isalnum(c) || c == '+' || c == '-' || c == '_' || c == '@' || c == '=' || c == '.';
}

}  // namespace

util::Expected<void> NotmuchCli::index() const {
    // Without the user's hooks: a pre-new hook that runs mailtwin would wait for this run's lock, and
    // the user's own `notmuch new` runs them (a post-new tagger finds the new messages still tagged by
    // new.tags then).
    auto out = run_notmuch({"new", "--quiet", "--no-hooks"});
    if (!out) return util::unexpected(std::move(out).error());
    return {};
}

util::Expected<NotmuchSettings> NotmuchCli::settings() const {
    auto out = run_notmuch({"config", "list"});
    if (!out) return util::unexpected(std::move(out).error());
    std::filesystem::path database_path;
    NotmuchSettings settings;
    std::istringstream lines(*out);
    for (std::string line; std::getline(lines, line);) {
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
        if (key == "database.mail_root") settings.mail_root = value;
        if (key == "database.path") database_path = value;
        if (key != "new.tags") continue;
        std::istringstream tags(value);
        for (std::string tag; std::getline(tags, tag, ';');)
            if (!tag.empty()) settings.new_tags.push_back(tag);
    }
    if (settings.mail_root.empty()) settings.mail_root = database_path;
    // notmuch without a configuration lists nothing and succeeds.
    if (settings.mail_root.empty())
        return notmuch_failure(
            "notmuch has no configuration (it reads $NOTMUCH_CONFIG, else ~/.notmuch-config): run \"notmuch "
            "setup\" and give it a mail root that holds this account's Maildir");
    return settings;
}

util::Expected<NotmuchRevision> NotmuchCli::revision(const std::string& query) const {
    // "<count>\t<uuid>\t<lastmod>"
    auto out = run_notmuch({"count", "--lastmod", "--exclude=false", "--", query});
    if (!out) return util::unexpected(std::move(out).error());
    std::istringstream fields(first_line(*out));
    NotmuchRevision rev;
    if (fields >> rev.count >> rev.uuid >> rev.lastmod) return rev;
    return notmuch_failure("notmuch count --lastmod printed \"" + first_line(*out) +
                           "\", not a count, a uuid and a revision");
}

util::Expected<std::vector<std::string>> NotmuchCli::ids(const std::string& query) const {
    auto out = run_notmuch({"search", "--output=messages", "--format=text0", "--exclude=false", "--", query});
    if (!out) return util::unexpected(std::move(out).error());
    std::vector<std::string> ids;
    std::size_t pos = 0;
    for (std::size_t end; (end = out->find('\0', pos)) != std::string::npos; pos = end + 1) {
        std::string_view id(out->data() + pos, end - pos);
        if (id.starts_with("id:")) id.remove_prefix(3);
        ids.emplace_back(id);
    }
    return ids;
}

util::Expected<std::vector<NotmuchMessage>> NotmuchCli::messages(const std::string& query) const {
    auto out = run_notmuch({"show", "--format=sexp", "--format-version=5", "--body=false", "--entire-thread=false",
                            "--exclude=false", "--", query});
    if (!out) return util::unexpected(std::move(out).error());
    return parse_notmuch_show(*out);
}

util::Expected<void> NotmuchCli::tag(const std::string& batch, const std::filesystem::path& scratch_file) const {
    {
        std::ofstream file(scratch_file, std::ios::binary | std::ios::trunc);
        file << batch;
        if (!file.flush()) return util::unexpected(util::system_error(errno, "cannot write " + scratch_file.string()));
    }
    auto out = run_notmuch({"tag", "--batch", "--input=" + scratch_file.string()});
    std::error_code ignored;
    std::filesystem::remove(scratch_file, ignored);
    if (!out) return util::unexpected(std::move(out).error());
    return {};
}

std::string notmuch_hex_encode(std::string_view text) {
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : text) {
        if (safe_in_batch(c)) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += k_hex[c >> 4];
            out += k_hex[c & 15];
        }
    }
    return out;
}

std::optional<std::string> notmuch_hex_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        unsigned value = 0;
        if (i + 2 >= text.size()) return std::nullopt;
        auto r = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
        if (r.ptr != text.data() + i + 3) return std::nullopt;
        out += static_cast<char>(value);
        i += 2;
    }
    return out;
}

std::string notmuch_term(std::string_view prefix, std::string_view value) {
    std::string out(prefix);
    out += ":\"";
    for (char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string notmuch_batch_line(const std::vector<std::string>& add, const std::vector<std::string>& remove,
                               const std::string& id) {
    if (add.empty() && remove.empty()) return {};
    std::string line;
    for (const auto& t : add) line += "+" + notmuch_hex_encode(t) + " ";
    for (const auto& t : remove) line += "-" + notmuch_hex_encode(t) + " ";
    return line + "-- " + notmuch_term("id", id) + "\n";
}

}  // namespace mailtwin::engine
