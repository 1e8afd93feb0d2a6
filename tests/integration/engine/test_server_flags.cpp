// Issue 20 item 3: flags the server did not store are not a user's change. A message deleted on the
// server is restored from the Maildir with \Flagged \Seen and a keyword; after two more syncs both
// sides still show the flags the user had: the server those it keeps (what its PERMANENTFLAGS
// announces), the Maildir all of them. Run on each server of the engine suite where it bites:
// "noflags" (a Dovecot that keeps only \Seen and \Deleted and drops the rest of an APPEND without a
// word), and on the usual servers, which keep everything. A server that drops an APPEND's flags
// although it announces them (GNU Mailutils) is one more line in the list at the bottom.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "fixtures/imap_test_util.hpp"
#include "fixtures/run_awaitable.hpp"
#include "mailtwin/maildir/filename.hpp"
#include "mailtwin/util/ascii.hpp"
#include "scenario.hpp"

namespace mailtwin::test {
namespace {

using Names = std::set<std::string>;

const Names k_users_flags{"\\Flagged", "\\Seen", "$label1"};

// One message's flags on the server (case as the server spells them) and the folder's PERMANENTFLAGS.
struct ServerSide {
    std::optional<Names> flags;  // nullopt: no such message
    std::optional<imap::FlagList> permanent;
};

ServerSide server_side(const DovecotInfo& d, const std::string& folder, const std::string& id) {
    const auto seen = look_at_folder(d, folder, id);
    ServerSide out{std::nullopt, seen.selected.permanent_flags};
    if (seen.flags) {
        std::istringstream names(seen.flags->to_imap());
        out.flags.emplace();
        for (std::string n; names >> n;) out.flags->insert(n);
    }
    return out;
}

// Which of `wanted` a folder with these PERMANENTFLAGS keeps: those it lists (case-insensitive),
// keywords too when it lists "\*"; every flag when it sent none (RFC 3501 §7.1).
Names kept_by(const std::optional<imap::FlagList>& permanent, const Names& wanted) {
    if (!permanent) return wanted;
    Names out;
    for (const auto& w : wanted) {
        bool kept = w.front() != '\\' && permanent->keywords_allowed;
        for (const auto& listed : permanent->names) kept = kept || util::iequals(listed, w);
        if (kept) out.insert(w);
    }
    return out;
}

// The flags of message `id` in the Maildir, its keyword letters named by the folder's dovecot-keywords.
Names local_flags(const std::filesystem::path& folder_dir, const std::string& id) {
    std::map<char, std::string> keyword_of;
    std::ifstream keywords(folder_dir / "dovecot-keywords");
    for (std::string index, name; keywords >> index >> name;)
        keyword_of[static_cast<char>('a' + std::stoi(index))] = name;
    Names out;
    std::size_t files = 0;
    for (const char* sub : {"cur", "new"})
        for (const auto& e : std::filesystem::directory_iterator(folder_dir / sub)) {
            std::ifstream in(e.path(), std::ios::binary);
            const std::string text((std::istreambuf_iterator<char>(in)), {});
            if (text.find("<" + id + "@scenario.test>") == std::string::npos) continue;
            ++files;
            auto name = maildir::parse_file_name(e.path().filename().string());
            if (!name) continue;
            std::istringstream names(name->flags.flags.to_imap());
            for (std::string n; names >> n;) out.insert(n);
            for (char c : name->flags.other_letters)
                out.insert(keyword_of.count(c) ? keyword_of[c] : std::string(1, c));
        }
    EXPECT_EQ(files, 1U) << id << " once in " << folder_dir;
    return out;
}

class ServerFlags : public ::testing::TestWithParam<std::string> {
protected:
    const DovecotInfo& server() { return engine_server(GetParam()); }
};

TEST_P(ServerFlags, ARestoredMessageKeepsTheUsersFlagsOnBothSides) {
    Scenario s("srvflags", "", server());
    s.server_create("INBOX");
    s.server_append("INBOX", "r1", "\\Seen");
    s.server_append("INBOX", "r2");  // the folder never looks emptied (the safety rail would hold r1's deletion)
    ASSERT_EQ(s.sync().exit_code, 0);
    // The user flags it and gives it a keyword (letter a); meanwhile it is deleted on the server.
    const auto dir = s.local_dir("INBOX");
    ASSERT_FALSE(std::filesystem::exists(dir / "dovecot-keywords")) << "letter a is taken";
    std::ofstream(dir / "dovecot-keywords") << "0 $label1\n";
    s.local_rename_flags("INBOX", "r1", "FSa");
    s.server_expunge("INBOX", "r1");

    auto restored = s.sync();
    ASSERT_EQ(restored.exit_code, 0) << restored.output;
    const auto after = server_side(server(), s.folder("INBOX"), "r1");
    ASSERT_TRUE(after.flags.has_value()) << "not restored on the server: " << restored.output;
    const Names expected = kept_by(after.permanent, k_users_flags);
    EXPECT_EQ(*after.flags, expected);
    EXPECT_EQ(local_flags(dir, "r1"), k_users_flags);

    for (int run = 3; run <= 4; ++run) {
        auto again = s.sync();
        ASSERT_EQ(again.exit_code, 0) << again.output;
        EXPECT_EQ(server_side(server(), s.folder("INBOX"), "r1").flags, expected) << "run " << run;
        EXPECT_EQ(local_flags(dir, "r1"), k_users_flags) << "run " << run;
    }
    // And nothing left to do: no flag is sent again on every run.
    auto plan = s.sync("--dry-run -v");
    ASSERT_EQ(plan.exit_code, 0) << plan.output;
    EXPECT_EQ(plan.output.find("set-flags "), std::string::npos) << plan.output;
    EXPECT_EQ(plan.output.find("record uid"), std::string::npos) << plan.output;
}

// "mailutils" joins this list once its fixture is merged (engine_server("mailutils")).
INSTANTIATE_TEST_SUITE_P(Servers, ServerFlags, ::testing::Values("noflags", "dovecot", "cyrus", "courier", "mailutils"),
                         [](const auto& param_info) { return std::string(param_info.param); });

}  // namespace
}  // namespace mailtwin::test
