#include "mailtwin/config/loader.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "config_text.hpp"
#include "mailtwin/config/render.hpp"

namespace mailtwin::config {
namespace {

// The leading empty line is part of the line numbers the messages below quote.
const std::string k_minimal = "\n" + k_work_account;

// Expects a ConfigError whose message contains every fragment.
void expect_error(const std::string& toml, std::initializer_list<std::string> fragments) {
    try {
        load_string(toml, "test.toml");
        ADD_FAILURE() << "no error for:\n" << toml;
    } catch (const ConfigError& e) {
        std::string msg = e.what();
        for (const auto& f : fragments) EXPECT_NE(msg.find(f), std::string::npos) << "'" << f << "' not in: " << msg;
    }
}

TEST(ConfigLoader, MinimalAccountGetsTheDocumentedDefaults) {
    Config c = load_string(k_minimal, "test.toml");
    ASSERT_EQ(c.accounts.size(), 1u);
    const Account& a = c.accounts[0];
    EXPECT_EQ(a.name, "work");
    EXPECT_EQ(a.maildir, "/tmp/mail");
    EXPECT_EQ(a.layout, Layout::verbatim);
    EXPECT_EQ(a.imap.port, 993);
    EXPECT_EQ(a.imap.tls, Tls::implicit);
    EXPECT_EQ(a.imap.auth, Auth::plain);
    EXPECT_EQ(a.sync.direction, Direction::both);
    EXPECT_EQ(a.sync.expunge, Expunge::both);
    EXPECT_EQ(a.sync.folders, std::vector<std::string>{"*"});
    EXPECT_EQ(a.sync.max_delete_percent, 50);
    EXPECT_EQ(c.general.max_connections, 4);
    EXPECT_EQ(c.general.state_dir.filename(), "mailtwin");
}

TEST(ConfigLoader, ReadsEveryKey) {
    Config c = load_string(R"(
[general]
state_dir = "/var/tmp/st"
max_connections = 2
[accounts.w]
maildir = "/m"
layout = "maildir++"
[accounts.w.imap]
host = "127.0.0.1"
port = 1143
tls = "none"
user = "u"
password = "pw"
auth = "login"
ca_file = "/etc/ca.pem"
fingerprint = "sha256:00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF"
[accounts.w.sync]
direction = "pull"
expunge = "remote"
folders = ["*", "!Spam"]
on_conflict = "delete"
folder_deletes = "propagate"
max_size = "25M"
max_age_days = 30
max_messages = 1000
max_delete_percent = 10
keywords = "ignore"
trash = "Trash"
)",
                           "t.toml");
    const Account& a = c.accounts.at(0);
    EXPECT_EQ(c.general.state_dir, "/var/tmp/st");
    EXPECT_EQ(c.general.max_connections, 2);
    EXPECT_EQ(a.layout, Layout::maildir_plus_plus);
    EXPECT_EQ(a.imap.port, 1143);
    EXPECT_EQ(a.imap.tls, Tls::none);
    EXPECT_EQ(a.imap.password, "pw");
    EXPECT_EQ(a.imap.auth, Auth::login);
    EXPECT_EQ(a.imap.ca_file, std::filesystem::path("/etc/ca.pem"));
    EXPECT_TRUE(a.imap.fingerprint.has_value());
    EXPECT_EQ(a.sync.direction, Direction::pull);
    EXPECT_EQ(a.sync.expunge, Expunge::remote);
    EXPECT_EQ(a.sync.folders, (std::vector<std::string>{"*", "!Spam"}));
    EXPECT_EQ(a.sync.on_conflict, OnConflict::del);
    EXPECT_EQ(a.sync.folder_deletes, FolderDeletes::propagate);
    EXPECT_EQ(a.sync.max_size, 25u << 20);
    EXPECT_EQ(a.sync.max_age_days, 30);
    EXPECT_EQ(a.sync.max_messages, 1000);
    EXPECT_EQ(a.sync.max_delete_percent, 10);
    EXPECT_EQ(a.sync.keywords, Keywords::ignore);
    EXPECT_EQ(a.sync.trash, "Trash");
}

TEST(ConfigLoader, FolderDeletesDefaultsToRecreateAndRefusesOtherWords) {
    EXPECT_EQ(load_string(k_minimal, "t").accounts[0].sync.folder_deletes, FolderDeletes::recreate);
    std::string bad = std::string(k_minimal) + "[accounts.work.sync]\nfolder_deletes = \"propagat\"\n";
    expect_error(bad, {"test.toml:9:", "accounts.work.sync.folder_deletes", "did you mean \"propagate\""});
}

TEST(ConfigLoader, StarttlsDefaultsToPort143) {
    std::string t = k_minimal;
    t += "tls = \"starttls\"\n";
    EXPECT_EQ(load_string(t, "t").accounts[0].imap.port, 143);
}

TEST(ConfigLoader, CompressIsAutoUnlessSet) {
    EXPECT_EQ(load_string(k_minimal, "t").accounts[0].imap.compress, Compress::automatic);
    std::string t = k_minimal;
    t += "compress = \"always\"\n";
    EXPECT_EQ(load_string(t, "t").accounts[0].imap.compress, Compress::always);
    std::string bad = std::string(k_minimal) + "compress = \"yes\"\n";
    expect_error(bad, {"accounts.work.imap.compress"});
}

TEST(ConfigLoader, TypoInAKeyNamesKeyLineAndSuggestion) {
    std::string t = k_minimal;
    t += "prot = 993\n";  // line 8
    expect_error(t, {"test.toml:8:1", "accounts.work.imap.prot", "did you mean 'port'"});
}

TEST(ConfigLoader, WrongTypeNamesKeyAndLine) {
    std::string t = k_minimal;
    t += "port = \"993\"\n";
    expect_error(t, {"test.toml:8:", "accounts.work.imap.port", "must be an integer, not a string"});
}

TEST(ConfigLoader, BadEnumValueSuggestsTheNearest) {
    std::string t = std::string(k_minimal) + "[accounts.work.sync]\ndirection = \"pul\"\n";
    expect_error(t, {"test.toml:9:", "accounts.work.sync.direction", "did you mean \"pull\""});
}

// offlineimap's default tree; check-config says where INBOX and Lists/dev go under each layout.
TEST(ConfigLoader, LayoutDottedIsReadAndRenderedWithItsTree) {
    auto with_layout = [](const std::string& layout) {
        std::string t = k_work_account;
        t.insert(t.find("[accounts.work.imap]"), "layout = \"" + layout + "\"\n");
        return t;
    };
    const Config c = load_string(with_layout("dotted"), "t");
    EXPECT_EQ(c.accounts[0].layout, Layout::dotted);
    EXPECT_NE(
        render_resolved(c).find("layout = \"dotted\"  # INBOX -> <maildir>/INBOX, Lists/dev -> <maildir>/Lists.dev\n"),
        std::string::npos)
        << render_resolved(c);
    EXPECT_NE(render_resolved(load_string(with_layout("maildir++"), "t")).find("Lists/dev -> <maildir>/.Lists.dev"),
              std::string::npos);
    expect_error(with_layout("doted"),
                 {"accounts.work.layout", "\"verbatim\", \"maildir++\", \"dotted\"", "did you mean \"dotted\""});
}

TEST(ConfigLoader, TomlSyntaxErrorHasLineAndColumn) { expect_error("[general\nx=1\n", {"test.toml:1:"}); }

TEST(ConfigLoader, RejectsMissingAndContradictorySettings) {
    expect_error("[general]\n", {"no account configured"});
    expect_error("[accounts.a]\n[accounts.a.imap]\nhost=\"h\"\nuser=\"u\"\npassword=\"p\"\n",
                 {"missing key 'accounts.a.maildir'"});
    expect_error("[accounts.a]\nmaildir=\"/m\"\n", {"missing table [accounts.a.imap]"});
    expect_error("[accounts.a]\nmaildir=\"/m\"\n[accounts.a.imap]\nhost=\"h\"\nuser=\"u\"\n", {"password_cmd"});
    expect_error(
        "[accounts.a]\nmaildir=\"/m\"\n[accounts.a.imap]\nhost=\"h\"\nuser=\"u\"\npassword=\"p\"\npassword_cmd=\"c\"\n",
        {"not both"});
    expect_error(
        "[accounts.a]\nmaildir=\"/m\"\n[accounts.a.imap]\nhost=\"h\"\nuser=\"u\"\npassword=\"p\"\nauth=\"xoauth2\"\n",
        {"xoauth2", "password_cmd"});
    expect_error("[accounts.\"a/b\"]\nmaildir=\"/m\"\n", {"account name"});
}

TEST(ConfigLoader, PlaintextNeedsLoopbackOrExplicitOptIn) {
    std::string remote = std::string(k_minimal) + "tls = \"none\"\n";
    expect_error(remote, {"clear text", "allow_plaintext"});
    EXPECT_NO_THROW(load_string(remote + "allow_plaintext = true\n", "t"));
    std::string loop = R"([accounts.a]
maildir = "/m"
[accounts.a.imap]
host = "127.0.0.1"
tls = "none"
user = "u"
password = "p"
)";
    EXPECT_NO_THROW(load_string(loop, "t"));
}

TEST(ConfigLoader, RangesAndSizesAreChecked) {
    std::string base = std::string(k_minimal) + "[accounts.work.sync]\n";
    expect_error(base + "max_delete_percent = 150\n", {"between 0 and 100"});
    expect_error(base + "max_size = \"12Q\"\n", {"max_size"});
    EXPECT_EQ(load_string(base + "max_size = \"1.5K\"\n", "t").accounts[0].sync.max_size, 1536u);
    EXPECT_EQ(load_string(base + "max_size = 4096\n", "t").accounts[0].sync.max_size, 4096u);
    expect_error(std::string(k_minimal) + "fingerprint = \"md5:00\"\n", {"sha256:"});
}

TEST(ConfigLoader, ExpandsHomeAndVariables) {
    ::setenv("MAILTWIN_TEST_ROOT", "/srv/mail", 1);
    std::string t = R"([accounts.a]
maildir = "$MAILTWIN_TEST_ROOT/a"
[accounts.a.imap]
host = "h"
user = "u"
password = "p"
)";
    EXPECT_EQ(load_string(t, "t").accounts[0].maildir, "/srv/mail/a");
    ::unsetenv("MAILTWIN_UNSET_VARIABLE_X");
    expect_error(R"([accounts.a]
maildir = "${MAILTWIN_UNSET_VARIABLE_X}/a"
)",
                 {"MAILTWIN_UNSET_VARIABLE_X", "not set"});
}

TEST(ConfigRender, MasksThePassword) {
    std::string t = R"([accounts.a]
maildir = "/m"
[accounts.a.imap]
host = "h"
user = "u"
password = "hunter2-very-secret"
)";
    std::string out = render_resolved(load_string(t, "t"));
    EXPECT_EQ(out.find("hunter2"), std::string::npos);
    EXPECT_NE(out.find("password = \"********\""), std::string::npos);
    EXPECT_NE(out.find("[accounts.a.sync]"), std::string::npos);
}

TEST(ConfigLoader, TheShippedExampleIsValid) {
    Config c = load_file(std::filesystem::path(MAILTWIN_SOURCE_DIR) / "etc" / "mailtwin.toml.example");
    ASSERT_EQ(c.accounts.size(), 1u);
    EXPECT_EQ(c.accounts[0].sync.folders, (std::vector<std::string>{"*", "!Spam", "!Trash"}));
}

}  // namespace
}  // namespace mailtwin::config

namespace mailtwin::config {
namespace {

TEST(ConfigLoaderSpecialUse, SkipsAllMailByDefault) {
    EXPECT_EQ(load_string(k_minimal, "t").accounts[0].sync.skip_special_use, std::vector<std::string>{"\\All"});
}

TEST(ConfigLoaderSpecialUse, ListIsNormalisedAndMayBeEmpty) {
    std::string t = k_minimal;
    t += "[accounts.work.sync]\nskip_special_use = [\"\\\\all\", \"\\\\Important\"]\n";
    EXPECT_EQ(load_string(t, "t").accounts[0].sync.skip_special_use,
              (std::vector<std::string>{"\\All", "\\Important"}));
    std::string none = k_minimal;
    none += "[accounts.work.sync]\nskip_special_use = []\n";
    EXPECT_TRUE(load_string(none, "t").accounts[0].sync.skip_special_use.empty());
}

TEST(ConfigLoaderSpecialUse, UnknownNameIsAnError) {
    std::string t = k_minimal;
    t += "[accounts.work.sync]\nskip_special_use = [\"All\"]\n";
    expect_error(t, {"accounts.work.sync.skip_special_use", "not a special-use attribute"});
}

}  // namespace
}  // namespace mailtwin::config
