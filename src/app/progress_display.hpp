#pragma once
// The live progress display of `mailtwin sync` on a terminal: one line per running folder, redrawn in
// place on stderr at most ten times a second, erased when the folder finishes. Lines the command
// prints meanwhile go through print_above(), which lifts the block out of their way.
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "cli.hpp"
#include "mailtwin/report/progress_format.hpp"
#include "mailtwin/results/progress.hpp"

namespace mailtwin::app {

class ProgressDisplay final : public engine::Progress {
public:
    // The display `g` asks for (--progress auto|always|never, -q, --log-format), or none: auto shows
    // it only when stderr is a terminal that understands cursor movement (TERM not "dumb").
    static std::unique_ptr<ProgressDisplay> for_options(const GlobalOptions& g);

    explicit ProgressDisplay(std::FILE* terminal);
    ~ProgressDisplay() override;  // erases the block
    ProgressDisplay(const ProgressDisplay&) = delete;
    ProgressDisplay& operator=(const ProgressDisplay&) = delete;

    void folder_started(const std::string& account, const std::string& folder, std::uint64_t messages,
                        std::uint64_t bytes) override;
    void folder_advanced(const std::string& account, const std::string& folder, std::uint64_t messages_done,
                         std::uint64_t bytes_done) override;
    void folder_finished(const std::string& account, const std::string& folder) override;

    // Erases the block, runs `write` (which prints and flushes whatever it prints), draws the block
    // again below: a summary or log line then stands above the progress, never inside it.
    void print_above(const std::function<void()>& write);
    // Erases the block for good (the command is about to exit).
    void close();

private:
    void redraw_locked();
    void emit_locked(const std::string& text);
    [[nodiscard]] std::size_t columns() const;

    std::FILE* m_out;
    std::mutex m_mutex;  // the engine's workers and the command's reporter may call from different threads
    engine::ProgressBoard m_board;
    bool m_closed = false;
};

}  // namespace mailtwin::app
