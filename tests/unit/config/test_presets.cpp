#include "mailtwin/config/presets.hpp"

#include <gtest/gtest.h>

#include <string>

#include "mailtwin/config/loader.hpp"
#include "mailtwin/config/render.hpp"

namespace mailtwin::config {
namespace {

std::string account_with(const std::string& provider, const std::string& imap_keys) {
    return "[accounts.me]\nmaildir = \"/m\"\nprovider = \"" + provider + "\"\n[accounts.me.imap]\n" + imap_keys;
}

std::string error_of(const std::string& toml) {
    try {
        load_string(toml, "p.toml");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(ConfigPresets, EveryProviderFillsHostPortTlsAndAuth) {
    struct Expected {
        const char* name;
        const char* host;
        Auth auth;
    };
    for (auto e :
         {Expected{"gmail", "imap.gmail.com", Auth::plain}, Expected{"outlook", "outlook.office365.com", Auth::xoauth2},
          Expected{"yahoo", "imap.mail.yahoo.com", Auth::plain}, Expected{"fastmail", "imap.fastmail.com", Auth::plain},
          Expected{"icloud", "imap.mail.me.com", Auth::plain}}) {
        Config c =
            load_string(account_with(e.name, "user = \"me@example.com\"\npassword_cmd = \"pass mail\"\n"), "p.toml");
        const Account& a = c.accounts.at(0);
        EXPECT_EQ(a.imap.host, e.host) << e.name;
        EXPECT_EQ(a.imap.port, 993) << e.name;
        EXPECT_EQ(a.imap.tls, Tls::implicit) << e.name;
        EXPECT_EQ(a.imap.auth, e.auth) << e.name;
        ASSERT_TRUE(a.provider.has_value());
        EXPECT_EQ(to_string(*a.provider), e.name);
    }
    EXPECT_EQ(provider_presets().size(), 5u);
}

TEST(ConfigPresets, ExplicitImapKeysOverrideThePreset) {
    Config c = load_string(account_with("gmail",
                                        "host = \"imap.example.org\"\nport = 1993\nuser = \"u\"\n"
                                        "password_cmd = \"oauth-token\"\nauth = \"xoauth2\"\n"),
                           "p.toml");
    const Imap& imap = c.accounts.at(0).imap;
    EXPECT_EQ(imap.host, "imap.example.org");
    EXPECT_EQ(imap.port, 1993);
    EXPECT_EQ(imap.auth, Auth::xoauth2);
    EXPECT_EQ(imap.tls, Tls::implicit);
}

TEST(ConfigPresets, ChangingTlsWithoutAPortTakesThatTlsDefaultPort) {
    Config c = load_string(account_with("fastmail", "tls = \"starttls\"\nuser = \"u\"\npassword = \"p\"\n"), "p.toml");
    EXPECT_EQ(c.accounts.at(0).imap.port, 143);
    EXPECT_EQ(c.accounts.at(0).imap.host, "imap.fastmail.com");
}

TEST(ConfigPresets, OutlookWithAPlainPasswordNamesTheWayOut) {
    EXPECT_EQ(error_of(account_with("outlook", "user = \"u\"\npassword = \"p\"\n")),
              "p.toml:3:12: provider = \"outlook\" signs in with auth = \"xoauth2\", which needs "
              "'accounts.me.imap.password_cmd' to print a fresh access token; set auth = \"plain\" under "
              "[accounts.me.imap] to use a password");
    Config c = load_string(account_with("outlook", "user = \"u\"\npassword = \"p\"\nauth = \"plain\"\n"), "p.toml");
    EXPECT_EQ(c.accounts.at(0).imap.auth, Auth::plain);
}

TEST(ConfigPresets, UnknownProviderSuggestsTheNearest) {
    EXPECT_EQ(error_of(account_with("gmial", "user = \"u\"\npassword = \"p\"\n")),
              "p.toml:3:12: key 'accounts.me.provider' must be one of \"gmail\", \"outlook\", \"yahoo\", "
              "\"fastmail\", \"icloud\", not \"gmial\"; did you mean \"gmail\"?");
}

TEST(ConfigPresets, WithoutAPresetTheHostIsStillRequired) {
    EXPECT_EQ(error_of("[accounts.me]\nmaildir = \"/m\"\n[accounts.me.imap]\nuser = \"u\"\npassword = \"p\"\n"),
              "p.toml:3:1: missing key 'accounts.me.imap.host' (the IMAP server's host name)");
    EXPECT_EQ(error_of("[accounts.me]\nmaildir = \"/m\"\nprovider = \"gmail\"\n"),
              "p.toml:1:1: missing table [accounts.me.imap] (user, password_cmd)");
}

TEST(ConfigPresets, CheckConfigShowsTheProviderAndTheResolvedHost) {
    std::string out =
        render_resolved(load_string(account_with("icloud", "user = \"u\"\npassword = \"s3cret\"\n"), "p.toml"));
    EXPECT_NE(out.find("provider = \"icloud\""), std::string::npos) << out;
    EXPECT_NE(out.find("host = \"imap.mail.me.com\""), std::string::npos) << out;
    EXPECT_EQ(out.find("s3cret"), std::string::npos);
}

}  // namespace
}  // namespace mailtwin::config
