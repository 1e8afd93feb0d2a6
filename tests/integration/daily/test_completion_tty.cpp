// bash completion as a person gets it: an interactive bash (with Debian's bash-completion and the
// shipped script) in a tmux pane, keys typed, the screen read. Folder names after --folder come from
// the state of a real sync; --config=FILE is honoured; an account already typed is not offered again.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "daily_setup.hpp"
#include "fixtures/temp_dir.hpp"
#include "tmux.hpp"

namespace mailtwin::test {
namespace {

using namespace std::chrono_literals;

// Waits until the screen shows `needle` (true) or 10 s passed (false).
bool screen_shows(Tmux& tmux, const std::string& needle, std::string& screen) {
    for (int i = 0; i < 200; ++i) {
        screen = tmux.capture();
        if (screen.find(needle) != std::string::npos) return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

class CompletionTty : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(std::filesystem::exists("/usr/share/bash-completion/bash_completion"))
            << "bash-completion is missing: run contrib/install-deps.sh";
        std::ofstream(m_dir / "rc") << "PS1='$ '\n"
                                    << "PATH=" << std::filesystem::path(MAILTWIN_BINARY).parent_path().string()
                                    << ":$PATH\n"
                                    << "source /usr/share/bash-completion/bash_completion\n"
                                    << "source " MAILTWIN_SOURCE_DIR "/contrib/completions/mailtwin.bash\n"
                                    << "bind 'set show-all-if-ambiguous on'\nbind 'set bell-style none'\n";
        ASSERT_TRUE(m_tmux.start("bash --noprofile --rcfile " + (m_dir / "rc").string() + " -i", 160, 20));
        std::string screen;
        ASSERT_TRUE(screen_shows(m_tmux, "$", screen)) << screen;
    }
    // Types `line`, presses Tab, then types "Z" (a mark: the screen trims trailing blanks) and returns
    // the screen once the mark shows, so what Tab added (a listing, a word, a space) is in it.
    std::string complete(const std::string& line) {
        m_tmux.send_keys(shell_quote(line));
        std::string before;
        screen_shows(m_tmux, line.substr(line.size() - 8), before);
        m_tmux.send_keys("Tab");
        // bash runs the completion function (and mailtwin status): wait for the screen to change.
        for (int i = 0; i < 100 && m_tmux.capture() == before; ++i) std::this_thread::sleep_for(50ms);
        std::this_thread::sleep_for(300ms);
        m_tmux.send_keys("Z");
        std::string screen;
        screen_shows(m_tmux, "Z", screen);
        m_tmux.send_keys("C-c");
        std::this_thread::sleep_for(200ms);
        m_tmux.send_keys("clear Enter");
        std::this_thread::sleep_for(200ms);
        return screen;
    }
    TempDir m_dir{"mailtwin-compl-tty"};
    Tmux m_tmux;
};

TEST_F(CompletionTty, FolderNamesComeFromTheStateAndConfigEqualsIsRead) {
    DailySetup s("compl");
    s.server_create("Archive");
    s.server_create("Lists");
    s.server_append("Archive", "a1");
    ASSERT_EQ(s.mailtwin("sync").exit_code, 0);
    const std::string config = s.config_path().string();

    // "--config=FILE" and "--config FILE" alike; --folder offers what the state knows.
    auto screen = complete("mailtwin --config=" + config + " sync --folder " + s.prefix() + "/");
    EXPECT_NE(screen.find(s.folder("Archive")), std::string::npos) << screen;
    EXPECT_NE(screen.find(s.folder("Lists")), std::string::npos) << screen;
    screen = complete("mailtwin --config " + config + " forget test --folder " + s.prefix() + "/Arc");
    EXPECT_NE(screen.find("--folder " + s.folder("Archive") + " Z"), std::string::npos) << screen;

    // The one account is offered, and once typed it is not offered again.
    screen = complete("mailtwin --config=" + config + " status t");
    EXPECT_NE(screen.find(" status test Z"), std::string::npos) << screen;
    screen = complete("mailtwin --config=" + config + " status test ");
    EXPECT_NE(screen.find(" status test Z"), std::string::npos) << screen;
}

}  // namespace
}  // namespace mailtwin::test
