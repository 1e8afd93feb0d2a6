#include "mailtwin/folders/folder_map.hpp"

#include <gtest/gtest.h>

#include "mailtwin/imap/response.hpp"
#include "mailtwin/report/status_format.hpp"

namespace mailtwin::engine {
namespace {

net::FolderInfo remote(const std::string& name, std::uint32_t attributes = 0, bool selectable = true) {
    net::FolderInfo f;
    f.name = name;
    f.wire_name = name;
    f.delimiter = '/';
    f.attributes = attributes;
    f.selectable = selectable;
    return f;
}

std::uint32_t attr(imap::MailboxAttr a) { return static_cast<std::uint32_t>(a); }

config::Account account(config::Layout layout, std::vector<std::string> globs) {
    config::Account a;
    a.name = "me";
    a.maildir = "/m";
    a.layout = layout;
    a.sync.folders = std::move(globs);
    return a;
}

TEST(FolderMap, MapsRemoteNamesAndAppliesTheGlobs) {
    auto a = account(config::Layout::verbatim, {"*", "!Spam", "![Gmail]/All Mail"});
    maildir::FolderListing local;
    local.folders.push_back({"Notes", "/m/Notes"});
    auto map = map_folders(a,
                           {remote("INBOX"), remote("Spam", attr(imap::MailboxAttr::junk)),
                            remote("[Gmail]", attr(imap::MailboxAttr::noselect), false),
                            remote("[Gmail]/All Mail", attr(imap::MailboxAttr::all)),
                            remote("[Gmail]/Sent Mail", attr(imap::MailboxAttr::sent))},
                           local, '/');
    ASSERT_EQ(map.folders.size(), 6u);
    auto find = [&](const std::string& name) -> const FolderEntry& {
        for (const auto& f : map.folders)
            if (f.name == name) return f;
        throw std::runtime_error("no " + name);
    };
    EXPECT_TRUE(find("INBOX").included);
    EXPECT_EQ(find("INBOX").local_path, "/m/INBOX");
    EXPECT_FALSE(find("Spam").included);
    EXPECT_FALSE(find("[Gmail]").included);  // a hierarchy node, never synced
    EXPECT_FALSE(find("[Gmail]/All Mail").included);
    EXPECT_TRUE(find("[Gmail]/Sent Mail").included);
    EXPECT_EQ(find("[Gmail]/Sent Mail").local_path, "/m/[Gmail]/Sent Mail");
    EXPECT_TRUE(find("Notes").local);
    EXPECT_FALSE(find("Notes").remote);
}

TEST(FolderMap, MaildirPlusPlusPutsInboxAtTheRoot) {
    auto map =
        map_folders(account(config::Layout::maildir_plus_plus, {"*"}), {remote("INBOX"), remote("Lists/dev")}, {}, '/');
    ASSERT_EQ(map.folders.size(), 2u);
    EXPECT_EQ(map.folders[0].local_path, "/m");
    EXPECT_EQ(map.folders[1].local_path, "/m/.Lists.dev");
}

TEST(FolderMap, DottedIsOfflineimapsTree) {
    auto map = map_folders(account(config::Layout::dotted, {"*"}),
                           {remote("INBOX"), remote("Lists/dev"), remote("INBOX/sub")}, {}, '/');
    ASSERT_EQ(map.folders.size(), 3u);
    EXPECT_EQ(map.folders[0].local_path, "/m/INBOX");
    EXPECT_EQ(map.folders[1].local_path, "/m/INBOX.sub");
    EXPECT_EQ(map.folders[2].local_path, "/m/Lists.dev");
}

// The server folder "v1.2" has no dotted spelling; the directory offlineimap keeps it in, v1.2,
// reads as the folder "v1/2". Neither is included: its mail may be either folder's.
TEST(FolderMap, DottedNameWithADotAndTheDirectoryItWouldTakeAreNotIncluded) {
    maildir::FolderListing local;
    local.folders.push_back({"v1/2", "/m/v1.2"});
    auto map = map_folders(account(config::Layout::dotted, {"*"}), {remote("v1.2"), remote("Sent")}, local, '/');
    ASSERT_EQ(map.folders.size(), 3u);
    EXPECT_EQ(map.folders[0].name, "Sent");
    EXPECT_TRUE(map.folders[0].included);
    EXPECT_EQ(map.folders[1].name, "v1.2");
    EXPECT_FALSE(map.folders[1].included);
    EXPECT_NE(map.folders[1].unmappable.find("read back as the folder 'v1/2'"), std::string::npos)
        << map.folders[1].unmappable;
    EXPECT_EQ(map.folders[2].name, "v1/2");
    EXPECT_FALSE(map.folders[2].included);
    EXPECT_NE(map.folders[2].unmappable.find("server folder \"v1.2\""), std::string::npos) << map.folders[2].unmappable;
}

TEST(FolderMap, UnsafeNamesHaveNoLocalPathAndAreNotIncluded) {
    auto map = map_folders(account(config::Layout::verbatim, {"*"}), {remote("a/../b")}, {}, '/');
    ASSERT_EQ(map.folders.size(), 1u);
    EXPECT_TRUE(map.folders[0].local_path.empty());
    EXPECT_FALSE(map.folders[0].unmappable.empty());
    EXPECT_FALSE(map.folders[0].included);
}

TEST(FolderMap, SpecialUseNames) {
    EXPECT_EQ(special_use_names(0), "");
    EXPECT_EQ(special_use_names(attr(imap::MailboxAttr::sent) | attr(imap::MailboxAttr::haschildren)), "\\Sent");
    EXPECT_EQ(special_use_names(attr(imap::MailboxAttr::trash) | attr(imap::MailboxAttr::all)), "\\All \\Trash");
}

TEST(FolderMap, RenderedAsAChecklist) {
    auto a = account(config::Layout::verbatim, {"*", "!Trash"});
    maildir::FolderListing local;
    local.folders.push_back({"INBOX", "/m/INBOX"});
    local.folders.push_back({"Notes", "/m/Notes"});
    auto map = map_folders(a, {remote("INBOX"), remote("Trash", attr(imap::MailboxAttr::trash))}, local, '/');
    EXPECT_EQ(render_folder_map(map),
              "     REMOTE  LOCAL PATH  SPECIAL-USE  WHERE\n"
              "[x]  INBOX   /m/INBOX    -            both\n"
              "[x]  Notes   /m/Notes    -            local only\n"
              "[ ]  Trash   /m/Trash    \\Trash       server only\n"
              "3 folders, 2 included by the folders setting; hierarchy delimiter \"/\"\n");
}

}  // namespace
}  // namespace mailtwin::engine
