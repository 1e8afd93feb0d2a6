// What the planner is told the server keeps, from SELECT's PERMANENTFLAGS (run/views.hpp).
#include <gtest/gtest.h>

#include "mailtwin/store/imap_store.hpp"

namespace mailtwin::store {
namespace {

std::optional<imap::FlagList> permanent(const std::string& list) {
    imap::ResponseCode code;
    code.kind = imap::CodeKind::permanentflags;
    code.name = "PERMANENTFLAGS";
    code.args = list;
    return code.permanent_flags();
}

model::FlagSet flags(const std::string& imap_names) {
    model::FlagSet out;
    std::size_t at = 0;
    while (at < imap_names.size()) {
        const auto end = std::min(imap_names.find(' ', at), imap_names.size());
        out.add_imap(imap_names.substr(at, end - at));
        at = end + 1;
    }
    return out;
}

TEST(StorableFlagsFromSelect, NoPermanentFlagsMeansEveryFlag) {
    EXPECT_EQ(storable_flags(std::nullopt), model::StorableFlags::all());
}

TEST(StorableFlagsFromSelect, ADovecotFolderWithoutTheWriteRight) {
    const auto s = storable_flags(permanent("(\\Deleted \\Seen)"));
    EXPECT_EQ(s.kept(flags("\\Flagged \\Seen \\Deleted $Forwarded $label1")), flags("\\Seen \\Deleted"));
}

TEST(StorableFlagsFromSelect, StarKeepsEveryKeywordIncludingForwarded) {
    const auto s = storable_flags(permanent("(\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)"));
    EXPECT_TRUE(s.keeps_all());
    EXPECT_EQ(s.not_kept(flags("\\Flagged $Forwarded $label1")), model::FlagSet{});
}

TEST(StorableFlagsFromSelect, KeywordsListedByNameAreKeptWithoutStar) {
    // A server out of room for new keywords lists the ones it has (Dovecot's Maildir: 26 per folder).
    const auto s = storable_flags(permanent("(\\Seen \\Flagged $Forwarded Work)"));
    EXPECT_EQ(s.kept(flags("\\Seen \\Flagged \\Answered $Forwarded work $label1")),
              flags("\\Seen \\Flagged $Forwarded work"));
}

}  // namespace
}  // namespace mailtwin::store
