#include "mailtwin/maildir/layout.hpp"

#include <gtest/gtest.h>

#include "mailtwin/maildir/error.hpp"

namespace mailtwin::maildir {
namespace {

const std::filesystem::path k_root = "/home/u/Mail";

struct Case {
    std::string_view remote;
    char delimiter;
    std::string_view local;  // relative to the root; "" is the root itself
};

void expect_both_ways(const Layout& layout, const Case& c) {
    auto local = layout.local_path(c.remote, c.delimiter);
    ASSERT_TRUE(local) << c.remote << ": " << local.error().describe();
    EXPECT_EQ(*local, c.local.empty() ? k_root : k_root / c.local) << c.remote;
    auto back = layout.remote_name(*local, c.delimiter);
    ASSERT_TRUE(back) << c.local << ": " << back.error().describe();
    EXPECT_EQ(*back, c.remote);
}

TEST(Layout, ParsesConfigSpelling) {
    EXPECT_EQ(parse_layout_kind("verbatim"), LayoutKind::verbatim);
    EXPECT_EQ(parse_layout_kind("maildir++"), LayoutKind::maildir_plus_plus);
    EXPECT_FALSE(parse_layout_kind("Maildir++"));
    EXPECT_EQ(layout_kind_name(LayoutKind::maildir_plus_plus), "maildir++");
}

TEST(Layout, VerbatimBothWays) {
    const Layout layout(k_root, LayoutKind::verbatim);
    for (const auto& c : {Case{"INBOX", '/', "INBOX"}, Case{"Lists/dev", '/', "Lists/dev"},
                          Case{"Lists.dev", '.', "Lists/dev"}, Case{"a/b/c/d", '/', "a/b/c/d"},
                          Case{"Entwürfe/日本語", '/', "Entwürfe/日本語"}, Case{"INBOX/sub", '/', "INBOX/sub"},
                          Case{"v1.2", '/', "v1.2"}, Case{"a/b", '.', "a\\057b"}, Case{"back\\slash", '/', "back\\134slash"},
                          Case{"flat name", k_no_delimiter, "flat name"}, Case{"tmp", '/', "tmp"}})
        expect_both_ways(layout, c);
}

TEST(Layout, MaildirPlusPlusBothWays) {
    const Layout layout(k_root, LayoutKind::maildir_plus_plus);
    for (const auto& c : {Case{"INBOX", '/', ""}, Case{"Lists/dev", '/', ".Lists.dev"},
                          Case{"Lists.dev", '.', ".Lists.dev"}, Case{"INBOX/sub", '/', ".INBOX.sub"},
                          Case{"v1.2/x", '/', ".v1\\0562.x"}, Case{"Entwürfe", '/', ".Entwürfe"},
                          Case{"a/b", '.', ".a\\057b"}, Case{"..dots..", '/', ".\\056\\056dots\\056\\056"}})
        expect_both_ways(layout, c);
}

TEST(Layout, InboxIsCaseInsensitiveOnTheWayIn) {
    const Layout verbatim(k_root, LayoutKind::verbatim);
    EXPECT_EQ(*verbatim.local_path("inbox", '/'), k_root / "INBOX");
    EXPECT_EQ(*verbatim.local_path("Inbox/x", '/'), k_root / "INBOX/x");
    const Layout mpp(k_root, LayoutKind::maildir_plus_plus);
    EXPECT_EQ(*mpp.local_path("iNbOx", '/'), k_root);
    // Only the spelling written on the way in maps back.
    EXPECT_EQ(verbatim.remote_name(k_root / "inbox", '/').error().code, Errc::unmappable_folder_name);
    EXPECT_EQ(mpp.remote_name(k_root / ".INBOX", '/').error().code, Errc::unmappable_folder_name);
}

TEST(Layout, TraversalAndBadNamesAreRejected) {
    for (auto kind : {LayoutKind::verbatim, LayoutKind::maildir_plus_plus}) {
        const Layout layout(k_root, kind);
        for (std::string_view bad :
             {std::string_view(""), std::string_view(".."), std::string_view("../etc"), std::string_view("a/../../x"),
              std::string_view("a/./b"), std::string_view("/abs"), std::string_view("a//b"), std::string_view("a/"),
              std::string_view("nul\0x", 5), std::string_view("tab\tx"), std::string_view("del\x7f"),
              std::string_view("new\nline"), std::string_view("bad\xff utf8"), std::string_view("over\xc0\xaflong"),
              std::string_view("surrogate\xed\xa0\x80")}) {
            auto p = layout.local_path(bad, '/');
            ASSERT_FALSE(p) << layout_kind_name(kind) << " accepted '" << bad << "'";
            EXPECT_EQ(p.error().code, Errc::unsafe_folder_name);
            EXPECT_NE(p.error().message.find("sync.folders"), std::string::npos);
        }
    }
}

TEST(Layout, DotDotWithDotDelimiterIsRejected) {
    const Layout layout(k_root, LayoutKind::verbatim);
    EXPECT_FALSE(layout.local_path("a..b", '.'));  // an empty level
    EXPECT_FALSE(layout.local_path("..", k_no_delimiter));
    EXPECT_FALSE(layout.local_path(std::string(256, 'x'), '/'));
    EXPECT_TRUE(layout.local_path(std::string(255, 'x'), '/'));
}

TEST(Layout, VerbatimRejectsNestedMaildirSubdirNames) {
    const Layout layout(k_root, LayoutKind::verbatim);
    for (auto bad : {"Lists/cur", "a/new", "a/b/tmp"}) {
        auto p = layout.local_path(bad, '/');
        ASSERT_FALSE(p) << bad;
        EXPECT_EQ(p.error().code, Errc::unsafe_folder_name);
    }
}

TEST(Layout, LocalNamesWithoutARemoteSpelling) {
    const Layout verbatim(k_root, LayoutKind::verbatim);
    EXPECT_EQ(verbatim.remote_name(k_root / "a.b", '.').error().code, Errc::unmappable_folder_name);
    EXPECT_EQ(verbatim.remote_name(k_root / "x\\y", '/').error().code, Errc::unmappable_folder_name);
    EXPECT_EQ(verbatim.remote_name(k_root / "a/b", k_no_delimiter).error().code, Errc::unmappable_folder_name);
    EXPECT_EQ(verbatim.remote_name(k_root, '/').error().code, Errc::unmappable_folder_name);
    EXPECT_EQ(verbatim.remote_name("/elsewhere/x", '/').error().code, Errc::unmappable_folder_name);
    const Layout mpp(k_root, LayoutKind::maildir_plus_plus);
    EXPECT_EQ(mpp.remote_name(k_root / "noDot", '/').error().code, Errc::unmappable_folder_name);
    EXPECT_EQ(mpp.remote_name(k_root / ".a..b", '/').error().code, Errc::unmappable_folder_name);
    EXPECT_EQ(mpp.remote_name(k_root / ".a/b", '/').error().code, Errc::unmappable_folder_name);
}

TEST(Layout, RelativeLocalPathsAreRelativeToTheRoot) {
    const Layout layout(k_root, LayoutKind::verbatim);
    auto name = layout.remote_name("Lists/dev", '/');
    ASSERT_TRUE(name);
    EXPECT_EQ(*name, "Lists/dev");
    const Layout mpp(k_root, LayoutKind::maildir_plus_plus);
    EXPECT_EQ(*mpp.remote_name(".", '/'), "INBOX");
}

}  // namespace
}  // namespace mailtwin::maildir
