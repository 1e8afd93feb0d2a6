#include "mailtwin/maildir/folder.hpp"

#include <gtest/gtest.h>

#include "fixtures/temp_dir.hpp"
#include "maildir_test_support.hpp"
#include "mailtwin/maildir/delivery.hpp"
#include "mailtwin/maildir/error.hpp"
#include "mailtwin/maildir/scan.hpp"

namespace mailtwin::maildir {
namespace {

using namespace test_support;
using model::Flag;

class Folder : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(create_folder(m_a)); }
    test::TempDir m_dir;
    std::filesystem::path m_a = m_dir / "a";
};

TEST_F(Folder, CreateMakesParentsAndSubdirsAndIsIdempotent) {
    const auto deep = m_dir / "x" / "y" / "z";
    ASSERT_TRUE(create_folder(deep));
    for (auto sub : {"tmp", "new", "cur"}) EXPECT_TRUE(std::filesystem::is_directory(deep / sub)) << sub;
    EXPECT_TRUE(is_maildir(deep));
    EXPECT_FALSE(is_maildir(m_dir / "x"));
    EXPECT_TRUE(create_folder(deep));  // again: nothing to do, no error
}

TEST_F(Folder, CreateRefusesAFileInThePlace) {
    write_file(m_dir / "file", "x");
    auto r = create_folder(m_dir / "file");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("file"), std::string::npos);
}

TEST_F(Folder, SetFlagsMovesNewToCur) {
    auto d = deliver(m_a, "m", {});
    ASSERT_TRUE(d);
    auto flags = MaildirFlags::from_letters("S");
    auto ref = set_flags(m_a, d->key, flags, d->file_name);
    ASSERT_TRUE(ref) << ref.error().describe();
    EXPECT_EQ(ref->location, Location::cur_dir);
    EXPECT_EQ(ref->file_name, d->key + ":2,S");
    EXPECT_TRUE(std::filesystem::exists(ref->path));
    EXPECT_TRUE(names_in(m_a / "new").empty());

    auto again = set_flags(m_a, d->key, MaildirFlags::from_letters("FSb"), ref->file_name);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->file_name, d->key + ":2,FSb");
    EXPECT_EQ(names_in(m_a / "cur"), std::vector<std::string>{again->file_name});
}

TEST_F(Folder, SetNoFlagsOnANewMessageLeavesItInNew) {
    auto d = deliver(m_a, "m", {});
    ASSERT_TRUE(d);
    auto ref = set_flags(m_a, d->key, MaildirFlags{});
    ASSERT_TRUE(ref);
    EXPECT_EQ(ref->location, Location::new_dir);
    EXPECT_EQ(ref->file_name, d->file_name);
}

TEST_F(Folder, StaleHintAfterAReaderRenameStillFindsTheMessage) {
    auto d = deliver(m_a, "m", {});
    ASSERT_TRUE(d);
    // The "MUA" marks it seen and moves it, behind our back.
    std::filesystem::rename(d->path, m_a / "cur" / (d->key + ":2,S"));
    auto found = find_message(m_a, d->key, d->file_name);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->file_name, d->key + ":2,S");
    auto ref = set_flags(m_a, d->key, MaildirFlags::from_letters("RS"), d->file_name);
    ASSERT_TRUE(ref);
    EXPECT_EQ(ref->file_name, d->key + ":2,RS");
}

TEST_F(Folder, SetFlagsKeepsTheBangSeparator) {
    write_file(m_a / "cur" / "k.M1P1Q1.h!2,S", "m");
    auto ref = set_flags(m_a, "k.M1P1Q1.h", MaildirFlags::from_letters("FS"));
    ASSERT_TRUE(ref);
    EXPECT_EQ(ref->file_name, "k.M1P1Q1.h!2,FS");
}

TEST_F(Folder, FindUnknownKeyIsNotFound) {
    auto r = find_message(m_a, "nothing");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::message_not_found);
    EXPECT_NE(r.error().message.find(m_a.string()), std::string::npos);
    EXPECT_FALSE(set_flags(m_a, "nothing", MaildirFlags::from_letters("S")));
}

TEST_F(Folder, RemoveIsIdempotentAndFollowsRenames) {
    auto d = deliver(m_a, "m", {});
    ASSERT_TRUE(d);
    std::filesystem::rename(d->path, m_a / "cur" / (d->key + ":2,T"));
    auto removed = remove_message(m_a, d->key, d->file_name);
    ASSERT_TRUE(removed);
    EXPECT_TRUE(*removed);
    EXPECT_TRUE(names_in(m_a / "cur").empty());
    auto again = remove_message(m_a, d->key);
    ASSERT_TRUE(again);
    EXPECT_FALSE(*again);
}

TEST_F(Folder, MoveKeepsKeyNameAndSubdirectory) {
    const auto b = m_dir / "b";
    ASSERT_TRUE(create_folder(b));
    auto d = deliver(m_a, "moved body", {.flags = MaildirFlags::from_letters("S")});
    ASSERT_TRUE(d);
    auto ref = move_message(m_a, b, d->key, d->file_name);
    ASSERT_TRUE(ref) << ref.error().describe();
    EXPECT_EQ(ref->file_name, d->file_name);
    EXPECT_EQ(ref->location, Location::cur_dir);
    EXPECT_EQ(read_file(ref->path), "moved body");
    EXPECT_TRUE(names_in(m_a / "cur").empty());

    auto scanned = scan_folder(b);
    ASSERT_TRUE(scanned);
    ASSERT_EQ(scanned->messages.size(), 1u);
    EXPECT_EQ(scanned->messages[0].key, d->key);
    EXPECT_TRUE(scanned->messages[0].flags.flags.has(Flag::seen));
}

TEST_F(Folder, MoveNeverReplacesAnExistingFile) {
    const auto b = m_dir / "b";
    ASSERT_TRUE(create_folder(b));
    auto d = deliver(m_a, "m", {});
    ASSERT_TRUE(d);
    write_file(b / "new" / d->file_name, "other copy");
    auto ref = move_message(m_a, b, d->key);
    ASSERT_FALSE(ref);
    EXPECT_EQ(ref.error().code, Errc::name_collision);
    EXPECT_EQ(read_file(b / "new" / d->file_name), "other copy");
    EXPECT_TRUE(std::filesystem::exists(d->path));
}

TEST_F(Folder, MoveIntoANonMaildirFails) {
    auto d = deliver(m_a, "m", {});
    ASSERT_TRUE(d);
    auto ref = move_message(m_a, m_dir / "nowhere", d->key);
    ASSERT_FALSE(ref);
    EXPECT_EQ(ref.error().code, Errc::not_a_maildir);
}

TEST(FolderList, VerbatimFindsNestedFoldersAndSkipsUnmappable) {
    test::TempDir dir;
    const Layout layout(dir.path(), LayoutKind::verbatim);
    for (auto name : {"INBOX", "Lists/dev", "Lists", "Archiv/2024/Q1", "Entwürfe"}) {
        auto p = layout.local_path(name, '/');
        ASSERT_TRUE(p) << name;
        ASSERT_TRUE(create_folder(*p));
    }
    ASSERT_TRUE(create_folder(dir / "bad\\name"));           // a backslash that is not an escape
    std::filesystem::create_directories(dir / "plain/dir");  // not a Maildir
    auto listing = list_folders(layout, '/');
    ASSERT_TRUE(listing);
    std::vector<std::string> names;
    for (const auto& f : listing->folders) names.push_back(f.remote_name);
    EXPECT_EQ(names, (std::vector<std::string>{"Archiv/2024/Q1", "Entwürfe", "INBOX", "Lists", "Lists/dev"}));
    ASSERT_EQ(listing->skipped.size(), 1u);
    EXPECT_EQ(listing->skipped[0].code, Errc::unmappable_folder_name);
}

TEST(FolderList, MaildirPlusPlusRootIsInbox) {
    test::TempDir dir;
    const Layout layout(dir.path(), LayoutKind::maildir_plus_plus);
    for (auto name : {"INBOX", "Lists.dev", "Sent"}) {
        auto p = layout.local_path(name, '.');
        ASSERT_TRUE(p) << name;
        ASSERT_TRUE(create_folder(*p));
    }
    auto listing = list_folders(layout, '.');
    ASSERT_TRUE(listing);
    ASSERT_EQ(listing->folders.size(), 3u);
    EXPECT_EQ(listing->folders[0].remote_name, "INBOX");
    EXPECT_EQ(listing->folders[0].path, dir.path());
    EXPECT_EQ(listing->folders[1].remote_name, "Lists.dev");
    EXPECT_EQ(listing->folders[1].path, dir / ".Lists.dev");
    EXPECT_EQ(listing->folders[2].remote_name, "Sent");
}

// offlineimap's default tree: every folder right under the root, INBOX among them; a deeper
// Maildir or a maildir++ directory has no dotted name and is reported, never guessed.
TEST(FolderList, DottedFoldersAreTheRootsChildren) {
    test::TempDir dir;
    const Layout layout(dir.path(), LayoutKind::dotted);
    for (auto name : {"INBOX", "Lists/dev", "Archive/2024", "Sent"}) {
        auto p = layout.local_path(name, '/');
        ASSERT_TRUE(p) << name;
        ASSERT_TRUE(create_folder(*p));
    }
    ASSERT_TRUE(create_folder(dir / "Lists.new"));    // made by the user: the server folder Lists/new
    ASSERT_TRUE(create_folder(dir / ".Lists.old"));   // maildir++ spelling: no dotted name
    ASSERT_TRUE(create_folder(dir / "Sent/nested"));  // below a folder: not one of the layout's
    std::filesystem::create_directories(dir / "plain");
    auto listing = list_folders(layout, '/');
    ASSERT_TRUE(listing);
    std::vector<std::pair<std::string, std::filesystem::path>> found;
    for (const auto& f : listing->folders) found.emplace_back(f.remote_name, f.path);
    EXPECT_EQ(found, (std::vector<std::pair<std::string, std::filesystem::path>>{{"Archive/2024", dir / "Archive.2024"},
                                                                                 {"INBOX", dir / "INBOX"},
                                                                                 {"Lists/dev", dir / "Lists.dev"},
                                                                                 {"Lists/new", dir / "Lists.new"},
                                                                                 {"Sent", dir / "Sent"}}));
    ASSERT_EQ(listing->skipped.size(), 2u);
    std::string messages;
    for (const auto& e : listing->skipped) {
        EXPECT_EQ(e.code, Errc::unmappable_folder_name);
        messages += e.message + "\n";
    }
    EXPECT_NE(messages.find(".Lists.old"), std::string::npos) << messages;
    EXPECT_NE(messages.find("Sent/nested"), std::string::npos) << messages;
}

TEST(FolderList, MissingRootIsAnErrorNotAnEmptyList) {
    test::TempDir dir;
    auto listing = list_folders(Layout(dir / "unmounted", LayoutKind::verbatim), '/');
    ASSERT_FALSE(listing);
    EXPECT_EQ(listing.error().code, Errc::not_a_maildir);
}

}  // namespace
}  // namespace mailtwin::maildir
