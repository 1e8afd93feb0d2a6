#include "scenario.hpp"

#include <gtest/gtest.h>
#include <strings.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <thread>

#include "fixtures/imap_test_util.hpp"
#include "fixtures/run_awaitable.hpp"
#include "mailtwin/maildir/content_hash.hpp"
#include "mailtwin/maildir/delivery.hpp"
#include "mailtwin/maildir/filename.hpp"
#include "mailtwin/maildir/message_info.hpp"

namespace mailtwin::test {

FolderAsSeen look_at_folder(const DovecotInfo& server, const std::string& folder, const std::string& id) {
    boost::asio::io_context io;
    net::Connection conn(io.get_executor(), settings_for(server));
    if (auto r = run_awaitable(io, conn.open()); !r) throw std::runtime_error(r.error().describe());
    net::Session session(conn);
    auto sel = run_awaitable(io, session.select(folder));
    if (!sel) throw std::runtime_error(sel.error().describe());
    FolderAsSeen out{*sel, std::nullopt};
    if (!id.empty() && sel->exists != 0) {
        auto meta = run_awaitable(io, session.fetch_meta(imap::SeqSet::from_to_highest(1)));
        if (!meta) throw std::runtime_error(meta.error().describe());
        for (const auto& m : *meta)
            if (m.message_id == "<" + id + "@scenario.test>") out.flags = m.flags;
    }
    run_awaitable(io, conn.logout());
    return out;
}

std::string message_text(const std::string& id, const std::string& body) {
    return "From: Alice <alice@example.org>\nTo: bob@example.org\nSubject: " + id + "\nMessage-ID: <" + id +
           "@scenario.test>\nDate: Tue, 3 Jan 2023 10:00:00 +0000\n\n" + body + "\n";
}

namespace {

// Every server but the shared Dovecot, started on first use; stopped by a global environment after
// the last test (before the shared Dovecot, which main() stops).
struct EngineServers {
    std::unique_ptr<CyrusServer> cyrus;
    std::unique_ptr<CourierServer> courier;
    std::unique_ptr<MailutilsServer> mailutils;
    std::map<std::string, std::unique_ptr<DovecotServer>> dovecots;
    std::unique_ptr<TempDir> config_files;  // files a Dovecot profile's settings name
};
EngineServers& engine_servers() {
    static EngineServers servers;
    return servers;
}
class EngineServersEnvironment final : public ::testing::Environment {
public:
    void TearDown() override {
        engine_servers().cyrus.reset();
        engine_servers().courier.reset();
        engine_servers().mailutils.reset();
        engine_servers().dovecots.clear();
        engine_servers().config_files.reset();
    }
};
[[maybe_unused]] ::testing::Environment* const k_engine_env =
    ::testing::AddGlobalTestEnvironment(new EngineServersEnvironment);

// "noflags": a global ACL gives the owner every right but "w" in every folder, so the server
// keeps only \Seen and \Deleted (PERMANENTFLAGS (\Deleted \Seen), no keywords) and drops the
// other flags of an APPEND or a STORE without a word, as Dovecot's acl plugin does.
std::string noflags_profile() {
    auto& files = engine_servers().config_files;
    if (!files) files = std::make_unique<TempDir>("mailtwin-engine-conf");
    const auto acl = files->path() / "global-acl";
    std::ofstream(acl) << "* owner lrsitekxpa\n";
    // The mail processes run as the mail user: they must reach and read it.
    std::filesystem::permissions(files->path(), std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                                    std::filesystem::perms::group_exec |
                                                    std::filesystem::perms::others_read |
                                                    std::filesystem::perms::others_exec);
    return "mail_plugins = acl\nprotocol imap {\n  mail_plugins = acl imap_zlib\n}\nplugin {\n  acl = vfile:" +
           acl.string() + "\n}\n";
}

std::string dovecot_profile(const std::string& name) {
    if (name == "noflags") return noflags_profile();
    if (name == "degraded")
        return "imap_capability = IMAP4rev1 SASL-IR ID ENABLE IDLE NAMESPACE LIST-EXTENDED SPECIAL-USE CHILDREN "
               "UNSELECT\n";
    if (name == "condstore_only")
        return "imap_capability = IMAP4rev1 SASL-IR ID ENABLE IDLE NAMESPACE LIST-EXTENDED LIST-STATUS SPECIAL-USE "
               "CHILDREN UNSELECT CONDSTORE UIDPLUS MOVE LITERAL+ ESEARCH MULTIAPPEND\n";
    return {};
}

}  // namespace

const DovecotInfo& engine_server(const std::string& name) {
    auto& servers = engine_servers();
    if (name == "dovecot") return dovecot();
    if (name == "cyrus") {
        if (!servers.cyrus) servers.cyrus = std::make_unique<CyrusServer>();
        return servers.cyrus->info();
    }
    if (name == "courier") {
        if (!servers.courier) servers.courier = std::make_unique<CourierServer>();
        return servers.courier->info();
    }
    if (name == "mailutils") {
        if (!servers.mailutils) servers.mailutils = std::make_unique<MailutilsServer>();
        return servers.mailutils->info();
    }
    auto& slot = servers.dovecots[name];
    if (!slot) {
        const std::string profile = dovecot_profile(name);
        if (profile.empty()) throw std::logic_error("no engine test server named " + name);
        slot = std::make_unique<DovecotServer>(profile, "IMAP4REV1");
    }
    return slot->info();
}

Scenario::Scenario(const std::string& name, const std::string& sync_settings, const DovecotInfo& server)
    : m_server(server), m_prefix("E-" + name), m_dir("mailtwin-engine") {
    m_maildir = m_dir / "Mail";
    m_state = m_dir / "state";
    m_config = m_dir / "config.toml";
    connect();
    // Where this server keeps personal folders, and how it separates levels (NAMESPACE, LIST).
    if (m_conn->capabilities().namespace_()) {
        auto ns = run(m_session->namespaces());
        if (!ns.personal.empty()) {
            m_ns_prefix = ns.personal.front().prefix;
            if (ns.personal.front().delimiter) m_delim = *ns.personal.front().delimiter;
        }
    }
    auto folders = run(m_session->list_folders(false));
    for (const auto& f : folders)
        if (f.delimiter) {
            m_delim = *f.delimiter;
            break;
        }
    const auto& d = m_server;
    std::ofstream(m_config) << "[general]\nstate_dir = \"" << m_state.string() << "\"\nmax_connections = 2\n\n"
                            << "[accounts.test]\nmaildir = \"" << m_maildir.string() << "\"\n\n"
                            << "[accounts.test.imap]\nhost = \"127.0.0.1\"\nport = " << d.tls_port
                            << "\ntls = \"implicit\"\nuser = \"" << d.user << "\"\npassword = \"" << d.password
                            << "\"\nca_file = \"" << d.ca_file.string() << "\"\n\n"
                            << "[accounts.test.sync]\n";
    // A test that sets its own folder filter writes "@P" for this scenario's prefix, "@F" for its
    // full server-side name; "/" on those lines is the server's delimiter.
    std::string settings;
    std::istringstream lines(sync_settings);
    for (std::string line; std::getline(lines, line);) {
        if (line.find("@P") != std::string::npos || line.find("@F") != std::string::npos) {
            for (char& c : line)
                if (c == '/') c = m_delim;
            for (std::size_t at; (at = line.find("@F")) != std::string::npos;) line.replace(at, 2, root());
            for (std::size_t at; (at = line.find("@P")) != std::string::npos;) line.replace(at, 2, m_prefix);
        }
        settings += line + "\n";
    }
    if (settings.find("folders") == std::string::npos)
        std::ofstream(m_config, std::ios::app) << "folders = [\"" << m_prefix << m_delim << "*\"]\n";
    std::ofstream(m_config, std::ios::app) << settings << "\n";
    // It holds a password: private, as a user's would be (mailtwin warns about a readable one).
    std::filesystem::permissions(m_config, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    // A fresh server side for this scenario.
    for (auto it = folders.rbegin(); it != folders.rend(); ++it)
        if (it->name == root() || it->name.rfind(root() + m_delim, 0) == 0)
            (void)run_awaitable(m_io, m_session->delete_folder(it->name));
}

std::string Scenario::to_server(std::string leaf) const {
    for (char& c : leaf)
        if (c == '/') c = m_delim;
    return leaf;
}

std::string Scenario::folder(const std::string& leaf) const { return root() + m_delim + to_server(leaf); }

Scenario::~Scenario() {
    if (m_conn) run_awaitable(m_io, m_conn->logout());
}

void Scenario::connect() {
    m_conn = std::make_unique<net::Connection>(m_io.get_executor(), settings_for(m_server));
    auto r = run_awaitable(m_io, m_conn->open());
    if (!r) throw std::runtime_error(r.error().describe());
    m_session = std::make_unique<net::Session>(*m_conn);
}

template <typename T>
T Scenario::run(boost::asio::awaitable<util::Expected<T>> task) {
    auto r = run_awaitable(m_io, std::move(task));
    if (!r) throw std::runtime_error(r.error().describe());
    return std::move(*r);
}

RunResult Scenario::sync(const std::string& args, const std::string& env) const {
    return run_command(std::string(k_utf8_locale) + " " + env + " " + MAILTWIN_BINARY + " --config " +
                       m_config.string() + " sync " + args + " 2>&1");
}

void Scenario::server_create(const std::string& leaf) {
    auto r = run_awaitable(m_io, m_session->create_folder(folder(leaf)));
    if (!r) throw std::runtime_error(r.error().describe());
}

void Scenario::server_recreate(const std::string& leaf) {
    run(m_session->select("INBOX"));  // leave the folder so it can be deleted
    auto del = run_awaitable(m_io, m_session->delete_folder(folder(leaf)));
    if (!del) throw std::runtime_error(del.error().describe());
    // Dovecot derives UIDVALIDITY from the clock: a new second gives a new value.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    server_create(leaf);
}

void Scenario::server_append(const std::string& leaf, const std::string& id, const std::string& flags) {
    server_append_text(leaf, message_text(id), flags);
}

namespace {
// The Message-ID header field of a message text ("" when it has none).
std::string header_message_id(const std::string& text) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line) && line != "\r" && !line.empty();) {
        if (line.size() > 11 && strncasecmp(line.c_str(), "Message-ID:", 11) == 0) {
            auto first = line.find('<'), last = line.find('>');
            if (first != std::string::npos && last != std::string::npos && last > first)
                return line.substr(first, last - first + 1);
        }
    }
    return {};
}
}  // namespace

void Scenario::server_append_text(const std::string& leaf, const std::string& text, const std::string& flags) {
    std::vector<net::AppendItem> items(1);
    // Bare LF becomes CRLF (the wire form); text that already has CRLF is sent as it is.
    std::string crlf;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) crlf += '\r';
        crlf += text[i];
    }
    items[0].message.body = imap::make_payload(crlf);
    std::istringstream in(flags);
    for (std::string f; in >> f;) items[0].message.flags.add_imap(f);
    items[0].message.internal_date = imap::AppendDate{1672740000, 0};
    items[0].message_id = header_message_id(text);  // finds the new UID on a server without UIDPLUS
    const model::FlagSet wanted = items[0].message.flags;
    auto uids = run(m_session->append(folder(leaf), std::move(items)));
    // Some servers (Mailutils imap4d) ignore the flag list of an APPEND: set the flags the way any
    // other client would then, so that the test starts from the server state it asked for.
    if (wanted == model::FlagSet{} || uids.empty() || !uids.front()) return;
    run(m_session->select(folder(leaf)));
    run(m_session->store_flags(imap::SeqSet::from_range(*uids.front(), *uids.front()), imap::StoreMode::add, wanted));
    publish_flag_changes(leaf);
}

void Scenario::publish_flag_changes(const std::string& leaf) {
    // Mailutils imap4d keeps a STORE in memory and writes it to its Maildir only when the folder is
    // closed (SELECT, EXAMINE, LOGOUT; CHECK does nothing): until then no other client, mailtwin
    // included, sees it. Selecting the folder again closes it first.
    run(m_session->select(folder(leaf)));
}

model::UidValidity Scenario::server_uidvalidity(const std::string& leaf) {
    return run(m_session->select(folder(leaf))).uidvalidity;
}

bool Scenario::server_keeps_keywords(const std::string& leaf) {
    // No PERMANENTFLAGS at all means every flag is kept (RFC 3501 7.1).
    const auto permanent = run(m_session->select(folder(leaf))).permanent_flags;
    return !permanent || permanent->keywords_allowed;
}

namespace {
std::optional<model::Uid> uid_of(net::Session& s, boost::asio::io_context& io, const std::string& id) {
    auto found = run_awaitable(io, s.search_message_id("<" + id + "@scenario.test>"));
    if (!found || found->empty()) return std::nullopt;
    return found->front();
}
}  // namespace

void Scenario::server_flags(const std::string& leaf, const std::string& id, const std::string& add,
                            const std::string& remove) {
    run(m_session->select(folder(leaf)));
    auto uid = uid_of(*m_session, m_io, id);
    if (!uid) throw std::runtime_error("no message " + id + " on the server");
    model::FlagSet a, r;
    std::istringstream ia(add), ir(remove);
    for (std::string f; ia >> f;) a.add_imap(f);
    for (std::string f; ir >> f;) r.add_imap(f);
    if (!add.empty()) run(m_session->store_flags(imap::SeqSet::from_range(*uid, *uid), imap::StoreMode::add, a));
    if (!remove.empty()) run(m_session->store_flags(imap::SeqSet::from_range(*uid, *uid), imap::StoreMode::remove, r));
    publish_flag_changes(leaf);
}

void Scenario::server_expunge(const std::string& leaf, const std::string& id) {
    run(m_session->select(folder(leaf)));
    auto uid = uid_of(*m_session, m_io, id);
    if (!uid) throw std::runtime_error("no message " + id + " on the server");
    auto r = run_awaitable(m_io, m_session->expunge(imap::SeqSet::from_range(*uid, *uid)));
    if (!r) throw std::runtime_error(r.error().describe());
}

void Scenario::server_move(const std::string& from, const std::string& to, const std::string& id) {
    run(m_session->select(folder(from)));
    auto uid = uid_of(*m_session, m_io, id);
    if (!uid) throw std::runtime_error("no message " + id + " on the server");
    run(m_session->move(imap::SeqSet::from_range(*uid, *uid), folder(to)));
}

void Scenario::server_append_many(const std::string& leaf, const std::vector<std::string>& ids) {
    std::vector<net::AppendItem> items;
    for (const auto& id : ids) {
        net::AppendItem item;
        std::string crlf;
        for (char c : message_text(id, "body of " + id)) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
        item.message.body = imap::make_payload(crlf);
        item.message.internal_date = imap::AppendDate{1672740000, 0};
        items.push_back(std::move(item));
    }
    run(m_session->append(folder(leaf), std::move(items)));
}

std::map<std::string, model::ModSeq> Scenario::server_modseqs() {
    std::map<std::string, model::ModSeq> out;
    for (const auto& f : run(m_session->list_folders(true)))
        if (f.name.rfind(root() + m_delim, 0) == 0 && f.status && f.status->highestmodseq)
            out[f.name] = *f.status->highestmodseq;
    return out;
}

std::multiset<std::string> Scenario::server_bodies(const std::string& leaf) {
    struct Collect final : net::BodyConsumer {
        std::multiset<std::string>* out;
        std::string current;
        void begin_body(std::uint64_t) override { current.clear(); }
        void body_data(std::string_view c) override { current.append(c); }
        void end_body() override {}
        void message(const imap::FetchData& f) override {
            if (!current.empty() && f.uid) out->insert(body_digest(current));
            current.clear();
        }
    } collect;
    std::multiset<std::string> out;
    collect.out = &out;
    auto sel = run(m_session->select(folder(leaf)));
    if (sel.exists == 0) return out;
    auto uids = run(m_session->search_all_uids());
    auto r = run_awaitable(m_io, m_session->fetch_bodies(imap::SeqSet::from_uids(uids), collect));
    if (!r) throw std::runtime_error(r.error().describe());
    return out;
}

std::multiset<std::string> Scenario::local_bodies(const std::string& leaf) const {
    std::multiset<std::string> out;
    for (const char* sub : {"cur", "new"})
        for (const auto& e : std::filesystem::directory_iterator(local_dir(leaf) / sub)) {
            std::ifstream in(e.path(), std::ios::binary);
            std::string text((std::istreambuf_iterator<char>(in)), {});
            out.insert(body_digest(text));
        }
    return out;
}

std::string body_digest(std::string_view text) {
    // Line ends differ by side (CRLF on the wire, as stored by mailtwin; LF in files made by readers):
    // compare the text with CR removed.
    std::string normal;
    for (char c : text)
        if (c != '\r') normal += c;
    auto digest = maildir::Sha256();
    digest.update(normal);
    auto d = digest.finish();
    return d ? maildir::to_hex(*d) : std::string();
}

SideContents Scenario::server() {
    SideContents out;
    auto folders = run(m_session->list_folders(false));
    for (const auto& f : folders) {
        if (f.name.rfind(root() + m_delim, 0) != 0 || !f.selectable) continue;
        auto sel = run(m_session->select(f.name));
        std::string leaf = f.name.substr(root().size() + 1);
        for (char& c : leaf)
            if (c == m_delim) c = '/';
        auto& contents = out[leaf];
        if (sel.exists == 0) continue;
        auto meta = run(m_session->fetch_meta(imap::SeqSet::from_to_highest(1)));
        for (const auto& m : meta) {
            std::string id = m.message_id;
            if (id.size() > 2) id = id.substr(1, id.find('@') - 1);
            contents.emplace(id, model::FlagSet(m.flags.bits()).to_imap());  // system flags, as local() shows them
        }
    }
    return out;
}

std::filesystem::path Scenario::find_local(const std::string& leaf, const std::string& id) const {
    for (const char* sub : {"cur", "new"})
        for (const auto& e : std::filesystem::directory_iterator(local_dir(leaf) / sub)) {
            maildir::MessageInfo info(e.path());
            auto mid = info.message_id();
            if (mid && *mid && **mid == "<" + id + "@scenario.test>") return e.path();
        }
    throw std::runtime_error("no local message " + id + " in " + leaf);
}

void Scenario::local_deliver(const std::string& leaf, const std::string& id, const std::string& letters) {
    maildir::CommitOptions options;
    options.flags = maildir::MaildirFlags::from_letters(letters);
    options.internal_date = std::chrono::system_clock::from_time_t(1672740000);
    auto r = maildir::deliver(local_dir(leaf), message_text(id), options);
    if (!r) throw std::runtime_error(r.error().describe());
}

void Scenario::local_rename_flags(const std::string& leaf, const std::string& id, const std::string& letters) {
    auto path = find_local(leaf, id);
    auto name = maildir::parse_file_name(path.filename().string());
    auto target =
        local_dir(leaf) / "cur" / maildir::render_file_name(name->key, maildir::MaildirFlags::from_letters(letters));
    std::filesystem::rename(path, target);  // what mutt does: new/ -> cur/ with the new info suffix
}

void Scenario::local_move(const std::string& from, const std::string& to, const std::string& id,
                          const std::string& letters) {
    auto path = find_local(from, id);
    auto name = maildir::parse_file_name(path.filename().string());
    std::filesystem::rename(
        path,
        local_dir(to) / "cur" / maildir::render_file_name(name->key, maildir::MaildirFlags::from_letters(letters)));
}

void for_each_kill_point(
    const std::function<std::unique_ptr<Scenario>(int step)>& prepare,
    const std::function<void(Scenario&, int step, const RunResult& killed, const RunResult& clean)>& check) {
    for (int step = 1;; ++step) {
        auto s = prepare(step);
        auto killed = s->sync("", "MAILTWIN_TEST_STOP_AFTER_STEP=" + std::to_string(step));
        const bool finished = killed.exit_code == 0;
        if (!finished) {
            ASSERT_EQ(killed.exit_code, 99) << killed.output;
        }
        auto clean = s->sync();
        ASSERT_EQ(clean.exit_code, 0) << "after a kill at step " << step << ": " << clean.output;
        check(*s, step, killed, clean);
        if (finished) break;  // the run had fewer steps than `step`: every kill point was tried
        ASSERT_LT(step, 40) << "more steps than expected";
    }
}

void Scenario::local_rewrite(const std::string& from, const std::string& to, const std::string& id,
                             const std::string& letters, const std::string& extra_header) {
    auto path = find_local(from, id);
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    maildir::CommitOptions options;
    options.flags = maildir::MaildirFlags::from_letters(letters);
    options.internal_date = std::chrono::system_clock::from_time_t(1672740000);
    if (auto r = maildir::deliver(local_dir(to), extra_header + text, options); !r)
        throw std::runtime_error(r.error().describe());
    std::filesystem::remove(path);
}

void Scenario::local_delete(const std::string& leaf, const std::string& id) {
    std::filesystem::remove(find_local(leaf, id));
}

SideContents Scenario::local() const {
    SideContents out;
    if (!std::filesystem::exists(m_maildir / m_prefix)) return out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(m_maildir / m_prefix)) {
        if (!e.is_directory() || e.path().filename() != "cur") continue;
        std::string leaf = std::filesystem::relative(e.path().parent_path(), m_maildir / m_prefix).string();
        auto& contents = out[leaf];
        for (const char* sub : {"cur", "new"})
            for (const auto& f : std::filesystem::directory_iterator(e.path().parent_path() / sub)) {
                maildir::MessageInfo info(f.path());
                auto mid = info.message_id();
                std::string id = mid && *mid ? **mid : "?";
                if (id.size() > 2) id = id.substr(1, id.find('@') - 1);
                auto name = maildir::parse_file_name(f.path().filename().string());
                model::FlagSet flags = name ? name->flags.flags : model::FlagSet{};
                contents.emplace(id, flags.to_imap());
            }
    }
    return out;
}

std::map<std::string, std::size_t> Scenario::local_id_counts() const {
    std::map<std::string, std::size_t> counts;
    for (const auto& [folder_name, contents] : local())
        for (const auto& [id, flags] : contents) ++counts[folder_name + "/" + id];
    return counts;
}

std::size_t matched_in_folder_lines(const std::string& output) {
    static const std::regex matched_re("matched ([0-9]+)");
    std::size_t matched = 0;
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("total:")) continue;
        for (std::sregex_iterator it(line.begin(), line.end(), matched_re), end; it != end; ++it)
            matched += std::stoul((*it)[1]);
    }
    return matched;
}

}  // namespace mailtwin::test
