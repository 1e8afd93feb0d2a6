// FolderNaming: the personal namespace prefix is stripped locally and added back on the server;
// with no prefix (Dovecot's default) both directions are the identity.
#include "mailtwin/folders/folder_naming.hpp"

#include <gtest/gtest.h>

#include "fixtures/temp_dir.hpp"
#include "mailtwin/folders/folder_filter.hpp"
#include "mailtwin/maildir/folder.hpp"
#include "mailtwin/net/session.hpp"

namespace mailtwin::engine {
namespace {

using maildir::Layout;
using maildir::LayoutKind;

struct Case {
    const char* label;
    FolderNaming naming;
    LayoutKind kind;
    const char* remote;
    const char* local_path;  // relative to the root; nullptr: no local spelling
};

const Case k_cases[] = {
    // Dovecot-style: no prefix, "/".
    {"dovecot_inbox", {'/', ""}, LayoutKind::verbatim, "INBOX", "INBOX"},
    {"dovecot_nested", {'/', ""}, LayoutKind::verbatim, "Lists/dev", "Lists/dev"},
    {"dovecot_inbox_child", {'/', ""}, LayoutKind::verbatim, "INBOX/Sub", "INBOX/Sub"},
    {"dovecot_dot_in_name", {'/', ""}, LayoutKind::verbatim, "v1.2", "v1.2"},
    {"dovecot_maildirpp", {'/', ""}, LayoutKind::maildir_plus_plus, "Lists/dev", ".Lists.dev"},
    {"dovecot_maildirpp_inbox", {'/', ""}, LayoutKind::maildir_plus_plus, "INBOX", ""},
    // Cyrus-style: "INBOX." and ".".
    {"cyrus_inbox", {'.', "INBOX."}, LayoutKind::verbatim, "INBOX", "INBOX"},
    {"cyrus_inbox_lowercase", {'.', "INBOX."}, LayoutKind::verbatim, "inbox", "INBOX"},
    {"cyrus_top", {'.', "INBOX."}, LayoutKind::verbatim, "INBOX.Archive", "Archive"},
    {"cyrus_nested", {'.', "INBOX."}, LayoutKind::verbatim, "INBOX.Lists.dev", "Lists/dev"},
    {"cyrus_prefix_case", {'.', "INBOX."}, LayoutKind::verbatim, "Inbox.Archive", "Archive"},
    {"cyrus_slash_in_name", {'.', "INBOX."}, LayoutKind::verbatim, "INBOX.a/b", "a\\057b"},
    {"cyrus_inbox_inbox", {'.', "INBOX."}, LayoutKind::verbatim, "INBOX.INBOX", nullptr},
    {"cyrus_inbox_inbox_child", {'.', "INBOX."}, LayoutKind::verbatim, "INBOX.INBOX.x", "INBOX/x"},
    {"cyrus_other_user", {'.', "INBOX."}, LayoutKind::verbatim, "user.bob.x", "user/bob/x"},
    {"cyrus_non_ascii",
     {'.', "INBOX."},
     LayoutKind::verbatim,
     "INBOX.Entw\xc3\xbc"
     "rfe",
     "Entw\xc3\xbc"
     "rfe"},
    {"cyrus_maildirpp", {'.', "INBOX."}, LayoutKind::maildir_plus_plus, "INBOX.Lists.dev", ".Lists.dev"},
    {"cyrus_maildirpp_inbox", {'.', "INBOX."}, LayoutKind::maildir_plus_plus, "INBOX", ""},
    // Courier/Dovecot "INBOX/" prefix with "/".
    {"slash_prefix", {'/', "INBOX/"}, LayoutKind::verbatim, "INBOX/Lists/dev", "Lists/dev"},
    {"slash_prefix_dot_in_name", {'/', "INBOX/"}, LayoutKind::maildir_plus_plus, "INBOX/v1.2", ".v1\\0562"},
};

class Naming : public ::testing::TestWithParam<Case> {};

TEST_P(Naming, MapsBothWays) {
    const Case& c = GetParam();
    const Layout layout("/m", c.kind);
    auto path = c.naming.local_path(layout, c.remote);
    if (!c.local_path) {
        EXPECT_FALSE(path) << path->string();
        return;
    }
    ASSERT_TRUE(path) << path.error().message;
    const std::filesystem::path expected =
        std::string(c.local_path).empty() ? std::filesystem::path("/m") : std::filesystem::path("/m") / c.local_path;
    EXPECT_EQ(*path, expected);
    // Back: the local name the layout reads from the path, then the remote name.
    auto local_name = layout.remote_name(*path, c.naming.delimiter);
    ASSERT_TRUE(local_name) << local_name.error().message;
    EXPECT_EQ(*local_name, *c.naming.to_local(c.remote));
    if (c.naming.personal(c.remote)) {
        std::string expected_remote = c.remote;
        if (std::string_view(c.remote).size() == 5)
            expected_remote = "INBOX";  // "inbox" comes back as INBOX
        else if (std::string_view(c.remote).starts_with("Inbox"))
            expected_remote = "INBOX" + expected_remote.substr(5);
        EXPECT_EQ(c.naming.to_remote(*local_name), expected_remote);
    }
}

INSTANTIATE_TEST_SUITE_P(Table, Naming, ::testing::ValuesIn(k_cases),
                         [](const auto& p) { return std::string(p.param.label); });

TEST(FolderNaming, WithoutPrefixEverythingIsTheIdentity) {
    const FolderNaming n{'/', ""};
    for (const char* name : {"INBOX", "inbox", "INBOX/x", "Lists/dev", "user/bob"}) {
        EXPECT_TRUE(n.personal(name));
        EXPECT_EQ(n.to_local(name), std::string(name));
        EXPECT_EQ(n.to_remote(name), std::string(name));
        EXPECT_EQ(n.stripped(name), std::string(name));
    }
}

TEST(FolderNaming, PersonalNamespace) {
    const FolderNaming n{'.', "INBOX."};
    EXPECT_TRUE(n.personal("INBOX"));
    EXPECT_TRUE(n.personal("INBOX.Archive"));
    EXPECT_TRUE(n.personal("inbox.Archive"));
    EXPECT_FALSE(n.personal("INBOX."));  // the prefix alone names no folder
    EXPECT_FALSE(n.personal("user.bob.x"));
    EXPECT_FALSE(n.personal("INBOXES.x"));
    EXPECT_EQ(n.to_remote("INBOX"), "INBOX");
    EXPECT_EQ(n.to_remote("New.Sub"), "INBOX.New.Sub");
    EXPECT_EQ(n.stripped("INBOX.Spam"), "Spam");
    EXPECT_EQ(n.stripped("INBOX"), "INBOX");
    EXPECT_EQ(n.stripped("user.bob.x"), "user.bob.x");
}

TEST(FolderNaming, GlobsMatchWithOrWithoutThePrefix) {
    const FolderNaming n{'.', "INBOX."};
    const std::vector<std::string> all_but_spam{"*", "!Spam"};
    EXPECT_TRUE(n.selected("INBOX", all_but_spam));
    EXPECT_TRUE(n.selected("INBOX.Archive", all_but_spam));
    EXPECT_FALSE(n.selected("INBOX.Spam", all_but_spam));
    EXPECT_TRUE(n.selected("INBOX.Spam.Old", all_but_spam));  // "Spam" is not "Spam.*"
    const std::vector<std::string> full_names{"*", "!INBOX.Spam"};
    EXPECT_FALSE(n.selected("INBOX.Spam", full_names));
    const std::vector<std::string> lists{"Lists.*"};
    EXPECT_TRUE(n.selected("INBOX.Lists.dev", lists));
    EXPECT_FALSE(n.selected("INBOX.Archive", lists));
    const std::vector<std::string> top_level{"%"};
    EXPECT_TRUE(n.selected("INBOX.Archive", top_level));  // "Archive" is one level
    EXPECT_FALSE(n.selected("INBOX.Lists.dev", top_level));
    // Dovecot: unchanged semantics.
    const FolderNaming d{'/', ""};
    EXPECT_FALSE(d.selected("Spam", all_but_spam));
    EXPECT_TRUE(d.selected("Lists/dev", std::vector<std::string>{"Lists/*"}));
}

TEST(FolderNaming, PersonalFoldersWinLocalNames) {
    const FolderNaming n{'.', "INBOX."};
    auto claims = n.claim_local_names({"Archive", "INBOX", "INBOX.Archive", "user.bob.x"});
    EXPECT_EQ(claims.by_local.at("Archive"), "INBOX.Archive");
    EXPECT_EQ(claims.by_local.at("user.bob.x"), "user.bob.x");
    EXPECT_EQ(claims.by_local.at("INBOX"), "INBOX");
    EXPECT_EQ(claims.clashing, std::set<std::string>{"Archive"});
}

TEST(FolderNaming, ListsLocalFoldersByRemoteName) {
    test::TempDir dir;
    const Layout layout(dir.path(), LayoutKind::verbatim);
    for (const char* f : {"INBOX", "Archive", "Lists/dev", "user/bob/x"})
        ASSERT_TRUE(maildir::create_folder(dir.path() / f));
    const FolderNaming n{'.', "INBOX."};
    auto listing = n.list_local(layout, n.claim_local_names({"user.bob.x"}));
    ASSERT_TRUE(listing) << listing.error().message;
    std::vector<std::string> names;
    for (const auto& f : listing->folders) names.push_back(f.remote_name);
    EXPECT_EQ(names, (std::vector<std::string>{"INBOX", "INBOX.Archive", "INBOX.Lists.dev", "user.bob.x"}));
    // Without the prefix the listing is exactly maildir::list_folders().
    const FolderNaming d{'.', ""};
    auto plain = d.list_local(layout);
    ASSERT_TRUE(plain);
    names.clear();
    for (const auto& f : plain->folders) names.push_back(f.remote_name);
    EXPECT_EQ(names, (std::vector<std::string>{"Archive", "INBOX", "Lists.dev", "user.bob.x"}));
}

net::FolderInfo listed(const std::string& name, std::optional<char> delimiter) {
    net::FolderInfo f;
    f.name = name;
    f.wire_name = name;
    f.delimiter = delimiter;
    return f;
}

TEST(FolderNaming, FromListAndNamespace) {
    imap::Namespaces cyrus;
    cyrus.personal.push_back({"INBOX.", '.'});
    cyrus.other_users.push_back({"user.", '.'});
    auto n = make_folder_naming({listed("INBOX", '.'), listed("INBOX.Archive", '.')}, &cyrus);
    EXPECT_EQ(n.delimiter, '.');
    EXPECT_EQ(n.personal_prefix, "INBOX.");
    // No NAMESPACE: no prefix, the LIST delimiter.
    auto plain = make_folder_naming({listed("INBOX", '/')}, nullptr);
    EXPECT_EQ(plain.delimiter, '/');
    EXPECT_EQ(plain.personal_prefix, "");
    // A flat namespace and no delimiter anywhere: '/' as before.
    EXPECT_EQ(make_folder_naming({listed("INBOX", std::nullopt)}, nullptr).delimiter, '/');
    // A prefix without its delimiter gets one; a modified UTF-7 prefix is decoded.
    imap::Namespaces bare;
    bare.personal.push_back({"INBOX", '.'});
    EXPECT_EQ(make_folder_naming({listed("INBOX", '.')}, &bare).personal_prefix, "INBOX.");
    imap::Namespaces utf7;
    utf7.personal.push_back({"Entw&APw-rfe/", '/'});
    EXPECT_EQ(make_folder_naming({listed("INBOX", '/')}, &utf7).personal_prefix,
              "Entw\xc3\xbc"
              "rfe/");
    // Dovecot's default.
    imap::Namespaces dovecot;
    dovecot.personal.push_back({"", '/'});
    auto d = make_folder_naming({listed("INBOX", '/')}, &dovecot);
    EXPECT_EQ(d.personal_prefix, "");
    EXPECT_EQ(d.delimiter, '/');
}

}  // namespace
}  // namespace mailtwin::engine

namespace mailtwin::net {
namespace {

// An unsolicited FETCH (FLAGS) besides the answer for the same UID (Exchange after STORE .SILENT):
// one entry per UID, the later flags, the higher MODSEQ.
TEST(UnsolicitedFetch, OneEntryPerUidTheLatestWins) {
    model::FlagSet seen, seen_flagged;
    seen.set(model::Flag::seen);
    seen_flagged.set(model::Flag::seen);
    seen_flagged.set(model::Flag::flagged);
    std::vector<MessageFlags> flags{{7, seen, 40}, {3, {}, 10}, {7, seen_flagged, 0}, {5, seen, 12}};
    keep_latest_per_uid(flags);
    ASSERT_EQ(flags.size(), 3u);
    EXPECT_EQ(flags[0].uid, 3u);
    EXPECT_EQ(flags[1].uid, 5u);
    EXPECT_EQ(flags[2].uid, 7u);
    EXPECT_EQ(flags[2].flags, seen_flagged);
    EXPECT_EQ(flags[2].modseq, 40u);
}

}  // namespace
}  // namespace mailtwin::net
