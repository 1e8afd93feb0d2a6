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
    EXPECT_EQ(parse_layout_kind("dotted"), LayoutKind::dotted);
    EXPECT_FALSE(parse_layout_kind("Maildir++"));
    EXPECT_EQ(layout_kind_name(LayoutKind::maildir_plus_plus), "maildir++");
    EXPECT_EQ(layout_kind_name(LayoutKind::dotted), "dotted");
}

TEST(Layout, VerbatimBothWays) {
    const Layout layout(k_root, LayoutKind::verbatim);
    for (const auto& c :
         {Case{"INBOX", '/', "INBOX"}, Case{"Lists/dev", '/', "Lists/dev"}, Case{"Lists.dev", '.', "Lists/dev"},
          Case{"a/b/c/d", '/', "a/b/c/d"}, Case{"Entwürfe/日本語", '/', "Entwürfe/日本語"},
          Case{"INBOX/sub", '/', "INBOX/sub"}, Case{"v1.2", '/', "v1.2"}, Case{"a/b", '.', "a\\057b"},
          Case{"back\\slash", '/', "back\\134slash"}, Case{"flat name", k_no_delimiter, "flat name"},
          Case{"tmp", '/', "tmp"}})
        expect_both_ways(layout, c);
}

TEST(Layout, MaildirPlusPlusBothWays) {
    const Layout layout(k_root, LayoutKind::maildir_plus_plus);
    for (const auto& c :
         {Case{"INBOX", '/', ""}, Case{"Lists/dev", '/', ".Lists.dev"}, Case{"Lists.dev", '.', ".Lists.dev"},
          Case{"INBOX/sub", '/', ".INBOX.sub"}, Case{"v1.2/x", '/', ".v1\\0562.x"}, Case{"Entwürfe", '/', ".Entwürfe"},
          Case{"a/b", '.', ".a\\057b"}, Case{"..dots..", '/', ".\\056\\056dots\\056\\056"}})
        expect_both_ways(layout, c);
}

// The tree offlineimap writes with its default `sep = .` (and mbsync with `Flatten .`): levels joined
// by '.', no leading dot, INBOX a folder of its own beside the others.
TEST(Layout, DottedBothWays) {
    const Layout layout(k_root, LayoutKind::dotted);
    for (const auto& c :
         {Case{"INBOX", '/', "INBOX"}, Case{"Lists/dev", '/', "Lists.dev"}, Case{"Archive/2024", '/', "Archive.2024"},
          Case{"Sent", '/', "Sent"}, Case{"a/b/c/d", '/', "a.b.c.d"}, Case{"INBOX/sub", '/', "INBOX.sub"},
          Case{"Lists.dev", '.', "Lists.dev"}, Case{"Entwürfe/日本語", '/', "Entwürfe.日本語"},
          Case{"a/b", '.', "a\\057b"}, Case{"back\\slash", '/', "back\\134slash"}, Case{"Lists/cur", '/', "Lists.cur"},
          Case{"flat name", k_no_delimiter, "flat name"}})
        expect_both_ways(layout, c);
}

// A folder the user makes by hand, as offlineimap's users do, is the server folder of those levels.
TEST(Layout, DottedLocalFolderMadeByHandIsNested) {
    const Layout layout(k_root, LayoutKind::dotted);
    EXPECT_EQ(*layout.remote_name(k_root / "Lists.new", '/'), "Lists/new");
    EXPECT_EQ(*layout.remote_name("Projects.2025.Q1", '/'), "Projects/2025/Q1");
    EXPECT_EQ(*layout.remote_name(k_root / "INBOX.sub", '/'), "INBOX/sub");
    EXPECT_EQ(*layout.remote_name(k_root / "Lists.new", '.'), "Lists.new");  // a server with '.' between levels
}

// A '.' inside a level has no dotted spelling of its own: the server folder "v1.2" would share the
// directory v1.2 with "v1/2". It is refused, never escaped, and taken_path() names that directory.
TEST(Layout, DottedRefusesADotInALevelAndNamesTheDirectoryItWouldTake) {
    const Layout layout(k_root, LayoutKind::dotted);
    for (auto [name, taken] :
         {std::pair{"v1.2", "v1.2"}, std::pair{"Lists/a.b", "Lists.a.b"}, std::pair{"INBOX/x.y", "INBOX.x.y"},
          std::pair{".hidden", ".hidden"}, std::pair{"trailing.", "trailing."}}) {
        auto p = layout.local_path(name, '/');
        ASSERT_FALSE(p) << name;
        EXPECT_EQ(p.error().code, Errc::unsafe_folder_name);
        EXPECT_NE(p.error().message.find("sync.folders"), std::string::npos) << p.error().message;
        EXPECT_NE(p.error().message.find("layout = \"verbatim\""), std::string::npos) << p.error().message;
        EXPECT_EQ(layout.taken_path(name, '/'), k_root / taken) << name;
    }
    EXPECT_NE(layout.local_path("v1.2", '/').error().message.find("read back as the folder 'v1/2'"), std::string::npos);
    // The directory "v1.2" is the folder "v1/2", which has its own spelling: the two collide there.
    EXPECT_EQ(*layout.local_path("v1/2", '/'), *layout.taken_path("v1.2", '/'));
    // A flat namespace has no levels at all.
    EXPECT_FALSE(layout.local_path("a.b", k_no_delimiter));
    EXPECT_EQ(layout.taken_path("a.b", k_no_delimiter), k_root / "a.b");
    EXPECT_EQ(layout.remote_name(k_root / "a.b", k_no_delimiter).error().code, Errc::unmappable_folder_name);
}

TEST(Layout, TakenPathIsOnlyForTheDottedAmbiguity) {
    const Layout dotted(k_root, LayoutKind::dotted);
    EXPECT_FALSE(dotted.taken_path("Lists/dev", '/')) << "a name with a spelling takes nothing";
    EXPECT_FALSE(dotted.taken_path("../x.y", '/')) << "refused for traversal, not for its '.'";
    EXPECT_FALSE(dotted.taken_path("bad\xff.x", '/'));
    for (auto kind : {LayoutKind::verbatim, LayoutKind::maildir_plus_plus})
        EXPECT_FALSE(Layout(k_root, kind).taken_path("v1.2", '/')) << layout_kind_name(kind);
}

// INBOX spelled in any case is one folder (IMAP), so "inbox/x" and "INBOX/x" take one directory;
// the engine refuses such pairs (folders/folder_collisions.hpp). Only "INBOX" maps back.
TEST(Layout, DottedInboxSpellingsShareADirectory) {
    const Layout layout(k_root, LayoutKind::dotted);
    EXPECT_EQ(*layout.local_path("inbox", '/'), k_root / "INBOX");
    EXPECT_EQ(*layout.local_path("Inbox/x", '/'), *layout.local_path("INBOX/x", '/'));
    EXPECT_EQ(layout.remote_name(k_root / "Inbox", '/').error().code, Errc::unmappable_folder_name);
    EXPECT_EQ(layout.remote_name(k_root / "inbox.x", '/').error().code, Errc::unmappable_folder_name);
}

TEST(Layout, DottedLocalNamesWithoutARemoteSpelling) {
    const Layout layout(k_root, LayoutKind::dotted);
    for (auto bad : {".Lists.dev", "a..b", "trailing.", "Lists/dev", "x\\056y"}) {
        auto name = layout.remote_name(k_root / bad, '/');
        ASSERT_FALSE(name) << bad << " -> " << *name;
        EXPECT_EQ(name.error().code, Errc::unmappable_folder_name) << bad;
    }
    EXPECT_EQ(layout.remote_name(k_root, '/').error().code, Errc::unmappable_folder_name) << "the root is no folder";
    EXPECT_EQ(layout.remote_name(k_root / "a\\057b", '/').error().code, Errc::unmappable_folder_name)
        << "a level holding the server's delimiter";
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
    for (auto kind : {LayoutKind::verbatim, LayoutKind::maildir_plus_plus, LayoutKind::dotted}) {
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
