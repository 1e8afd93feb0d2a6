#include "mailtwin/watch/watch_report.hpp"

#include <gtest/gtest.h>

#include "mailtwin/report/report.hpp"
#include "mailtwin/util/error.hpp"

namespace mailtwin::engine {
namespace {

using util::LogLevel;

FolderResult one_download(const std::string& folder) {
    FolderResult r;
    r.folder = folder;
    r.outcome = FolderOutcome::synced;
    r.plan.actions.emplace_back(sync::Download{});
    r.plan.counters.downloads = 1;
    return r;
}

TEST(WatchReport, AFolderChangeIsSyncsLineAndSyncsObject) {
    const FolderResult r = one_download("Lists/dev");
    const WatchEvent e = folder_event("work", r);
    EXPECT_EQ(e.level, LogLevel::info);
    EXPECT_EQ(e.text.rfind("work/Lists/dev: +1 ", 0), 0u) << e.text;  // then the arrow or word of the locale
    EXPECT_EQ(e.text, "work/" + folder_summary(r));
    EXPECT_EQ(e.json, folder_json("work", r));
    EXPECT_EQ(e.json.rfind(R"({"event":"folder","account":"work","folder":"Lists/dev","outcome":"synced",)", 0), 0u)
        << e.json;
}

TEST(WatchReport, AFailedFolderIsAnErrorAnUnchangedOneDebug) {
    FolderResult failed = one_download("INBOX");
    failed.outcome = FolderOutcome::failed;
    failed.error = util::Error{};
    EXPECT_EQ(folder_event("work", failed).level, LogLevel::error);
    FolderResult unchanged;
    unchanged.folder = "INBOX";
    EXPECT_EQ(folder_event("work", unchanged).level, LogLevel::debug);
    EXPECT_EQ(folder_event("work", unchanged).text, "work/INBOX: unchanged");
}

TEST(WatchReport, AccountLinesStartWithTheAccount) {
    const WatchEvent listening = listening_event("work", "IDLE on INBOX");
    EXPECT_EQ(listening.level, LogLevel::info);
    EXPECT_EQ(listening.text, "work: listening for server changes (IDLE on INBOX)");
    EXPECT_EQ(listening.json, R"({"event":"listening","account":"work","mode":"IDLE on INBOX"})");

    const WatchEvent again = connected_again_event("work");
    EXPECT_EQ(again.text, "work: connected again");
    EXPECT_EQ(again.json, R"({"event":"connected","account":"work"})");

    const WatchEvent lost = disconnected_event("work", "connection reset by peer");
    EXPECT_EQ(lost.level, LogLevel::warning);
    EXPECT_EQ(lost.text, "work: connection reset by peer; retrying with backoff (1 s up to 5 min)");
    EXPECT_EQ(lost.json, R"({"event":"disconnected","account":"work","error":"connection reset by peer"})");

    const WatchEvent backoff = backoff_event("work", std::chrono::milliseconds(1875));
    EXPECT_EQ(backoff.level, LogLevel::debug);
    EXPECT_EQ(backoff.text, "work: next attempt in 1875 ms");
    EXPECT_EQ(backoff.json, R"({"event":"backoff","account":"work","delay_ms":1875})");

    const WatchEvent locked = locked_event("work", std::chrono::seconds(30));
    EXPECT_EQ(locked.text, "work: another mailtwin holds the account lock; retrying in 30 s");
    EXPECT_EQ(locked.json, R"({"event":"locked","account":"work","retry_s":30})");

    const WatchEvent error = error_event("work", "the Maildir root /m is missing");
    EXPECT_EQ(error.level, LogLevel::error);
    EXPECT_EQ(error.text, "work: the Maildir root /m is missing");
    EXPECT_EQ(error.json, R"({"event":"error","account":"work","error":"the Maildir root /m is missing"})");
}

TEST(WatchReport, LinesAboutTheWholeWatcherHaveNoSubject) {
    const WatchEvent watching = watching_event(2);
    EXPECT_EQ(watching.text, "watching 2 accounts for changes");
    EXPECT_EQ(watching.json, R"({"event":"watching","accounts":2})");
    EXPECT_EQ(watching_event(1).text, "watching 1 account for changes");

    const WatchEvent stopping = stopping_event("SIGTERM");
    EXPECT_EQ(stopping.text, "stopping (SIGTERM): finishing the current step");
    EXPECT_EQ(stopping.json, R"({"event":"stopping","signal":"SIGTERM"})");

    const WatchEvent none = error_event("", "no account to watch");
    EXPECT_EQ(none.text, "no account to watch");
    EXPECT_EQ(none.json, R"({"event":"error","error":"no account to watch"})");

    const WatchEvent failed = reload_failed_event("config.toml:2:1: unknown key \"maildirr\"");
    EXPECT_EQ(failed.level, LogLevel::error);
    EXPECT_EQ(failed.text,
              "configuration not reloaded, keeping the running one: config.toml:2:1: unknown key "
              "\"maildirr\"");
    EXPECT_EQ(failed.json, R"({"event":"reload_failed","error":"config.toml:2:1: unknown key \"maildirr\""})");
}

TEST(WatchReport, PassesAndStatesAreDebugDetail) {
    const WatchEvent partial = pass_event("work", false, {"INBOX", "Lists/dev"});
    EXPECT_EQ(partial.level, LogLevel::debug);
    EXPECT_EQ(partial.text, "work: syncing INBOX, Lists/dev");
    EXPECT_EQ(partial.json, R"({"event":"pass","account":"work","full":false,"folders":["INBOX","Lists/dev"]})");
    const WatchEvent full = pass_event("work", true, {});
    EXPECT_EQ(full.text, "work: full pass");
    EXPECT_EQ(full.json, R"({"event":"pass","account":"work","full":true,"folders":[]})");

    const WatchEvent state = state_event("work", "idling", "syncing");
    EXPECT_EQ(state.level, LogLevel::debug);
    EXPECT_EQ(state.text, "work: idling -> syncing");
    EXPECT_EQ(state.json, R"({"event":"state","account":"work","from":"idling","to":"syncing"})");
}

TEST(WatchReport, NamesAreQuotedForJson) {
    const WatchEvent e = notice_event("a\"b", "local folder skipped: \"x\ny\"");
    EXPECT_EQ(e.json, R"({"event":"notice","account":"a\"b","notice":"local folder skipped: \"x\ny\""})");
}

}  // namespace
}  // namespace mailtwin::engine
