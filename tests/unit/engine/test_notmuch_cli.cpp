// What mailtwin writes for notmuch: %NN-escaped tags in batch lines, id terms in Xapian's quoting;
// and the message when notmuch is missing (PATH without it).
#include "mailtwin/notmuch/notmuch_cli.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <vector>

namespace mailtwin::engine {
namespace {

TEST(NotmuchCli, HexEncodingRoundTrips) {
    EXPECT_EQ(notmuch_hex_encode("Work"), "Work");
    EXPECT_EQ(notmuch_hex_encode("$Label1 a%b,c"), "%24Label1%20a%25b%2cc");
    for (const std::string& text :
         std::vector<std::string>{"", "plain", "a b", "%%", "caf\xc3\xa9", std::string("nul\0byte", 8)})
        EXPECT_EQ(notmuch_hex_decode(notmuch_hex_encode(text)), text);
    EXPECT_FALSE(notmuch_hex_decode("bad%2"));
    EXPECT_FALSE(notmuch_hex_decode("bad%zz"));
}

TEST(NotmuchCli, BatchLinesQuoteTheId) {
    EXPECT_EQ(notmuch_term("id", "a\"b@x"), "id:\"a\"\"b@x\"");
    EXPECT_EQ(notmuch_batch_line({"Work", "$Junk"}, {"Old"}, "m1@x"), "+Work +%24Junk -Old -- id:\"m1@x\"\n");
    EXPECT_EQ(notmuch_batch_line({}, {}, "m1@x"), "");
}

TEST(NotmuchCli, MissingNotmuchSaysHowToInstallIt) {
    const char* old = ::getenv("PATH");
    const std::string saved = old ? old : "";
    ::setenv("PATH", "/nonexistent", 1);
    auto r = NotmuchCli{}.index();
    ::setenv("PATH", saved.c_str(), 1);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("notmuch is not installed"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("apt install notmuch"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace mailtwin::engine
