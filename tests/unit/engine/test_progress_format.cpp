// The pure half of the live progress display: number formats, the redraw throttle, and the exact
// escape sequences drawn for a sequence of engine events (written to a string, not a terminal).
#include "mailtwin/report/progress_format.hpp"

#include <gtest/gtest.h>

namespace mailtwin::engine {
namespace {

using namespace std::chrono_literals;
using Clock = ProgressBoard::Clock;

constexpr std::uint64_t k_mib = 1024 * 1024;

std::size_t code_points(const std::string& s) {
    std::size_t n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

TEST(ProgressFormat, SizePairsUseTheUnitOfTheTotal) {
    EXPECT_EQ(format_size_pair(static_cast<std::uint64_t>(48.1 * k_mib), 424 * k_mib), "48.1/424 MiB");
    EXPECT_EQ(format_size_pair(0, 0), "0/0 B");
    EXPECT_EQ(format_size_pair(500, 1000), "500/1000 B");
    EXPECT_EQ(format_size_pair(512, 2048), "0.5/2.0 KiB");
    EXPECT_EQ(format_size_pair(3 * k_mib / 2, 3 * k_mib * 1024), "0.0/3.0 GiB");
}

TEST(ProgressFormat, RatesUseTheirOwnUnit) {
    EXPECT_EQ(format_rate(12.3 * k_mib), "12.3 MiB/s");
    EXPECT_EQ(format_rate(1536), "1.5 KiB/s");
    EXPECT_EQ(format_rate(850), "850 B/s");
    EXPECT_EQ(format_rate(0), "0 B/s");
    EXPECT_EQ(format_rate(-5), "0 B/s");
}

TEST(ProgressFormat, SizeAndDuration) {
    EXPECT_EQ(format_size(612), "612 B");
    EXPECT_EQ(format_size(2048), "2.0 KiB");
    EXPECT_EQ(format_size(static_cast<std::uint64_t>(1.4 * k_mib)), "1.4 MiB");
    EXPECT_EQ(format_duration(0), "0:00");
    EXPECT_EQ(format_duration(0.2), "0:01");  // rounded up, as the ETA
    EXPECT_EQ(format_duration(3723), "1:02:03");
    EXPECT_EQ(format_duration(1e6), "277:46:40");  // a duration has no ceiling, unlike an estimate
}

TEST(ProgressFormat, EtaIsMinutesSecondsOrHours) {
    EXPECT_EQ(format_eta(31), "0:31");
    EXPECT_EQ(format_eta(30.2), "0:31");  // rounded up: "0:00" only when nothing is left
    EXPECT_EQ(format_eta(0), "0:00");
    EXPECT_EQ(format_eta(725), "12:05");
    EXPECT_EQ(format_eta(3723), "1:02:03");
    EXPECT_EQ(format_eta(-1), "--:--");
    EXPECT_EQ(format_eta(1e9), "--:--");
}

TEST(ProgressFormat, FitLineShortensTheNameAndKeepsTheNumbers) {
    EXPECT_EQ(fit_line("a/INBOX", "  1/2 msgs", 40), "a/INBOX  1/2 msgs");
    EXPECT_EQ(fit_line("acct/Very/Long/Folder", "  1/2 msgs", 20), ".../Folder  1/2 msgs");
    // Multi-byte names are cut on code points, never inside a character.
    const std::string cut = fit_line("acct/Ünïcødé-Földer", "  1/2 msgs", 18);
    EXPECT_EQ(cut, "...ölder  1/2 msgs");
    EXPECT_EQ(code_points(cut), 18u);
    EXPECT_EQ(fit_line("acct/x", "  123456/999999 msgs", 8), "acct/x  ");
}

TEST(ProgressBoard, ThrottlesToTenRedrawsASecond) {
    ProgressBoard b;
    const auto t0 = Clock::now();
    EXPECT_TRUE(b.due(t0));
    b.start("a", "INBOX", 1000, 1000 * 1000, t0);
    int redraws = 0;
    // An advance every millisecond for two seconds: the engine calls far more often than we draw.
    for (int ms = 0; ms < 2000; ++ms) {
        const auto now = t0 + std::chrono::milliseconds(ms);
        b.advance("a", "INBOX", static_cast<std::uint64_t>(ms / 2), static_cast<std::uint64_t>(ms) * 500);
        if (b.due(now)) {
            (void)b.redraw(now, 80);
            ++redraws;
        }
    }
    EXPECT_EQ(redraws, 20);
    const auto last = t0 + 1900ms;
    EXPECT_FALSE(b.due(last + 99ms));
    EXPECT_TRUE(b.due(last + 100ms));
}

TEST(ProgressBoard, DrawsRedrawsInPlaceAndErasesFinishedFolders) {
    ProgressBoard b;
    const auto t0 = Clock::now();
    b.start("a", "INBOX", 10, 1000, t0);
    EXPECT_EQ(b.redraw(t0, 80), "\r\x1b[2Ka/INBOX  0/10 msgs  0/1000 B\n");
    EXPECT_EQ(b.drawn_lines(), 1u);

    b.advance("a", "INBOX", 5, 500);
    // Back up over the one line drawn, clear it, draw it anew: the screen never scrolls.
    EXPECT_EQ(b.redraw(t0 + 1s, 80), "\r\x1b[1A\x1b[2Ka/INBOX  5/10 msgs  500/1000 B  500 B/s  ETA 0:01\n");

    b.start("a", "Sent", 2, 3 * k_mib, t0 + 1s);
    EXPECT_EQ(b.redraw(t0 + 1200ms, 80),
              "\r\x1b[1A\x1b[2Ka/INBOX  5/10 msgs  500/1000 B  417 B/s  ETA 0:02\n"
              "\x1b[2Ka/Sent  0/2 msgs  0.0/3.0 MiB\n");
    EXPECT_EQ(b.drawn_lines(), 2u);

    // A finished folder on the screen asks for a redraw; the shorter block clears the line left below.
    EXPECT_TRUE(b.finish("a", "INBOX"));
    EXPECT_EQ(b.redraw(t0 + 1300ms, 80), "\r\x1b[2A\x1b[2Ka/Sent  0/2 msgs  0.0/3.0 MiB\n\x1b[2K");
    EXPECT_TRUE(b.finish("a", "Sent"));
    EXPECT_TRUE(b.empty());
    EXPECT_EQ(b.redraw(t0 + 1400ms, 80), "\r\x1b[1A\x1b[2K");
    EXPECT_EQ(b.drawn_lines(), 0u);
    EXPECT_EQ(b.erase(), "");
}

TEST(ProgressBoard, AShrinkingBlockClearsEachLeftoverLineAndComesBack) {
    ProgressBoard b;
    const auto t0 = Clock::now();
    for (const char* f : {"A", "B", "C", "D"}) b.start("a", f, 1, 10, t0);
    (void)b.redraw(t0, 80);
    for (const char* f : {"B", "C", "D"}) EXPECT_TRUE(b.finish("a", f));
    // Three leftover lines: clear, down, clear, down, clear, then two up to just below the new block.
    EXPECT_EQ(b.redraw(t0 + 100ms, 80),
              "\r\x1b[4A\x1b[2Ka/A  0/1 msgs  0/10 B\n\x1b[2K\x1b[1B\x1b[2K\x1b[1B\x1b[2K\x1b[2A");
    EXPECT_EQ(b.drawn_lines(), 1u);
}

TEST(ProgressBoard, EraseLeavesTheCursorWhereTheBlockBegan) {
    ProgressBoard b;
    const auto t0 = Clock::now();
    b.start("a", "INBOX", 1, 10, t0);
    b.start("a", "Sent", 1, 10, t0);
    (void)b.redraw(t0, 80);
    // What print_above writes before a summary line: up and clear, once per line.
    EXPECT_EQ(b.erase(), "\r\x1b[1A\x1b[2K\x1b[1A\x1b[2K");
    EXPECT_EQ(b.drawn_lines(), 0u);
    EXPECT_EQ(b.redraw(t0 + 10ms, 80), "\r\x1b[2Ka/INBOX  0/1 msgs  0/10 B\n\x1b[2Ka/Sent  0/1 msgs  0/10 B\n");
}

TEST(ProgressBoard, FinishingAFolderNotYetDrawnNeedsNoRedraw) {
    ProgressBoard b;
    const auto t0 = Clock::now();
    b.start("a", "INBOX", 1, 10, t0);
    (void)b.redraw(t0, 80);
    b.start("a", "Sent", 1, 10, t0 + 10ms);  // within the throttle: not on the screen yet
    EXPECT_FALSE(b.finish("a", "Sent"));
    EXPECT_TRUE(b.finish("a", "INBOX"));
    EXPECT_FALSE(b.finish("a", "Drafts"));
}

TEST(ProgressBoard, ManyFoldersFitInABoundedBlockOfNarrowLines) {
    ProgressBoard b;
    const auto t0 = Clock::now();
    for (int i = 0; i < 10; ++i) b.start("account", "Archive/" + std::to_string(2000 + i), 100, 100 * k_mib, t0);
    const auto lines = b.lines(t0, 36);
    ASSERT_EQ(lines.size(), ProgressBoard::k_max_lines);
    EXPECT_EQ(lines.back(), "+3 more folders");
    for (const auto& l : lines) EXPECT_LE(code_points(l), 36u) << l;
    EXPECT_EQ(lines.front(), "...ive/2000  0/100 msgs  0.0/100 MiB");
    // redraw keeps each line one short of the terminal width, so no line wraps.
    const std::string frame = b.redraw(t0, 37);
    EXPECT_NE(frame.find("\x1b[2K...ive/2000  0/100 msgs  0.0/100 MiB\n"), std::string::npos) << frame;
    EXPECT_EQ(b.drawn_lines(), ProgressBoard::k_max_lines);
}

}  // namespace
}  // namespace mailtwin::engine
