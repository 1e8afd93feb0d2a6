// FolderSelection, the one rule for which folders a sync takes, and watch's use of it for the
// Maildir folders it watches.
#include <gtest/gtest.h>

#include "fixtures/temp_dir.hpp"
#include "mailtwin/folders/folder_filter.hpp"
#include "mailtwin/imap/response.hpp"
#include "mailtwin/maildir/folder.hpp"
#include "mailtwin/net/session.hpp"
#include "mailtwin/watch/watch_inotify.hpp"

namespace mailtwin::engine {
namespace {

net::FolderInfo listed(const std::string& name, imap::MailboxAttr attr = {}, bool selectable = true) {
    net::FolderInfo f;
    f.name = name;
    f.wire_name = name;
    f.delimiter = '/';
    f.attributes = static_cast<std::uint32_t>(attr);
    f.selectable = selectable;
    return f;
}

// INBOX and Archive are synced; Spam is excluded by a glob, "All Mail" by skip_special_use (\All),
// Node is a hierarchy node (\Noselect); "Only here" exists only in the Maildir.
std::vector<net::FolderInfo> gmail_like() {
    return {listed("INBOX"), listed("Archive"), listed("Spam", imap::MailboxAttr::junk),
            listed("All Mail", imap::MailboxAttr::all), listed("Node", imap::MailboxAttr::noselect, false)};
}

config::Sync all_but_spam() {
    config::Sync sync;
    sync.folders = {"*", "!Spam"};
    return sync;
}

TEST(FolderSelection, GlobsSkippedSpecialUseAndHierarchyNodes) {
    const FolderSelection selection(all_but_spam(), FolderNaming{'/', ""}, gmail_like());
    EXPECT_TRUE(selection.synced("INBOX"));
    EXPECT_TRUE(selection.synced("Archive"));
    EXPECT_FALSE(selection.selected("Spam"));
    EXPECT_FALSE(selection.selected("All Mail"));
    EXPECT_TRUE(selection.selected("Node"));  // the globs take it, but it holds no mail
    EXPECT_FALSE(selection.synced("Node"));
    EXPECT_TRUE(selection.synced("Only here"));  // not listed: the globs alone
}

TEST(FolderSelection, WithoutAListingTheGlobsDecide) {
    const FolderSelection selection(all_but_spam(), FolderNaming{'/', ""}, {});
    EXPECT_TRUE(selection.synced("All Mail"));
    EXPECT_FALSE(selection.synced("Spam"));
    EXPECT_TRUE(selection.synced("inbox"));
}

TEST(FolderSelection, EmptySkipSpecialUseSyncsThemAll) {
    config::Sync sync = all_but_spam();
    sync.skip_special_use.clear();
    const FolderSelection selection(sync, FolderNaming{'/', ""}, gmail_like());
    EXPECT_TRUE(selection.synced("All Mail"));
}

TEST(FolderSelection, TheGlobsSeeThePrefixStrippedName) {
    config::Sync sync = all_but_spam();
    const FolderSelection selection(sync, FolderNaming{'.', "INBOX."}, {listed("INBOX.Spam")});
    EXPECT_FALSE(selection.synced("INBOX.Spam"));
    EXPECT_TRUE(selection.synced("INBOX.Archive"));
}

TEST(WatchedFolders, AFolderSyncSkipsIsNotWatched) {
    test::TempDir dir;
    config::Account account;
    account.name = "a";
    account.maildir = dir.path();
    account.sync = all_but_spam();
    for (const char* f : {"INBOX", "Archive", "Spam", "All Mail", "Node", "Only here"})
        ASSERT_TRUE(maildir::create_folder(dir.path() / f));
    const auto watched = watched_folders(account, FolderNaming{'/', ""}, gmail_like());
    std::vector<std::string> names;
    for (const auto& [name, path] : watched) names.push_back(name);
    EXPECT_EQ(names, (std::vector<std::string>{"Archive", "INBOX", "Only here"}));
    EXPECT_EQ(watched.at("INBOX"), dir.path() / "INBOX");
}

}  // namespace
}  // namespace mailtwin::engine
