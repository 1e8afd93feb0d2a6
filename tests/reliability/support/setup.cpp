#include "support/setup.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "fixtures/imap_test_util.hpp"
#include "fixtures/run_awaitable.hpp"
#include "mailtwin/maildir/delivery.hpp"
#include "mailtwin/maildir/filename.hpp"
#include "mailtwin/maildir/message_info.hpp"

namespace mailtwin::test {

namespace fs = std::filesystem;

std::uint64_t body_hash(std::string_view text) {
    // The body starts after the first empty line; '\r' is dropped so CRLF (server) and LF (Maildir)
    // copies of one message hash alike. FNV-1a: stable across runs, enough to tell bodies apart.
    std::size_t start = text.find("\n\n");
    std::size_t crlf = text.find("\r\n\r\n");
    if (crlf != std::string_view::npos && (start == std::string_view::npos || crlf < start))
        start = crlf + 4;
    else if (start != std::string_view::npos)
        start += 2;
    else
        start = text.size();
    std::uint64_t h = 1469598103934665603ULL;
    for (char c : text.substr(start)) {
        if (c == '\r') continue;
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ULL;
    }
    return h;
}

std::string message_text(const std::string& id, const std::string& body) {
    return "From: Alice <alice@example.org>\nTo: bob@example.org\nSubject: " + id + "\nMessage-ID: <" + id +
           "@reliability.test>\nDate: Tue, 3 Jan 2023 10:00:00 +0000\n\n" + body + "\n";
}

namespace {

std::string id_of(std::string_view text) {
    auto mid = maildir::parse_message_id(text.substr(0, text.find("\n\n")));
    if (!mid) return "?";
    std::string id = *mid;
    if (id.size() > 2) id = id.substr(1, id.find('@') - 1);
    return id;
}

std::string letters_of(const model::FlagSet& flags) {
    maildir::MaildirFlags f;
    f.flags = model::FlagSet(flags.bits());
    return f.letters();
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

std::string diff(const Contents& expected, const Contents& actual, const std::string& side) {
    std::string out;
    auto name = [](const Item& i) {
        return i.folder + "/" + i.id + " [" + i.flags + "] #" + std::to_string(i.hash % 100000);
    };
    Contents missing, extra;
    std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(),
                        std::inserter(missing, missing.end()));
    std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(),
                        std::inserter(extra, extra.end()));
    std::size_t shown = 0;
    for (const auto& i : missing)
        if (shown++ < 20) out += "  missing on " + side + ": " + name(i) + "\n";
    for (const auto& i : extra)
        if (shown++ < 40) out += "  unexpected on " + side + ": " + name(i) + "\n";
    if (!out.empty())
        out = side + ": " + std::to_string(missing.size()) + " missing, " + std::to_string(extra.size()) +
              " unexpected\n" + out;
    return out;
}

bool long_run() {
    const char* v = std::getenv("MAILTWIN_LONG");
    return v && std::string(v) == "1";
}

void report_figures(const std::string& key, const std::string& text) {
    std::cout << "[figures] " << key << ": " << text << std::endl;
    ::testing::Test::RecordProperty(key, text);
}

SyncSetup::SyncSetup(const std::string& name, const std::string& sync_settings)
    : m_prefix("R-" + name), m_dir("mailtwin-rel"), m_sync_settings(sync_settings) {
    m_maildir = m_dir / "Mail";
    m_state = m_dir / "state";
    m_config = write_config("config.toml", direct());
    connect();
    auto folders = run(m_session->list_folders(false));
    for (auto it = folders.rbegin(); it != folders.rend(); ++it)
        if (it->name.rfind(m_prefix, 0) == 0) (void)run_awaitable(m_io, m_session->delete_folder(it->name));
}

SyncSetup::~SyncSetup() {
    if (m_conn) run_awaitable(m_io, m_conn->logout());
}

Endpoint SyncSetup::direct() {
    const auto& d = dovecot();
    Endpoint e;
    e.port = d.tls_port;
    e.ca_file = d.ca_file.string();
    e.user = d.user;
    e.password = d.password;
    return e;
}

fs::path SyncSetup::write_config(const std::string& file_name, const Endpoint& e, const std::string& extra_sync) const {
    const fs::path path = m_dir / file_name;
    std::ofstream out(path);
    out << "[general]\nstate_dir = \"" << m_state.string() << "\"\nmax_connections = 2\n\n"
        << "[accounts.test]\nmaildir = \"" << m_maildir.string() << "\"\n\n"
        << "[accounts.test.imap]\nhost = \"" << e.host << "\"\nport = " << e.port << "\ntls = \"" << e.tls
        << "\"\nuser = \"" << e.user << "\"\n";
    if (!e.password_cmd.empty())
        out << "password_cmd = \"" << e.password_cmd << "\"\n";
    else
        out << "password = \"" << e.password << "\"\n";
    if (!e.ca_file.empty()) out << "ca_file = \"" << e.ca_file << "\"\n";
    if (!e.fingerprint.empty()) out << "fingerprint = \"" << e.fingerprint << "\"\n";
    out << "\n[accounts.test.sync]\nfolders = [\"" << m_prefix << "/*\"]\n"
        << m_sync_settings << "\n"
        << extra_sync << "\n";
    return path;
}

ChildResult SyncSetup::sync(const std::vector<std::string>& args, const ChildOptions& options,
                            const fs::path& config) const {
    std::vector<std::string> all{"--config", (config.empty() ? m_config : config).string(), "sync"};
    all.insert(all.end(), args.begin(), args.end());
    return run_mailtwin(all, options);
}

void SyncSetup::connect() {
    m_conn = std::make_unique<net::Connection>(m_io.get_executor(), settings_for(dovecot()));
    auto r = run_awaitable(m_io, m_conn->open());
    if (!r) throw std::runtime_error(r.error().describe());
    m_session = std::make_unique<net::Session>(*m_conn);
}

template <typename T>
T SyncSetup::run(boost::asio::awaitable<util::Expected<T>> task) {
    auto r = run_awaitable(m_io, std::move(task));
    if (!r) throw std::runtime_error(r.error().describe());
    return std::move(*r);
}

void SyncSetup::server_create(const std::string& leaf) {
    auto r = run_awaitable(m_io, m_session->create_folder(folder(leaf)));
    if (!r) throw std::runtime_error(r.error().describe());
}

void SyncSetup::server_append(const std::string& leaf, const std::vector<std::pair<std::string, std::string>>& id_body,
                              const std::string& flags) {
    std::vector<net::AppendItem> items;
    for (const auto& [id, body] : id_body) {
        net::AppendItem item;
        std::string crlf;
        for (char c : message_text(id, body)) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
        item.message.body = imap::make_payload(crlf);
        std::istringstream in(flags);
        for (std::string f; in >> f;) item.message.flags.add_imap(f);
        item.message.internal_date = imap::AppendDate{1672740000, 0};
        item.message_id = "<" + id + "@reliability.test>";
        items.push_back(std::move(item));
    }
    run(m_session->append(folder(leaf), std::move(items)));
}

namespace {
model::Uid uid_of(net::Session& s, boost::asio::io_context& io, const std::string& id) {
    auto found = run_awaitable(io, s.search_message_id("<" + id + "@reliability.test>"));
    if (!found || found->size() != 1) throw std::runtime_error("not exactly one message " + id + " on the server");
    return found->front();
}
}  // namespace

void SyncSetup::server_flags(const std::string& leaf, const std::string& id, const std::string& add,
                             const std::string& remove) {
    run(m_session->select(folder(leaf)));
    const auto uid = uid_of(*m_session, m_io, id);
    model::FlagSet a, r;
    std::istringstream ia(add), ir(remove);
    for (std::string f; ia >> f;) a.add_imap(f);
    for (std::string f; ir >> f;) r.add_imap(f);
    if (!add.empty()) run(m_session->store_flags(imap::SeqSet::from_range(uid, uid), imap::StoreMode::add, a));
    if (!remove.empty()) run(m_session->store_flags(imap::SeqSet::from_range(uid, uid), imap::StoreMode::remove, r));
}

void SyncSetup::server_expunge(const std::string& leaf, const std::string& id) {
    run(m_session->select(folder(leaf)));
    const auto uid = uid_of(*m_session, m_io, id);
    auto r = run_awaitable(m_io, m_session->expunge(imap::SeqSet::from_range(uid, uid)));
    if (!r) throw std::runtime_error(r.error().describe());
}

namespace {
// Collects whole messages with their flags from fetch_bodies().
class Collector final : public net::BodyConsumer {
public:
    void begin_body(std::uint64_t) override { m_body.clear(); }
    void body_data(std::string_view chunk) override { m_body.append(chunk); }
    void end_body() override { m_have_body = true; }
    void message(const imap::FetchData& fetched) override {
        if (!m_have_body) return;
        m_have_body = false;
        bodies.emplace_back(std::move(m_body), fetched.flags.value_or(model::FlagSet{}));
        m_body.clear();
    }
    std::vector<std::pair<std::string, model::FlagSet>> bodies;

private:
    std::string m_body;
    bool m_have_body = false;
};
}  // namespace

Contents SyncSetup::server() {
    Contents out;
    auto folders = run(m_session->list_folders(false));
    for (const auto& f : folders) {
        if (f.name.rfind(m_prefix + "/", 0) != 0 || !f.selectable) continue;
        auto sel = run(m_session->select(f.name));
        if (sel.exists == 0) continue;
        auto uids = run(m_session->search_all_uids());
        Collector c;
        auto r = run_awaitable(m_io, m_session->fetch_bodies(imap::SeqSet::from_uids(uids), c));
        if (!r) throw std::runtime_error(r.error().describe());
        const std::string leaf = f.name.substr(m_prefix.size() + 1);
        for (const auto& [body, flags] : c.bodies)
            out.insert(Item{leaf, id_of(body), body_hash(body), letters_of(flags)});
    }
    return out;
}

fs::path SyncSetup::find_local(const std::string& leaf, const std::string& id) const {
    for (const char* sub : {"cur", "new"})
        for (const auto& e : fs::directory_iterator(local_dir(leaf) / sub))
            if (id_of(read_file(e.path())) == id) return e.path();
    throw std::runtime_error("no local message " + id + " in " + leaf);
}

void SyncSetup::local_deliver(const std::string& leaf, const std::string& id, const std::string& body,
                              const std::string& letters) {
    maildir::CommitOptions options;
    options.flags = maildir::MaildirFlags::from_letters(letters);
    options.internal_date = std::chrono::system_clock::from_time_t(1672740000);
    auto r = maildir::deliver(local_dir(leaf), message_text(id, body), options);
    if (!r) throw std::runtime_error(r.error().describe());
}

void SyncSetup::local_set_flags(const std::string& leaf, const std::string& id, const std::string& letters) {
    auto path = find_local(leaf, id);
    auto name = maildir::parse_file_name(path.filename().string());
    if (!name) throw std::runtime_error(name.error().describe());
    fs::rename(path, local_dir(leaf) / "cur" /
                         maildir::render_file_name(name->key, maildir::MaildirFlags::from_letters(letters)));
}

void SyncSetup::local_delete(const std::string& leaf, const std::string& id) { fs::remove(find_local(leaf, id)); }

void SyncSetup::local_move(const std::string& from, const std::string& to, const std::string& id) {
    auto path = find_local(from, id);
    fs::rename(path, local_dir(to) / "cur" / path.filename());
}

Contents SyncSetup::local() const {
    Contents out;
    const fs::path root = m_maildir / m_prefix;
    if (!fs::exists(root)) return out;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (!e.is_directory() || e.path().filename() != "cur") continue;
        const std::string leaf = fs::relative(e.path().parent_path(), root).string();
        for (const char* sub : {"cur", "new"})
            for (const auto& f : fs::directory_iterator(e.path().parent_path() / sub)) {
                const std::string text = read_file(f.path());
                auto name = maildir::parse_file_name(f.path().filename().string());
                out.insert(Item{leaf, id_of(text), body_hash(text), name ? letters_of(name->flags.flags) : "?"});
            }
    }
    return out;
}

std::map<std::string, std::string> SyncSetup::local_files() const {
    std::map<std::string, std::string> out;
    if (!fs::exists(m_maildir)) return out;
    for (const auto& e : fs::recursive_directory_iterator(m_maildir)) {
        const std::string rel = fs::relative(e.path(), m_maildir).string();
        out[rel] = e.is_regular_file() ? read_file(e.path()) : std::string("<dir>");
    }
    return out;
}

}  // namespace mailtwin::test
