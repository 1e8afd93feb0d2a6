#include "daily_setup.hpp"

#include <sys/wait.h>
#include <boost/property_tree/json_parser.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "fixtures/imap_test_util.hpp"
#include "fixtures/run_awaitable.hpp"
#include "fixtures/run_command.hpp"
#include "mailtwin/state/state_db.hpp"

namespace mailtwin::test {

DailySetup::DailySetup(const std::string& name) : m_prefix("D-" + name), m_dir("mailtwin-daily") {
    m_maildir = m_dir / "Mail";
    m_state = m_dir / "state";
    m_config = m_dir / "config.toml";
    const auto& d = dovecot();
    std::ofstream(m_config) << "[general]\nstate_dir = \"" << m_state.string() << "\"\n\n"
                            << "[accounts.test]\nmaildir = \"" << m_maildir.string() << "\"\n\n"
                            << "[accounts.test.imap]\nhost = \"127.0.0.1\"\nport = " << d.tls_port
                            << "\ntls = \"implicit\"\nuser = \"" << d.user << "\"\npassword_cmd = \"echo '"
                            << d.password << "'\"\nca_file = \"" << d.ca_file.string() << "\"\n\n"
                            << "[accounts.test.sync]\nfolders = [\"" << m_prefix << "/*\"]\n";
    m_conn = std::make_unique<net::Connection>(m_io.get_executor(), settings_for(d));
    if (auto r = run_awaitable(m_io, m_conn->open()); !r) throw std::runtime_error(r.error().describe());
    m_session = std::make_unique<net::Session>(*m_conn);
    // A fresh server side: earlier runs of this test may have left folders behind.
    auto folders = run(m_session->list_folders(false));
    for (auto it = folders.rbegin(); it != folders.rend(); ++it)
        if (it->name.rfind(m_prefix, 0) == 0) (void)run_awaitable(m_io, m_session->delete_folder(it->name));
}

DailySetup::~DailySetup() {
    if (m_conn) run_awaitable(m_io, m_conn->logout());
}

template <typename T>
T DailySetup::run(boost::asio::awaitable<util::Expected<T>> task) {
    auto r = run_awaitable(m_io, std::move(task));
    if (!r) throw std::runtime_error(r.error().describe());
    return std::move(*r);
}

CommandResult DailySetup::mailtwin(const std::string& args, const std::string& env) const {
    const auto err_file = m_dir / "stderr.txt";
    std::string cmd = std::string(k_utf8_locale) + " " + env + " " + MAILTWIN_BINARY + " --config " +
                      m_config.string() + " " + args + " 2>" + err_file.string();
    CommandResult r;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return r;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) r.out.append(buf, n);
    int status = ::pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(err_file);
    std::stringstream ss;
    ss << in.rdbuf();
    r.err = ss.str();
    return r;
}

void DailySetup::server_create(const std::string& leaf) {
    if (auto r = run_awaitable(m_io, m_session->create_folder(folder(leaf))); !r)
        throw std::runtime_error(r.error().describe());
}

void DailySetup::server_create_top(const std::string& name) {
    (void)run_awaitable(m_io, m_session->create_folder(name));
}

void DailySetup::server_append(const std::string& leaf, const std::string& id, const std::string& flags) {
    std::vector<net::AppendItem> items(1);
    items[0].message.body = imap::make_payload(sample_message(id));
    std::istringstream in(flags);
    for (std::string f; in >> f;) items[0].message.flags.add_imap(f);
    items[0].message.internal_date = imap::AppendDate{1672740000, 0};
    run(m_session->append(folder(leaf), std::move(items)));
}

void DailySetup::server_append_many(const std::string& leaf, const std::string& id_prefix, int count,
                                    std::size_t body_bytes) {
    // Lines of 76 characters, as a mail body is: one long line would be unlike any real message.
    std::string body;
    while (body.size() < body_bytes) body += std::string(76, static_cast<char>('a' + body.size() % 26)) + "\r\n";
    constexpr int k_batch = 50;  // one APPEND per batch keeps seeding a few hundred messages quick
    for (int first = 0; first < count; first += k_batch) {
        std::vector<net::AppendItem> items;
        for (int i = first; i < std::min(count, first + k_batch); ++i) {
            net::AppendItem item;
            const std::string id = id_prefix + "-" + std::to_string(i);
            item.message.body = imap::make_payload(sample_message(id, body));
            item.message.internal_date = imap::AppendDate{1672740000, 0};
            item.message_id = "<" + id + "@mailtwin.test>";
            items.push_back(std::move(item));
        }
        run(m_session->append(folder(leaf), std::move(items)));
    }
}

model::Uid DailySetup::uid_of(const std::string& leaf, const std::string& id) {
    run(m_session->select(folder(leaf)));
    auto found = run(m_session->search_message_id("<" + id + "@mailtwin.test>"));
    if (found.size() != 1) throw std::runtime_error("no single message " + id + " in " + leaf);
    return found.front();
}

void DailySetup::server_add_flag(const std::string& leaf, const std::string& id, const std::string& flag) {
    const model::Uid uid = uid_of(leaf, id);
    model::FlagSet f;
    f.add_imap(flag);
    run(m_session->store_flags(imap::SeqSet::from_range(uid, uid), imap::StoreMode::add, f));
}

void DailySetup::server_expunge(const std::string& leaf, const std::string& id) {
    const model::Uid uid = uid_of(leaf, id);
    if (auto r = run_awaitable(m_io, m_session->expunge(imap::SeqSet::from_range(uid, uid))); !r)
        throw std::runtime_error(r.error().describe());
    run(m_session->select("INBOX"));  // leave the folder, as a client between actions would
}

std::vector<boost::property_tree::ptree> json_lines(const std::string& text) {
    std::vector<boost::property_tree::ptree> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        std::istringstream one(line);
        boost::property_tree::ptree tree;
        boost::property_tree::read_json(one, tree);
        out.push_back(std::move(tree));
    }
    return out;
}

state::FolderState record_of(const DailySetup& s, const std::string& folder) {
    auto db = state::StateDb::open(s.state_dir() / "state.mdb");
    if (!db) throw std::runtime_error(db.error().describe());
    auto rec = db->load_folder("test", folder);
    if (!rec || !*rec) throw std::runtime_error("no state for " + folder);
    return **rec;
}

}  // namespace mailtwin::test
