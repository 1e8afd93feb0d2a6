#pragma once
// A tmux server of the test's own for what a person sees in a terminal (progress lines, completion).
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace mailtwin::test {

inline std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// A tmux server of our own (its own socket, no user configuration), killed with the object.
class Tmux {
public:
    Tmux() : m_prefix("tmux -L mailtwin-test-" + std::to_string(::getpid()) + " -f /dev/null ") {}
    ~Tmux() { (void)run("kill-server"); }
    Tmux(const Tmux&) = delete;
    Tmux& operator=(const Tmux&) = delete;

    // A detached session whose only pane runs `command` on a terminal of columns x rows.
    bool start(const std::string& command, int columns, int rows) {
        return std::system((m_prefix + "new-session -d -s t -x " + std::to_string(columns) + " -y " +
                            std::to_string(rows) + " " + shell_quote(command))
                               .c_str()) == 0;
    }
    // The visible screen of the pane, one line per row (trailing blanks trimmed by tmux).
    std::string capture() { return run("capture-pane -p -t t"); }
    // Types into the pane: `keys` as tmux send-keys takes them ("Tab", "Enter", or quoted text).
    void send_keys(const std::string& keys) { (void)run("send-keys -t t " + keys); }
    // Lines that scrolled off the top of the pane into its history.
    int scrolled_off() { return std::atoi(run("display-message -p -t t '#{history_size}'").c_str()); }

private:
    std::string run(const std::string& args) {
        std::string out;
        FILE* p = ::popen((m_prefix + args + " 2>/dev/null").c_str(), "r");
        if (!p) return out;
        std::array<char, 4096> buf;
        while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
        ::pclose(p);
        return out;
    }
    std::string m_prefix;
};

}  // namespace mailtwin::test
