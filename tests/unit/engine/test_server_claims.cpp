// The rules for what a server may claim (net/server_claims.hpp) and for folder names that collide
// locally (folders/folder_collisions.hpp), without a server.
#include "mailtwin/net/server_claims.hpp"

#include <gtest/gtest.h>

#include "mailtwin/folders/folder_collisions.hpp"

namespace mailtwin::net {
namespace {

imap::Response fetch_with_uid(std::uint32_t seq, std::string uid_text) {
    imap::Response r;
    r.data = imap::DataKind::fetch;
    r.number = seq;
    imap::Value list;
    list.kind = imap::ValueKind::list;
    imap::Value name;
    name.text = "UID";
    imap::Value value;
    value.text = std::move(uid_text);
    list.items = {name, value};
    r.args = {list};
    return r;
}

TEST(ServerClaims, FetchUidsMustBeNonZero32BitNumbers) {
    EXPECT_FALSE(invalid_fetch_uid(fetch_with_uid(1, "1")));
    EXPECT_FALSE(invalid_fetch_uid(fetch_with_uid(1, "4294967295")));
    auto zero = invalid_fetch_uid(fetch_with_uid(3, "0"));
    ASSERT_TRUE(zero);
    EXPECT_NE(zero->find("UID 0 for message 3"), std::string::npos) << *zero;
    auto big = invalid_fetch_uid(fetch_with_uid(4, "4294967296"));
    ASSERT_TRUE(big);
    EXPECT_NE(big->find("UID 4294967296"), std::string::npos) << *big;
    EXPECT_TRUE(invalid_fetch_uid(fetch_with_uid(5, "x7")));
    imap::Response other;
    other.data = imap::DataKind::exists;
    EXPECT_FALSE(invalid_fetch_uid(other));
}

TEST(ServerClaims, SearchAnswersMustHoldValidUids) {
    imap::Response r;
    r.data = imap::DataKind::search;
    for (const char* n : {"1", "0", "3"}) {
        imap::Value v;
        v.text = n;
        r.args.push_back(v);
    }
    auto bad = invalid_search_answer(r);
    ASSERT_TRUE(bad);
    EXPECT_NE(bad->find("UID 0 in a SEARCH answer"), std::string::npos) << *bad;
    r.args[1].text = "2";
    EXPECT_FALSE(invalid_search_answer(r));
    imap::Response other;
    other.data = imap::DataKind::exists;
    EXPECT_FALSE(invalid_search_answer(other));
}

TEST(ServerClaims, TwoMessagesWithOneUidAreAFaultUnlessRenumbered) {
    UidUniqueness u;
    EXPECT_FALSE(u.saw(1, 10));
    EXPECT_FALSE(u.saw(2, 11));
    EXPECT_FALSE(u.saw(1, 10)) << "the same message again is an unsolicited update";
    auto twice = u.saw(3, 10);
    ASSERT_TRUE(twice);
    EXPECT_NE(twice->find("UID 10 for two messages"), std::string::npos) << *twice;
    UidUniqueness after_expunge;
    EXPECT_FALSE(after_expunge.saw(5, 20));
    after_expunge.expunged();
    EXPECT_FALSE(after_expunge.saw(4, 20)) << "an EXPUNGE renumbers the messages";
}

imap::AppendUid appenduid(model::UidValidity v, const char* set) {
    return imap::AppendUid{v, *imap::UidSet::parse(set)};
}

TEST(ServerClaims, AppendedUidsMustBeNewAndRising) {
    AppendExpectation e{1000, 8};
    EXPECT_FALSE(check_appended(e, appenduid(1000, "8")));
    EXPECT_EQ(e.first_new_uid, 9U);
    EXPECT_FALSE(check_appended(e, appenduid(1000, "12:14")));
    EXPECT_EQ(e.first_new_uid, 15U);
    AppendExpectation existing{1000, 8};
    auto old = check_appended(existing, appenduid(1000, "7"));
    ASSERT_TRUE(old);
    EXPECT_NE(old->find("UID 7 already exists"), std::string::npos) << *old;
    AppendExpectation repeated{1000, 8};
    EXPECT_FALSE(check_appended(repeated, appenduid(1000, "9")));
    EXPECT_TRUE(check_appended(repeated, appenduid(1000, "9"))) << "the same UID twice";
    AppendExpectation other_validity{1000, 8};
    auto v = check_appended(other_validity, appenduid(999, "20"));
    ASSERT_TRUE(v);
    EXPECT_NE(v->find("UIDVALIDITY is 1000"), std::string::npos) << *v;
    AppendExpectation unknown;  // nothing known: nothing to hold it against
    EXPECT_FALSE(check_appended(unknown, appenduid(5, "1")));
}

TEST(ServerClaims, BodiesMustBeTheAnnouncedSize) {
    EXPECT_FALSE(check_body_size(3, 120, 120));
    auto short_body = check_body_size(3, 100, 120);
    ASSERT_TRUE(short_body);
    EXPECT_NE(short_body->find("100 bytes for UID 3 whose RFC822.SIZE is 120 (truncated)"), std::string::npos)
        << *short_body;
    EXPECT_TRUE(check_body_size(3, 130, 120));
}

TEST(ServerClaims, TheFaultNamesTheServerTheFolderAndWhatItSent) {
    auto e = server_fault("127.0.0.1:1143", "INBOX", "UID 0 for message 3");
    EXPECT_NE(e.message.find("server 127.0.0.1:1143 sent UID 0 for message 3 in folder \"INBOX\""), std::string::npos)
        << e.message;
    EXPECT_NE(e.message.find("next run"), std::string::npos);
}

}  // namespace
}  // namespace mailtwin::net

namespace mailtwin::engine {
namespace {

TEST(FolderCollisions, NamesMappingToOneLocalFolderCollide) {
    const std::vector<MappedFolder> folders{{"INBOX/Sub", "/m/INBOX/Sub"}, {"inbox/Sub", "/m/INBOX/Sub"},
                                            {"INBOX", "/m/INBOX"},         {"Inbox", "/m/./INBOX"},
                                            {"Work", "/m/Work"},           {"work", "/m/work"}};
    auto c = colliding_folders(folders);
    EXPECT_EQ(c.size(), 4U);
    EXPECT_EQ(c["INBOX/Sub"], (std::vector<std::string>{"inbox/Sub"}));
    EXPECT_EQ(c["inbox/Sub"], (std::vector<std::string>{"INBOX/Sub"}));
    EXPECT_EQ(c["Inbox"], (std::vector<std::string>{"INBOX"}));
    EXPECT_FALSE(c.count("Work")) << "a case-sensitive file system holds both";
    const auto text = describe_collision("inbox/Sub", c["inbox/Sub"], "/m/INBOX/Sub");
    EXPECT_NE(text.find("\"inbox/Sub\" and \"INBOX/Sub\" both map to the local folder /m/INBOX/Sub"), std::string::npos)
        << text;
    EXPECT_NE(text.find("sync.folders"), std::string::npos);
}

TEST(FolderCollisions, OneNameListedTwiceIsNoCollision) {
    EXPECT_TRUE(colliding_folders({{"A", "/m/A"}, {"A", "/m/A"}}).empty());
}

}  // namespace
}  // namespace mailtwin::engine
