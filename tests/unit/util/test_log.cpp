#include "mailtwin/util/log.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <regex>
#include <string>

#include "mailtwin/util/log_line.hpp"

namespace mailtwin::util {
namespace {

// Captures what util::log writes, in a temporary file; restores the defaults after each test.
class LogCapture : public ::testing::Test {
protected:
    LogCapture() : m_file(std::tmpfile()) { set_log_stream(m_file); }
    ~LogCapture() override {
        set_log_stream(stderr);
        set_log_line_start({});
        set_log_format(LogFormat::text);
        set_log_level(LogLevel::info);
        std::fclose(m_file);
    }
    std::string written() {
        std::string out;
        std::rewind(m_file);
        char buf[512];
        while (std::size_t n = std::fread(buf, 1, sizeof buf, m_file)) out.append(buf, n);
        return out;
    }

private:
    std::FILE* m_file;
};

TEST_F(LogCapture, TextLinesSayTheProgramThenTheLevel) {
    log_info("work/INBOX: +1 \u2193");
    log_warning("work: NOTIFY refused");
    log_error("work: connection refused");
    EXPECT_EQ(written(),
              "mailtwin: work/INBOX: +1 \u2193\n"
              "mailtwin: warning: work: NOTIFY refused\n"
              "mailtwin: error: work: connection refused\n");
}

TEST_F(LogCapture, TextLinesStartAsSetForTheirStream) {
    set_log_line_start({LineStamp::iso8601, false});
    log_info("watching 1 account for changes");
    set_log_line_start(line_start_for(LogSink::journal));
    log_error("work: connection refused");
    const std::string out = written();
    EXPECT_TRUE(std::regex_search(out, std::regex(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d )"
                                                  R"(mailtwin: watching 1 account for changes\n)")))
        << out;
    EXPECT_NE(out.find("\n<3>mailtwin: error: work: connection refused\n"), std::string::npos) << out;
}

TEST_F(LogCapture, JsonLinesAreEventsWithATime) {
    set_log_format(LogFormat::json);
    log_warning("server alert from h:993: \"down soon\"");
    log_json_event(LogLevel::info, R"({"event":"connected","account":"work"})");
    const std::string out = written();
    EXPECT_TRUE(std::regex_match(out, std::regex(R"(\{"event":"log","ts":\d+\.\d{3},"level":"warning",)"
                                                 R"("msg":"server alert from h:993: \\"down soon\\""\}\n)"
                                                 R"(\{"event":"connected","account":"work","ts":\d+\.\d{3}\}\n)")))
        << out;
}

TEST_F(LogCapture, EventsBelowTheLevelAreNotWritten) {
    set_log_format(LogFormat::json);
    set_log_level(LogLevel::error);
    log_json_event(LogLevel::info, R"({"event":"listening"})");
    log_json_event(LogLevel::error, R"({"event":"error"})");
    const std::string out = written();
    EXPECT_EQ(out.find("listening"), std::string::npos) << out;
    EXPECT_NE(out.find(R"({"event":"error","ts":)"), std::string::npos) << out;
}

}  // namespace
}  // namespace mailtwin::util
