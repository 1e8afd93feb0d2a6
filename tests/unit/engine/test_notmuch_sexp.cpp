// notmuch show --format=sexp --body=false, as notmuch 0.37 prints it: messages inside nested thread
// lists, files as a list (a single string in old format versions), strings with \" and \\ escaped.
#include "mailtwin/notmuch/notmuch_sexp.hpp"

#include <gtest/gtest.h>

#include <map>

namespace mailtwin::engine {
namespace {

TEST(NotmuchSexp, ReadsIdsFilesAndTagsOfNestedMessages) {
    // threads ( thread ( node ( message replies ( node ( message () ) ) ) ) thread ( node ( message () ) ) )
    const std::string text = R"sexp(((((:id "m1@x" :match t :excluded nil :filename ("/m/A/cur/1:2,Sa")sexp"
                             R"sexp( "/m/B/cur/2:2,b") :timestamp 1704067200 :tags ("inbox" "Work") :headers)sexp"
                             R"sexp( (:Subject "s (1)" :From "a@b")) (((:id "re\"ply\\@x" :match t :filename)sexp"
                             R"sexp( "/m/A/new/3" :tags () :headers (:Subject ")")) ())))) (((:id "m2@x" :filename)sexp"
                             R"sexp( ("/m/A/cur/4") :tags ("a b") :crypto () :duplicate 1) ()))))sexp";
    auto messages = parse_notmuch_show(text);
    ASSERT_TRUE(messages) << messages.error().describe();
    ASSERT_EQ(messages->size(), 3u);
    std::map<std::string, NotmuchMessage> by_id;
    for (auto& m : *messages) by_id[m.id] = m;
    EXPECT_EQ(by_id["m1@x"].files, (std::vector<std::string>{"/m/A/cur/1:2,Sa", "/m/B/cur/2:2,b"}));
    EXPECT_EQ(by_id["m1@x"].tags, (std::vector<std::string>{"inbox", "Work"}));
    EXPECT_EQ(by_id["re\"ply\\@x"].files, std::vector<std::string>{"/m/A/new/3"});
    EXPECT_TRUE(by_id["re\"ply\\@x"].tags.empty());
    EXPECT_EQ(by_id["m2@x"].tags, std::vector<std::string>{"a b"});
}

TEST(NotmuchSexp, EmptyOutputIsNoMessageAndBrokenOutputAnError) {
    auto none = parse_notmuch_show("()\n");
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
    EXPECT_FALSE(parse_notmuch_show("((((:id \"m1@x\" :tags (\"a\")"));
    EXPECT_FALSE(parse_notmuch_show("((:id \"unterminated))"));
    EXPECT_FALSE(parse_notmuch_show(")"));
}

}  // namespace
}  // namespace mailtwin::engine
