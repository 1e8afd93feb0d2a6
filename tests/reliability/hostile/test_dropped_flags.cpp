// Issue 20 item 3: flags the server did not store are not a user's change. A server may store an
// APPEND without its flags (GNU Mailutils), or have no room for keywords (PERMANENTFLAGS without
// "\*"). A message deleted on the server and restored from the Maildir with \Flagged \Seen and a
// keyword must keep them: on the server those it can keep, in the Maildir all of them, run after
// run, and an unchanged folder must cost no STORE and no APPEND. The fake server plays each quirk
// through the real binary; tests/integration/engine/test_server_flags.cpp does it on real servers.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "mailtwin/maildir/filename.hpp"
#include "support/fake_account.hpp"

namespace mailtwin::test {
namespace {

namespace fs = std::filesystem;
using Names = std::set<std::string>;

struct Quirk {
    const char* name;
    std::optional<std::string> permanent_flags;  // what SELECT announces (nullopt: nothing)
    bool append_keeps_flags;
    Names server_keeps;  // of \Flagged \Seen $label1: what the server can hold
};

const std::string k_all = "\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*";
const std::string k_no_keywords = "\\Answered \\Flagged \\Deleted \\Seen \\Draft";
const Names k_restored{"\\Flagged", "\\Seen", "$label1"};
const std::string k_m1 = "<m1@fake.test>";

const Quirk k_quirks[] = {
    {"AppendDropsFlags", k_all, false, k_restored},
    {"NoRoomForKeywords", k_no_keywords, true, {"\\Flagged", "\\Seen"}},
    {"AppendDropsFlagsNoKeywords", k_no_keywords, false, {"\\Flagged", "\\Seen"}},
    {"AppendDropsFlagsNoPermanentFlags", std::nullopt, false, k_restored},  // none sent: all (RFC 3501)
};

// Test names and failure messages show the quirk's name, not its bytes.
void PrintTo(const Quirk& q, std::ostream* os) { *os << q.name; }

Names words(const std::string& text) {
    std::istringstream in(text);
    Names out;
    for (std::string w; in >> w;) out.insert(w);
    return out;
}

class DroppedFlags : public ::testing::TestWithParam<Quirk> {
protected:
    DroppedFlags() : a(std::string("dropflags-") + GetParam().name) {
        a.fake.permanent_flags = GetParam().permanent_flags;
        a.fake.append_keeps_flags = GetParam().append_keeps_flags;
        auto& inbox = a.fake.folders[a.s.folder("INBOX")];
        inbox.add("m1", "restore me", "\\Seen");
        inbox.add("m2", "stays");  // the folder never looks emptied (the safety rail would hold m1's deletion)
    }
    ChildResult run() const { return a.sync_for(std::chrono::seconds(60)); }

    // The flags of m1 on the server, as IMAP names.
    Names server_flags() {
        std::lock_guard lock(a.fake.mutex());
        std::vector<Names> found;
        for (const auto& m : a.fake.folders[a.s.folder("INBOX")].messages)
            if (m.text.find(k_m1) != std::string::npos) found.push_back(words(m.flags));
        EXPECT_EQ(found.size(), 1U) << "m1 on the server";
        return found.empty() ? Names{} : found.front();
    }
    // The flags of m1 in the Maildir, its keyword letters named by dovecot-keywords.
    Names local_flags() const {
        const fs::path dir = a.s.local_dir("INBOX");
        std::map<char, std::string> keyword_of;
        std::ifstream keywords(dir / "dovecot-keywords");
        for (std::string index, name; keywords >> index >> name;)
            keyword_of[static_cast<char>('a' + std::stoi(index))] = name;
        std::vector<fs::path> files;
        for (const char* sub : {"cur", "new"})
            for (const auto& e : fs::directory_iterator(dir / sub)) {
                std::ifstream in(e.path(), std::ios::binary);
                const std::string text((std::istreambuf_iterator<char>(in)), {});
                if (text.find(k_m1) != std::string::npos) files.push_back(e.path());
            }
        EXPECT_EQ(files.size(), 1U) << "m1 in the Maildir";
        if (files.empty()) return {};
        auto name = maildir::parse_file_name(files.front().filename().string());
        EXPECT_TRUE(name.has_value());
        if (!name) return {};
        Names out = words(name->flags.flags.to_imap());
        for (char c : name->flags.other_letters) out.insert(keyword_of.count(c) ? keyword_of[c] : std::string(1, c));
        return out;
    }
    // What the client sent since `from` bytes of the record.
    std::string sent_since(std::size_t from) const { return a.fake.received().substr(from); }

    FakeAccountSetup a;
};

TEST_P(DroppedFlags, ARestoredMessageKeepsItsFlagsOnBothSidesRunAfterRun) {
    ASSERT_EQ(run().exit_code, 0);
    // The user flags the message and gives it a keyword; meanwhile it is deleted on the server.
    const fs::path dir = a.s.local_dir("INBOX");
    std::ofstream(dir / "dovecot-keywords") << "0 $label1\n";
    a.s.local_set_flags("INBOX", "m1", "FSa");
    {
        std::lock_guard lock(a.fake.mutex());
        auto& inbox = a.fake.folders[a.s.folder("INBOX")];
        std::erase_if(inbox.messages, [](const FakeMessage& m) { return m.text.find(k_m1) != std::string::npos; });
        ++inbox.highestmodseq;
    }
    auto restored = run();
    ASSERT_EQ(restored.exit_code, 0) << describe(restored);
    EXPECT_EQ(server_flags(), GetParam().server_keeps);
    EXPECT_EQ(local_flags(), k_restored);

    const std::size_t before = a.fake.received().size();
    for (int i = 0; i < 2; ++i) {
        auto again = run();
        ASSERT_EQ(again.exit_code, 0) << describe(again);
        EXPECT_EQ(server_flags(), GetParam().server_keeps) << "run " << i + 3;
        EXPECT_EQ(local_flags(), k_restored) << "run " << i + 3;
    }
    // Nothing asked of the server again: no flag it could not keep is sent on every run.
    const std::string later = sent_since(before);
    EXPECT_EQ(later.find("STORE"), std::string::npos) << later;
    EXPECT_EQ(later.find("APPEND"), std::string::npos) << later;
}

INSTANTIATE_TEST_SUITE_P(Quirks, DroppedFlags, ::testing::ValuesIn(k_quirks),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace mailtwin::test
