#include "progress_display.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace mailtwin::app {

std::unique_ptr<ProgressDisplay> ProgressDisplay::for_options(const GlobalOptions& g) {
    if (g.quiet || g.progress == "never") return nullptr;
    if (g.progress == "auto") {
        // JSON logs are for machines, and a terminal without cursor movement would show escape codes.
        const char* term = std::getenv("TERM");
        if (g.log_format != "text" || !::isatty(STDERR_FILENO) || !term || !*term || std::strcmp(term, "dumb") == 0)
            return nullptr;
    }
    return std::make_unique<ProgressDisplay>(stderr);
}

ProgressDisplay::ProgressDisplay(std::FILE* terminal) : m_out(terminal) {}

ProgressDisplay::~ProgressDisplay() { close(); }

void ProgressDisplay::folder_started(const std::string& account, const std::string& folder, std::uint64_t messages,
                                     std::uint64_t bytes) {
    std::lock_guard lock(m_mutex);
    const auto now = engine::ProgressBoard::Clock::now();
    m_board.start(account, folder, messages, bytes, now);
    if (m_board.due(now)) redraw_locked();
}

void ProgressDisplay::folder_advanced(const std::string& account, const std::string& folder,
                                      std::uint64_t messages_done, std::uint64_t bytes_done) {
    std::lock_guard lock(m_mutex);
    m_board.advance(account, folder, messages_done, bytes_done);
    if (m_board.due(engine::ProgressBoard::Clock::now())) redraw_locked();
}

void ProgressDisplay::folder_finished(const std::string& account, const std::string& folder) {
    std::lock_guard lock(m_mutex);
    // A finished folder's line goes at once, throttle or not: these redraws are one per folder.
    if (m_board.finish(account, folder)) redraw_locked();
}

void ProgressDisplay::print_above(const std::function<void()>& write) {
    std::lock_guard lock(m_mutex);
    emit_locked(m_board.erase());
    std::fflush(stdout);
    write();
    std::fflush(stdout);
    if (!m_board.empty()) redraw_locked();
}

void ProgressDisplay::close() {
    std::lock_guard lock(m_mutex);
    if (m_closed) return;
    emit_locked(m_board.erase());
    m_closed = true;
}

void ProgressDisplay::redraw_locked() {
    if (m_closed) return;
    emit_locked(m_board.redraw(engine::ProgressBoard::Clock::now(), columns()));
}

void ProgressDisplay::emit_locked(const std::string& text) {
    if (text.empty()) return;
    // One write per frame, so the terminal never shows a half-drawn block.
    std::fwrite(text.data(), 1, text.size(), m_out);
    std::fflush(m_out);
}

std::size_t ProgressDisplay::columns() const {
    winsize ws{};
    if (::ioctl(::fileno(m_out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    return 80;
}

}  // namespace mailtwin::app
