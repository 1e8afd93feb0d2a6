#include "mailtwin/util/log_line.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace mailtwin::util {
namespace {

using namespace std::chrono;

// Sets TZ (a POSIX rule, so that no zoneinfo file is needed) for one test, restoring it after.
class LocalZone {
public:
    explicit LocalZone(const char* tz) {
        if (const char* old = std::getenv("TZ")) m_old = old;
        ::setenv("TZ", tz, 1);
        ::tzset();
    }
    ~LocalZone() {
        if (m_old)
            ::setenv("TZ", m_old->c_str(), 1);
        else
            ::unsetenv("TZ");
        ::tzset();
    }

private:
    std::optional<std::string> m_old;
};

constexpr const char* k_central_europe = "CET-1CEST,M3.5.0,M10.5.0/3";

system_clock::time_point utc(year_month_day day, hours h, minutes m, seconds s) { return sys_days{day} + h + m + s; }

TEST(LineStart, EachSinkGetsItsOwnStart) {
    EXPECT_EQ(line_start_for(LogSink::terminal).stamp, LineStamp::time_of_day);
    EXPECT_FALSE(line_start_for(LogSink::terminal).priority);
    EXPECT_EQ(line_start_for(LogSink::other).stamp, LineStamp::iso8601);
    EXPECT_FALSE(line_start_for(LogSink::other).priority);
    EXPECT_EQ(line_start_for(LogSink::journal).stamp, LineStamp::none);
    EXPECT_TRUE(line_start_for(LogSink::journal).priority);
}

TEST(LineStart, Iso8601InLocalTimeWithTheOffsetOfThatDay) {
    LocalZone zone(k_central_europe);
    const LineStart iso{LineStamp::iso8601, false};
    EXPECT_EQ(line_start_text(iso, LogLevel::info, utc(2026y / 12 / 7, 9h, 15min, 2s)), "2026-12-07T10:15:02+01:00 ");
    EXPECT_EQ(line_start_text(iso, LogLevel::info, utc(2026y / 7 / 7, 9h, 15min, 2s)), "2026-07-07T11:15:02+02:00 ");
}

TEST(LineStart, Iso8601OffsetsWestOfUtcAndNotOnTheHour) {
    LocalZone zone("<-0330>3:30");
    EXPECT_EQ(line_start_text({LineStamp::iso8601, false}, LogLevel::error, utc(2026y / 1 / 1, 2h, 0min, 0s)),
              "2025-12-31T22:30:00-03:30 ");
}

TEST(LineStart, TimeOfDayOnATerminal) {
    LocalZone zone(k_central_europe);
    EXPECT_EQ(line_start_text({LineStamp::time_of_day, false}, LogLevel::info, utc(2026y / 12 / 7, 9h, 5min, 2s)),
              "10:05:02 ");
}

TEST(LineStart, TheJournalGetsThePriorityAndNoTime) {
    const auto now = system_clock::now();
    const LineStart journal = line_start_for(LogSink::journal);
    EXPECT_EQ(line_start_text(journal, LogLevel::error, now), "<3>");
    EXPECT_EQ(line_start_text(journal, LogLevel::warning, now), "<4>");
    EXPECT_EQ(line_start_text(journal, LogLevel::info, now), "<6>");
    EXPECT_EQ(line_start_text(journal, LogLevel::debug, now), "<7>");
    EXPECT_EQ(line_start_text(LineStart{}, LogLevel::error, now), "");
}

class PipeEnds {
public:
    PipeEnds() { EXPECT_EQ(::pipe(m_fds), 0); }
    ~PipeEnds() {
        ::close(m_fds[0]);
        ::close(m_fds[1]);
    }
    [[nodiscard]] int write_end() const { return m_fds[1]; }
    // "DEVICE:INODE" of the pipe, as systemd writes it into $JOURNAL_STREAM.
    [[nodiscard]] std::string journal_stream() const {
        struct stat st {};
        EXPECT_EQ(::fstat(m_fds[1], &st), 0);
        return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
    }

private:
    int m_fds[2] = {-1, -1};
};

TEST(LogSinkOf, APipeIsOther) {
    PipeEnds p;
    EXPECT_EQ(log_sink_of(p.write_end(), nullptr), LogSink::other);
    EXPECT_EQ(log_sink_of(p.write_end(), ""), LogSink::other);
}

TEST(LogSinkOf, APipeNamedByJournalStreamIsTheJournal) {
    PipeEnds p;
    EXPECT_EQ(log_sink_of(p.write_end(), p.journal_stream().c_str()), LogSink::journal);
}

TEST(LogSinkOf, AJournalStreamOfAnotherFileIsNotTheJournal) {
    // Inherited from a parent whose output went to the journal, while this one's goes to a pipe.
    PipeEnds mine;
    PipeEnds parents;
    EXPECT_EQ(log_sink_of(mine.write_end(), parents.journal_stream().c_str()), LogSink::other);
    EXPECT_EQ(log_sink_of(mine.write_end(), (mine.journal_stream() + "7").c_str()), LogSink::other);
    EXPECT_EQ(log_sink_of(mine.write_end(), (mine.journal_stream() + ":1").c_str()), LogSink::other);
    EXPECT_EQ(log_sink_of(mine.write_end(), "journal"), LogSink::other);
}

TEST(LogSinkOf, APseudoTerminalIsATerminal) {
    const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
    ASSERT_GE(master, 0);
    ASSERT_EQ(::grantpt(master), 0);
    ASSERT_EQ(::unlockpt(master), 0);
    const int slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
    ASSERT_GE(slave, 0);
    EXPECT_EQ(log_sink_of(slave, nullptr), LogSink::terminal);
    ::close(slave);
    ::close(master);
}

}  // namespace
}  // namespace mailtwin::util
