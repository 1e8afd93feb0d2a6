#include "support/fake_imap.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <sstream>

#include "support/proxy.hpp"

namespace mailtwin::test {

void FakeFolder::add(const std::string& id, const std::string& body, const std::string& flags) {
    FakeMessage m;
    m.uid = uidnext++;
    m.flags = flags;
    m.modseq = ++highestmodseq;
    m.text = "From: Mallory <m@example.org>\r\nSubject: " + id + "\r\nMessage-ID: <" + id +
             "@fake.test>\r\nDate: Tue, 3 Jan 2023 10:00:00 +0000\r\n\r\n" + body + "\r\n";
    messages.push_back(std::move(m));
}

std::string literal(const std::string& bytes) { return "{" + std::to_string(bytes.size()) + "}\r\n" + bytes; }

std::vector<std::uint32_t> parse_uid_set(const std::string& set, const FakeFolder& folder) {
    std::vector<std::uint32_t> out;
    const std::uint32_t max = folder.messages.empty() ? 0 : folder.messages.back().uid;
    std::stringstream ss(set);
    for (std::string part; std::getline(ss, part, ',');) {
        auto colon = part.find(':');
        auto num = [&](const std::string& t) -> std::uint32_t {
            if (t == "*") return max;
            try {
                return static_cast<std::uint32_t>(std::stoul(t));
            } catch (...) {
                return 0;
            }
        };
        std::uint32_t a = num(part.substr(0, colon)), b = colon == std::string::npos ? a : num(part.substr(colon + 1));
        if (a > b) std::swap(a, b);
        for (const auto& m : folder.messages)
            if (m.uid >= a && m.uid <= b) out.push_back(m.uid);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

// --- connection ----------------------------------------------------------------------------------

bool FakeConnection::send(std::string_view bytes) {
    while (!bytes.empty()) {
        if (m_server.stopping()) return false;
        pollfd p{m_fd, POLLOUT, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        ssize_t n = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool FakeConnection::fill() {
    std::array<char, 8192> buf;
    for (;;) {
        if (m_server.stopping()) return false;
        pollfd p{m_fd, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        ssize_t n = ::recv(m_fd, buf.data(), buf.size(), 0);
        if (n <= 0) return false;
        m_server.record(std::string_view(buf.data(), static_cast<std::size_t>(n)));
        m_in.append(buf.data(), static_cast<std::size_t>(n));
        return true;
    }
}

std::optional<std::string> FakeConnection::read_line() {
    for (;;) {
        if (auto pos = m_in.find("\r\n"); pos != std::string::npos) {
            std::string line = m_in.substr(0, pos);
            m_in.erase(0, pos + 2);
            return line;
        }
        if (!fill()) return std::nullopt;
    }
}

std::optional<FakeCommand> FakeConnection::read_command() {
    FakeCommand cmd;
    for (;;) {
        auto part = read_line();
        if (!part) return std::nullopt;
        // A line ending in {n} or {n+} announces a literal; synchronising ones get a continuation.
        std::size_t open = part->rfind('{');
        if (!part->empty() && part->back() == '}' && open != std::string::npos) {
            std::string n = part->substr(open + 1, part->size() - open - 2);
            const bool non_sync = !n.empty() && n.back() == '+';
            if (non_sync) n.pop_back();
            std::size_t size = 0;
            try {
                size = std::stoul(n);
            } catch (...) {
                cmd.line += *part;
                break;
            }
            cmd.line += part->substr(0, open);
            if (!non_sync && !send("+ go ahead\r\n")) return std::nullopt;
            while (m_in.size() < size)
                if (!fill()) return std::nullopt;
            cmd.literals.push_back(m_in.substr(0, size));
            m_in.erase(0, size);
            continue;
        }
        cmd.line += *part;
        break;
    }
    std::istringstream in(cmd.line);
    in >> cmd.tag >> cmd.name;
    std::transform(cmd.name.begin(), cmd.name.end(), cmd.name.begin(), [](unsigned char c) { return std::toupper(c); });
    if (cmd.name == "UID") {
        std::string sub;
        in >> sub;
        std::transform(sub.begin(), sub.end(), sub.begin(), [](unsigned char c) { return std::toupper(c); });
        cmd.name += " " + sub;
    }
    std::getline(in, cmd.args);
    if (!cmd.args.empty() && cmd.args.front() == ' ') cmd.args.erase(0, 1);
    return cmd;
}

void FakeConnection::linger(std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    std::array<char, 4096> buf;
    while (std::chrono::steady_clock::now() < end && !m_server.stopping()) {
        pollfd p{m_fd, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        ssize_t n = ::recv(m_fd, buf.data(), buf.size(), 0);
        if (n <= 0) return;
        m_server.record(std::string_view(buf.data(), static_cast<std::size_t>(n)));
    }
}

void FakeConnection::hang_up() { ::shutdown(m_fd, SHUT_RDWR); }

// --- server --------------------------------------------------------------------------------------

FakeImapServer::FakeImapServer() {
    m_listener = listen_loopback(m_port);
    m_acceptor = std::thread([this] { accept_loop(); });
}

FakeImapServer::~FakeImapServer() {
    m_stop = true;
    m_acceptor.join();
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(m_mutex);
        threads.swap(m_threads);
    }
    for (auto& t : threads) t.join();
    ::close(m_listener);
}

std::string FakeImapServer::received() const {
    std::lock_guard lock(m_received_mutex);
    return m_received;
}

void FakeImapServer::record(std::string_view bytes) {
    std::lock_guard lock(m_received_mutex);
    m_received.append(bytes);
}

void FakeImapServer::accept_loop() {
    while (!m_stop) {
        pollfd p{m_listener, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        int fd = ::accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        const int index = m_connections++;
        std::lock_guard lock(m_mutex);
        m_threads.emplace_back([this, fd, index] { serve(fd, index); });
    }
}

void FakeImapServer::serve(int fd, int index) {
    FakeConnection c(fd, *this, index);
    if (on_connect)
        on_connect(c);
    else
        c.send(greeting);
    while (!m_stop) {
        auto cmd = c.read_command();
        if (!cmd) break;
        if (hook && hook(c, *cmd)) continue;
        if (cmd->name == "LOGOUT") {
            c.send("* BYE bye\r\n" + cmd->tag + " OK LOGOUT done\r\n");
            break;
        }
        answer(c, *cmd);
    }
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
}

namespace {

std::string quoted(const std::string& name) {
    bool plain = std::all_of(name.begin(), name.end(),
                             [](unsigned char ch) { return ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\'; });
    return plain ? "\"" + name + "\"" : literal(name);
}

std::string first_word(const std::string& s) { return s.substr(0, s.find(' ')); }

std::string unquote(std::string s) {
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    return s;
}

// The mailbox argument of SELECT/STATUS/APPEND/CREATE: quoted or atom, first in `args`.
std::string mailbox_arg(const std::string& args) {
    if (!args.empty() && args.front() == '"') {
        auto end = args.find('"', 1);
        return args.substr(1, end == std::string::npos ? std::string::npos : end - 1);
    }
    return first_word(args);
}

std::string flag_list(const std::string& flags) { return "(" + flags + ")"; }

// `list` less what `permanent` (a PERMANENTFLAGS list; nullopt: everything) does not keep.
std::string kept_flags(const std::string& list, const std::optional<std::string>& permanent) {
    if (!permanent) return list;
    std::istringstream in(list), perm(*permanent);
    std::vector<std::string> allowed;
    for (std::string f; perm >> f;) allowed.push_back(f);
    const bool any_keyword = std::find(allowed.begin(), allowed.end(), "\\*") != allowed.end();
    std::string out;
    for (std::string f; in >> f;)
        if (std::find(allowed.begin(), allowed.end(), f) != allowed.end() || (f.front() != '\\' && any_keyword))
            out += (out.empty() ? "" : " ") + f;
    return out;
}

void apply_flags(std::string& flags, const std::string& op, const std::string& list) {
    std::istringstream in(list);
    std::vector<std::string> have;
    std::istringstream cur(flags);
    for (std::string f; cur >> f;) have.push_back(f);
    std::vector<std::string> given;
    for (std::string f; in >> f;) given.push_back(f);
    if (op == "FLAGS") have = given;
    for (const auto& f : given) {
        auto it = std::find(have.begin(), have.end(), f);
        if (op == "+FLAGS" && it == have.end()) have.push_back(f);
        if (op == "-FLAGS" && it != have.end()) have.erase(it);
    }
    flags.clear();
    for (const auto& f : have) flags += (flags.empty() ? "" : " ") + f;
}

}  // namespace

void FakeImapServer::answer(FakeConnection& c, const FakeCommand& cmd) {
    const std::string& t = cmd.tag;
    const bool condstore = capabilities.find("CONDSTORE") != std::string::npos;
    std::lock_guard lock(m_mutex);
    const std::string& n = cmd.name;
    if (n == "CAPABILITY") {
        c.send("* CAPABILITY " + capabilities + "\r\n" + t + " OK done\r\n");
    } else if (n == "LOGIN") {
        c.send(t + " OK [CAPABILITY " + capabilities + "] logged in\r\n");
    } else if (n == "AUTHENTICATE") {
        if (cmd.args.find(' ') == std::string::npos) {  // no initial response: ask for it
            c.send("+ \r\n");
            (void)c.read_line();
        }
        c.send(t + " OK [CAPABILITY " + capabilities + "] logged in\r\n");
    } else if (n == "NOOP" || n == "CHECK" || n == "UNSELECT" || n == "CLOSE") {
        c.send(t + " OK done\r\n");
    } else if (n == "ENABLE") {
        std::string enabled;
        std::istringstream in(cmd.args);
        for (std::string e; in >> e;)
            if (capabilities.find(e) != std::string::npos) enabled += " " + e;
        if (enabled.find("QRESYNC") != std::string::npos) c.selected_qresync = true;
        c.send("* ENABLED" + enabled + "\r\n" + t + " OK enabled\r\n");
    } else if (n == "ID") {
        c.send("* ID NIL\r\n" + t + " OK done\r\n");
    } else if (n == "NAMESPACE") {
        c.send(std::string("* NAMESPACE ((\"\" \"") + delimiter + "\")) NIL NIL\r\n" + t + " OK done\r\n");
    } else if (n == "LIST" || n == "LSUB") {
        std::string out;
        for (const auto& [name, f] : folders) {
            out += "* " + n + " () \"" + std::string(1, delimiter) + "\" " + quoted(name) + "\r\n";
            if (cmd.args.find("RETURN") != std::string::npos && cmd.args.find("STATUS") != std::string::npos)
                out += "* STATUS " + quoted(name) + " (MESSAGES " + std::to_string(f.messages.size()) + " UIDNEXT " +
                       std::to_string(f.uidnext) + " UIDVALIDITY " + std::to_string(f.uidvalidity) +
                       (condstore ? " HIGHESTMODSEQ " + std::to_string(f.highestmodseq) : "") + ")\r\n";
        }
        c.send(out + t + " OK listed\r\n");
    } else if (n == "STATUS") {
        auto it = folders.find(unquote(mailbox_arg(cmd.args)));
        if (it == folders.end()) {
            c.send(t + " NO no such folder\r\n");
            return;
        }
        const auto& f = it->second;
        c.send("* STATUS " + quoted(it->first) + " (MESSAGES " + std::to_string(f.messages.size()) + " UIDNEXT " +
               std::to_string(f.uidnext) + " UIDVALIDITY " + std::to_string(f.uidvalidity) +
               (condstore ? " HIGHESTMODSEQ " + std::to_string(f.highestmodseq) : "") + ")\r\n" + t + " OK done\r\n");
    } else if (n == "SELECT" || n == "EXAMINE") {
        auto it = folders.find(unquote(mailbox_arg(cmd.args)));
        if (it == folders.end()) {
            c.send(t + " NO no such folder\r\n");
            return;
        }
        c.selected = it->first;
        const auto& f = it->second;
        std::string out = "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* " +
                          std::to_string(f.messages.size()) + " EXISTS\r\n* OK [UIDVALIDITY " +
                          std::to_string(f.uidvalidity) + "] v\r\n* OK [UIDNEXT " + std::to_string(f.uidnext) +
                          "] n\r\n";
        if (permanent_flags) out += "* OK [PERMANENTFLAGS (" + *permanent_flags + ")] p\r\n";
        if (condstore) out += "* OK [HIGHESTMODSEQ " + std::to_string(f.highestmodseq) + "] m\r\n";
        c.send(out + t + " OK [READ-WRITE] selected\r\n");
    } else if (n == "UID SEARCH" || n == "SEARCH") {
        std::string out = "* SEARCH";
        auto it = folders.find(c.selected);
        if (it != folders.end() && cmd.args.find("ALL") != std::string::npos)
            for (const auto& m : it->second.messages) out += " " + std::to_string(m.uid);
        c.send(out + "\r\n" + t + " OK searched\r\n");
    } else if (n == "UID FETCH") {
        auto it = folders.find(c.selected);
        if (it == folders.end()) {
            c.send(t + " BAD nothing selected\r\n");
            return;
        }
        auto& f = it->second;
        const std::string set = first_word(cmd.args);
        const std::string items = cmd.args.substr(set.size());
        std::uint64_t since = 0;
        if (auto cs = items.find("CHANGEDSINCE"); cs != std::string::npos) since = std::stoull(items.substr(cs + 13));
        const bool want_modseq = condstore && (since > 0 || items.find("MODSEQ") != std::string::npos);
        std::string out;
        for (std::uint32_t uid : parse_uid_set(set, f)) {
            auto m =
                std::find_if(f.messages.begin(), f.messages.end(), [&](const FakeMessage& x) { return x.uid == uid; });
            if (m->modseq <= since) continue;
            const auto seq = static_cast<std::size_t>(m - f.messages.begin()) + 1;
            std::string r = "* " + std::to_string(seq) + " FETCH (UID " + std::to_string(uid);
            if (items.find("FLAGS") != std::string::npos) r += " FLAGS " + flag_list(m->flags);
            if (want_modseq) r += " MODSEQ (" + std::to_string(m->modseq) + ")";
            if (items.find("RFC822.SIZE") != std::string::npos) r += " RFC822.SIZE " + std::to_string(m->text.size());
            if (items.find("INTERNALDATE") != std::string::npos) r += " INTERNALDATE \"03-Jan-2023 10:00:00 +0000\"";
            if (auto h = items.find("BODY.PEEK[HEADER"); h != std::string::npos) {
                const std::string section = items.substr(h + 9, items.find(']', h) - h - 9);
                r += " BODY" + section + "] " + literal(m->text.substr(0, m->text.find("\r\n\r\n") + 4));
            }
            if (auto b = items.find("BODY.PEEK[TEXT]<0."); b != std::string::npos) {
                // The start of the body the identity needs: BODY[TEXT]<0> with at most `max` bytes.
                const std::size_t max = std::stoul(items.substr(b + 18));
                const auto end = m->text.find("\r\n\r\n");
                const std::string body = end == std::string::npos ? std::string() : m->text.substr(end + 4);
                r += " BODY[TEXT]<0> " + literal(body.substr(0, max));
            }
            if (items.find("BODY.PEEK[]") != std::string::npos) r += " BODY[] " + literal(m->text);
            out += r + ")\r\n";
        }
        c.send(out + t + " OK fetched\r\n");
    } else if (n == "UID STORE") {
        auto it = folders.find(c.selected);
        if (it == folders.end()) {
            c.send(t + " BAD nothing selected\r\n");
            return;
        }
        auto& f = it->second;
        std::istringstream in(cmd.args);
        std::string set, op;
        in >> set >> op;
        std::string op_upper = op;
        std::transform(op_upper.begin(), op_upper.end(), op_upper.begin(),
                       [](unsigned char ch) { return std::toupper(ch); });
        if (op_upper.find(".SILENT") != std::string::npos) op_upper.erase(op_upper.find(".SILENT"));
        const auto lp = cmd.args.find('('), rp = cmd.args.rfind(')');
        std::string list = lp == std::string::npos ? "" : cmd.args.substr(lp + 1, rp - lp - 1);
        if (auto u = list.find("UNCHANGEDSINCE"); u != std::string::npos) {  // (UNCHANGEDSINCE n) +FLAGS (...)
            const auto lp2 = cmd.args.find('(', cmd.args.find(')'));
            list = cmd.args.substr(lp2 + 1, rp - lp2 - 1);
            in >> op_upper;
            std::transform(op_upper.begin(), op_upper.end(), op_upper.begin(),
                           [](unsigned char ch) { return std::toupper(ch); });
        }
        std::string out;
        for (std::uint32_t uid : parse_uid_set(set, f)) {
            auto m =
                std::find_if(f.messages.begin(), f.messages.end(), [&](const FakeMessage& x) { return x.uid == uid; });
            apply_flags(m->flags, op_upper, op_upper == "-FLAGS" ? list : kept_flags(list, permanent_flags));
            m->modseq = ++f.highestmodseq;
            out += "* " + std::to_string(m - f.messages.begin() + 1) + " FETCH (UID " + std::to_string(uid) +
                   " FLAGS " + flag_list(m->flags) + (condstore ? " MODSEQ (" + std::to_string(m->modseq) + ")" : "") +
                   ")\r\n";
        }
        c.send(out + t + " OK stored\r\n");
    } else if (n == "UID EXPUNGE" || n == "EXPUNGE") {
        auto it = folders.find(c.selected);
        if (it == folders.end()) {
            c.send(t + " BAD nothing selected\r\n");
            return;
        }
        auto& f = it->second;
        const auto allowed = n == "EXPUNGE" ? std::vector<std::uint32_t>{} : parse_uid_set(first_word(cmd.args), f);
        std::string out;
        for (std::size_t i = f.messages.size(); i-- > 0;) {
            const auto& m = f.messages[i];
            if (m.flags.find("\\Deleted") == std::string::npos) continue;
            if (n != "EXPUNGE" && std::find(allowed.begin(), allowed.end(), m.uid) == allowed.end()) continue;
            out += c.selected_qresync ? "* VANISHED " + std::to_string(m.uid) + "\r\n"
                                      : "* " + std::to_string(i + 1) + " EXPUNGE\r\n";
            f.messages.erase(f.messages.begin() + static_cast<std::ptrdiff_t>(i));
        }
        ++f.highestmodseq;
        c.send(out + t + " OK expunged\r\n");
    } else if (n == "APPEND") {
        auto it = folders.find(unquote(mailbox_arg(cmd.args)));
        if (it == folders.end() || cmd.literals.empty()) {
            c.send(t + " NO [TRYCREATE] no such folder\r\n");
            return;
        }
        std::string uids;
        for (const auto& text : cmd.literals) {
            FakeMessage m;
            m.uid = it->second.uidnext++;
            m.text = text;
            m.modseq = ++it->second.highestmodseq;
            const auto lp = cmd.line.find('('), rp = cmd.line.find(')');
            if (append_keeps_flags && lp != std::string::npos && rp != std::string::npos && rp > lp)
                m.flags = kept_flags(cmd.line.substr(lp + 1, rp - lp - 1), permanent_flags);
            uids += (uids.empty() ? "" : ",") + std::to_string(m.uid);
            it->second.messages.push_back(std::move(m));
        }
        c.send(t + " OK [APPENDUID " + std::to_string(it->second.uidvalidity) + " " + uids + "] appended\r\n");
    } else if (n == "CREATE") {
        folders[unquote(mailbox_arg(cmd.args))];
        c.send(t + " OK created\r\n");
    } else {
        c.send(t + " BAD " + n + " not supported by this fake\r\n");
    }
}

}  // namespace mailtwin::test
